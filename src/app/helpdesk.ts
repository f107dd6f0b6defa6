/**
 * The level-2 help desk wired into storage, HTTP, AMQP and cron. app/service.ts calls startHelpdesk once the
 * database is migrated, mounts the router, and calls stop() on shutdown.
 *
 * - config: CONFIG_DIR/calendars.json and sla-policy.json, checked against their schemas at start;
 * - AMQP (when a bus is given): consumes `liaison.helpdesk` (same body as POST /api/tickets, idempotent on
 *   counterpartCountry + counterpartRef) and publishes escalations on the notifications exchange;
 * - cron (when scheduler is true): escalation sweep every minute, pipeline watch every 15 minutes.
 */
import { jsonMessageHandler } from '../bus/json-handler';
import type { ConsumerHandle, MessageBus } from '../bus/types';
import { escalationRelayStep } from '../helpdesk/escalation-notices';
import { loadHelpdeskConfig, type HelpdeskConfig } from '../helpdesk/helpdesk-config';
import { createHelpdeskMetrics } from '../helpdesk/helpdesk-metrics';
import { PolicySnapshots } from '../helpdesk/policy-snapshots';
import { HELPDESK_JOB_NAMES, helpdeskJobs, type HelpdeskJobs, type HelpdeskJobWriters } from '../helpdesk/helpdesk-jobs';
import { DEFAULT_HELPDESK_SETTINGS, type HelpdeskSettings } from '../helpdesk/settings';
import { SYSTEM_ACTORS, ticketSourceOf } from '../helpdesk/ticket-request';
import { TicketService } from '../helpdesk/ticket-service';
import { Scheduler } from '../scheduler/scheduler';
import type { Clock } from '../shared/clock';
import type { ExclusiveRun } from '../shared/exclusive-job';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import type { Database } from '../store/database';
import { runExclusively } from '../store/job-lock';
import { PgEscalationOutbox, PgPipelineWatchWriter } from '../store/ticket-pipeline-repository';
import { PgTicketStore, PgTicketWriter } from '../store/ticket-repository';
import { helpdeskRouter } from '../web/helpdesk-router';

export interface HelpdeskDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  configDir: string;
  bus?: MessageBus & { names: { helpdesk: string; notifications: string } };
  /** Run the cron jobs in this process. */
  scheduler: boolean;
  /** Job and consumer settings (config.helpdesk); defaults when absent. */
  settings?: Partial<HelpdeskSettings>;
  /** Zone the cron expressions are read in (config.scheduleTimezone); default Europe/Paris. */
  scheduleTimezone?: string;
  /** Deliveries of a liaison.helpdesk message before it is dead-lettered (config.consumerMaxAttempts). */
  maxAttempts?: number;
}

export interface Helpdesk {
  service: TicketService;
  router: ReturnType<typeof helpdeskRouter>;
  /** The scheduled jobs, callable directly with a `now` (tests, tools). */
  jobs: HelpdeskJobs;
  config: HelpdeskConfig;
  /** Stop consuming and scheduling; let what is running finish. */
  stop(timeoutMs?: number): Promise<void>;
}

/** The liaison.helpdesk handler: the ticket is committed before the ack; a body that can never work is dead-lettered. */
export function helpdeskMessageHandler(service: TicketService) {
  return jsonMessageHandler('ticket message', async (body) => {
    await service.create(body, SYSTEM_ACTORS.amqp, ticketSourceOf(body, 'machine'));
  });
}

export async function startHelpdesk(deps: HelpdeskDeps): Promise<Helpdesk> {
  const { db, clock, logger } = deps;
  const settings = { ...DEFAULT_HELPDESK_SETTINGS, ...deps.settings };
  const config = loadHelpdeskConfig(deps.configDir);
  const metrics = createHelpdeskMetrics(deps.metrics.registry);
  const store = new PgTicketStore(db);
  const snapshots = new PolicySnapshots({ policies: config.policies, definitions: config.policyDefinitions, calendars: config.calendars, logger });
  const edited = snapshots.checkAgainst(await store.policyVersions());
  const service = new TicketService({ store, config, snapshots, clock, logger, metrics });

  const relay = deps.bus
    ? escalationRelayStep({ outbox: new PgEscalationOutbox(db), bus: deps.bus, exchange: deps.bus.names.notifications, clock, logger, batchSize: settings.noticeRelayBatch })
    : undefined;
  const exclusive: ExclusiveRun<HelpdeskJobWriters> = (job, fn) =>
    runExclusively(db, job, (tx) => fn({ tickets: new PgTicketWriter(tx), pipeline: new PgPipelineWatchWriter(tx) }));
  const jobs = helpdeskJobs({ exclusive, service, config, snapshots, settings, logger, metrics, relayNotifications: relay });

  const consumers: ConsumerHandle[] = [];
  if (deps.bus) {
    consumers.push(deps.bus.consume(deps.bus.names.helpdesk, helpdeskMessageHandler(service), { prefetch: settings.prefetch, maxAttempts: deps.maxAttempts }));
  }
  let scheduler: Scheduler | undefined;
  if (deps.scheduler) {
    scheduler = new Scheduler({ logger, timezone: deps.scheduleTimezone });
    scheduler.add({ name: HELPDESK_JOB_NAMES.escalation, cron: settings.escalationCron, run: async () => void (await jobs.escalate(clock.now())) });
    scheduler.add({ name: HELPDESK_JOB_NAMES.pipelineWatch, cron: settings.pipelineWatchCron, run: async () => void (await jobs.watchPipeline(clock.now())) });
    scheduler.start();
  }
  logger.info('help desk started', {
    event: 'helpdesk.started', policyVersions: config.policies.map((p) => p.version), editedPolicyVersions: edited,
    amqp: Boolean(deps.bus), scheduler: Boolean(scheduler), forwardAckBusinessDays: settings.forwardAckBusinessDays,
    orphanMaxAgeBusinessHours: settings.orphanMaxAgeBusinessHours,
  });

  return {
    service, router: helpdeskRouter(service), jobs, config,
    async stop(timeoutMs = 10_000) {
      await Promise.all(consumers.map((c) => c.stop(timeoutMs)));
      await scheduler?.stop();
    },
  };
}
