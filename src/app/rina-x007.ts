/**
 * The forward carried out in RINA (CONTRACT §7 "Forward out"), wired: the X007 outbox, its relay on the CPI (when
 * RINA_URL is set), the operators' retry, the X007 metrics, and the figures of GET /api/rina/status. The jobs
 * themselves are written with the forwards (store/case-changes.ts) whatever the configuration.
 */
import type { AuditTrail } from '../audit/audit-trail';
import { x007RelayStep, type X007State } from '../forwarding/x007';
import { createX007Metrics } from '../forwarding/x007-metrics';
import { X007Operations } from '../forwarding/x007-operations';
import { followX007sSent } from '../helpdesk/tickets/automatic-resolution';
import { SYSTEM_ACTORS } from '../helpdesk/tickets/ticket-request';
import type { TicketService } from '../helpdesk/tickets/ticket-service';
import { x007FailureTicket } from '../helpdesk/tickets/x007-tickets';
import type { CpiPort } from '../rina/cpi-port';
import type { RoutingConfigService } from '../routing/versions';
import type { Clock } from '../shared/clock';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { WorkerLoop } from '../shared/worker-loop';
import type { Database } from '../store/database';
import { PgCauseReader } from '../store/ticket-pipeline-repository';
import { PgX007Outbox } from '../store/x007-repository';
import { x007Router } from '../web/x007-router';

export interface X007Deps {
  db: Database;
  /** The CPI (RINA_URL set); without it no relay runs and the jobs wait. */
  cpi?: CpiPort;
  /** RINA_INSTITUTION_ID: the institution every X007 removes. */
  liaisonBodyId: string;
  routingConfig: RoutingConfigService;
  tickets: TicketService;
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Run the relay in the background (tests may drain it). */
  workers: boolean;
  idleMs: number;
  /** This process's name in lease owners. */
  connectionName: string;
}

export interface X007Side {
  outbox: PgX007Outbox;
  operations: X007Operations;
  router: ReturnType<typeof x007Router>;
  /** The relay (with a CPI): tests and tools may drain it. */
  relay?: WorkerLoop;
  /** X007 jobs by state, for GET /api/rina/status. */
  counts(): Promise<Record<X007State, number>>;
  stop(): Promise<void>;
}

/** With RINA_URL: of these forwards, those carried out in RINA by the service (the forward relay sends them no liaison.rina instruction). */
export function x007CarriedInRina(db: Database): (forwardIds: string[]) => Promise<Set<string>> {
  const outbox = new PgX007Outbox(db);
  return (ids) => outbox.carriedInRina(ids);
}

export function startX007(deps: X007Deps): X007Side {
  const outbox = new PgX007Outbox(deps.db);
  const metrics = createX007Metrics(deps.metrics.registry, () => outbox.counts());
  let relay: WorkerLoop | undefined;
  if (deps.cpi) {
    relay = new WorkerLoop('rina-x007', x007RelayStep({
      outbox, cpi: deps.cpi, liaisonBody: { id: deps.liaisonBodyId, name: 'CLEISS' },
      institutionName: async (id) => (await deps.routingConfig.current()).directory.institution(id)?.name,
      openTicket: async (f) => (await deps.tickets.openAutomatic(x007FailureTicket(f), SYSTEM_ACTORS.rina)).ticketId,
      now: () => deps.clock.now(), logger: deps.logger, owner: newId(`x007-${deps.connectionName}`),
      onSent: () => metrics.sent.inc(),
      onFailure: (_job, final) => metrics.failures.inc({ final: String(final) }),
      resolveTickets: async (forwardIds) => {
        const resolved = await deps.db.transaction((tx) => followX007sSent(deps.tickets, new PgCauseReader(tx), forwardIds, deps.clock.now()));
        for (const r of resolved) deps.logger.info('automatic ticket resolved: its cause is gone', { event: 'helpdesk.ticket_auto_resolved', ticketId: r.ticketId, cause: r.cause, via: 'event' });
      },
    }), { idleMs: deps.idleMs, logger: deps.logger });
    if (deps.workers) relay.start();
  }
  const operations = new X007Operations({ admin: outbox, audit: deps.audit, clock: deps.clock, logger: deps.logger, onRetry: () => relay?.kick() });
  return {
    outbox, operations, router: x007Router(operations), relay,
    counts: () => outbox.counts(),
    async stop() {
      await relay?.stop();
    },
  };
}
