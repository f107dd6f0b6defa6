/**
 * Both halves of the RINA adapter (CONTRACT §7) wired into the service: one CPI client (one CAS session) when
 * RINA_URL is set, events in (rina-events.ts) and the forward carried out with an X007 (rina-x007.ts). The X007
 * side exists whatever the configuration (the case view reads its jobs; its relay runs only with a CPI).
 */
import type { AppConfig } from '../config/env';
import type { Helpdesk } from './helpdesk';
import type { AuditTrail } from '../audit/audit-trail';
import { LIAISON_BODY_ID } from '../intake/envelope';
import type { IntakeService } from '../intake/intake-service';
import { CpiClient } from '../rina/cpi-client';
import type { CpiPort } from '../rina/cpi-port';
import type { RoutingConfigService } from '../routing/versions';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import type { Database } from '../store/database';
import { registerRinaMetrics, startRinaEvents, type RinaEventsSide } from './rina-events';
import { startX007, type X007Side } from './rina-x007';

/** The CPI client when RINA_URL is set, and the RINA metrics (registered always: the alert rules name them). */
export function rinaCpi(config: Readonly<AppConfig>, db: Database, clock: Clock, logger: Logger, metrics: Metrics) {
  const rinaMetrics = registerRinaMetrics(db, metrics, clock);
  const r = config.rina;
  const cpi: CpiPort | undefined = r ? new CpiClient({
    baseUrl: r.url, user: r.user, password: r.password, timeoutMs: r.timeoutMs, maxAttempts: r.maxAttempts,
    retry: { initialMs: r.retryInitialMs, maxMs: r.retryMaxMs, factor: 2, jitter: 0.2 }, clock, logger, onCall: rinaMetrics.onCall,
  }) : undefined;
  return { cpi, rinaMetrics: rinaMetrics.metrics };
}

export interface RinaSidesDeps {
  config: Readonly<AppConfig>;
  db: Database;
  cpi: CpiPort | undefined;
  rinaMetrics: ReturnType<typeof rinaCpi>['rinaMetrics'];
  core: { intake: IntakeService; routingConfig: RoutingConfigService; audit: AuditTrail; routingWorker: { kick(): void } };
  helpdesk: Pick<Helpdesk, 'service'>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  workers: boolean;
}

export function startRinaSides(d: RinaSidesDeps): { x007: X007Side; rina?: RinaEventsSide } {
  const { config, db, cpi, clock, logger, metrics } = d;
  const x007 = startX007({
    db, cpi, liaisonBodyId: config.rina?.institutionId ?? LIAISON_BODY_ID, routingConfig: d.core.routingConfig, tickets: d.helpdesk.service, audit: d.core.audit,
    clock, logger, metrics, workers: d.workers, idleMs: Math.max(config.workerPollMs, 1_000), connectionName: config.amqpConnectionName,
  });
  const rina = config.rina && cpi ? startRinaEvents({
    db, cpi, intake: d.core.intake, audit: d.core.audit, settings: config.rina, clock, logger, rinaMetrics: d.rinaMetrics, onAccepted: () => d.core.routingWorker.kick(),
    x007Counts: () => x007.counts(), workers: d.workers, idleMs: config.workerPollMs, connectionName: config.amqpConnectionName,
  }) : undefined;
  return { x007, rina };
}
