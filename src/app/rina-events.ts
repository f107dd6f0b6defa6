/**
 * SEDs in from RINA (CONTRACT §7 "Events in"), wired when RINA_URL is set: the event store, the worker that reads
 * the CPI and hands envelopes to intake, the operator's import, GET /api/rina/status and the metrics.
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { IntakeService } from '../intake/intake-service';
import type { CpiPort } from '../rina/cpi-port';
import { RinaEventService } from '../rina/rina-event-service';
import { createRinaMetrics, type RinaMetrics } from '../rina/rina-metrics';
import { RinaStatusService } from '../rina/rina-status';
import type { RinaSettings } from '../config/env';
import type { Clock } from '../shared/clock';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { WorkerLoop } from '../shared/worker-loop';
import type { Database } from '../store/database';
import { PgRinaEventStore } from '../store/rina-event-repository';
import { rinaRouter } from '../web/rina-router';

export interface RinaEventsDeps {
  db: Database;
  cpi: CpiPort;
  intake: IntakeService;
  audit?: AuditTrail;
  settings: Readonly<RinaSettings>;
  clock: Clock;
  logger: Logger;
  /** From registerRinaMetrics. */
  rinaMetrics: RinaMetrics;
  /** Envelopes were accepted: wake routing. */
  onAccepted: () => void;
  /** The forward-out half's hook: X007 jobs by state, for GET /api/rina/status. */
  x007Counts?: () => Promise<Record<string, number>>;
  /** Run the worker in the background (tests may drain it instead). */
  workers: boolean;
  idleMs: number;
  /** This process's name in lease owners. */
  connectionName: string;
}

export interface RinaEventsSide {
  store: PgRinaEventStore;
  events: RinaEventService;
  status: RinaStatusService;
  metrics: RinaMetrics;
  router: ReturnType<typeof rinaRouter>;
  /** The worker: tests and tools may drain it. */
  worker: WorkerLoop;
  stop(): Promise<void>;
}

/**
 * The RINA metrics, registered whether RINA_URL is set or not (the alert rules name them; without RINA they read
 * 0), and the CPI client's per-call observer (liaison_rina_cpi_call_duration_seconds) for `new CpiClient({ onCall })`.
 */
export function registerRinaMetrics(db: Database, metrics: Metrics, clock: Clock): { metrics: RinaMetrics; onCall: (call: string, status: number, ms: number) => void } {
  const store = new PgRinaEventStore(db);
  const m = createRinaMetrics(metrics.registry, () => store.counts(), () => clock.now());
  return { metrics: m, onCall: (call, status, ms) => m.cpiCalls.observe({ call, status: String(status) }, ms / 1000) };
}

export function startRinaEvents(deps: RinaEventsDeps): RinaEventsSide {
  const store = new PgRinaEventStore(deps.db);
  const metrics = deps.rinaMetrics;
  const s = deps.settings;
  const events = new RinaEventService({
    store, cpi: deps.cpi, intake: deps.intake, audit: deps.audit, clock: deps.clock, logger: deps.logger, metrics,
    settings: {
      ownInstitutionId: s.institutionId, batch: s.eventBatch, leaseMs: s.eventLeaseMs,
      retry: { initialMs: s.retryInitialMs, maxMs: s.retryMaxMs, factor: 2, jitter: 0.2 },
      maxNotFoundAttempts: 5, concurrency: 8, owner: newId(`rina-events-${deps.connectionName}`),
    },
    onAccepted: deps.onAccepted, onStored: () => worker.kick(),
  });
  const worker: WorkerLoop = new WorkerLoop('rina-events', () => events.step(), { idleMs: deps.idleMs, logger: deps.logger });
  if (deps.workers) worker.start();
  const status = new RinaStatusService({ cpi: deps.cpi, events: () => store.counts(), x007Counts: deps.x007Counts, clock: deps.clock, maxWaitSeconds: s.eventMaxWaitSeconds, metrics });
  return {
    store, events, status, metrics, router: rinaRouter(events, status), worker,
    async stop() {
      await worker.stop();
    },
  };
}
