/**
 * The level-2 help desk wired into storage, HTTP, AMQP and cron. app/service.ts calls startHelpdesk once the
 * database is migrated, mounts the router, and calls stop() on shutdown.
 *
 * - config: CONFIG_DIR/calendars.json and sla-policy.json, checked against their schemas at start;
 * - AMQP (when a bus is given): consumes `liaison.helpdesk` (new tickets, same body as POST /api/tickets,
 *   idempotent on counterpartCountry + counterpartRef; and counterpart messages about them), publishes replies
 *   on `liaison.helpdesk-out` from the outbox (a relay woken by each reply) and escalations on the
 *   notifications exchange;
 * - cron (when scheduler is true): escalation sweep every minute, pipeline watch every 15 minutes;
 * - followCase: what ForwardingService and TriageService report about cases, to resolve automatic tickets.
 */
import type { AuditTrail } from '../audit/audit-trail';
import { jsonMessageHandler } from '../bus/json-handler';
import type { ConsumerHandle, MessageBus } from '../bus/types';
import type { CaseFactListener } from '../cases/case-store';
import { caseFollowUp } from '../helpdesk/tickets/automatic-resolution';
import { CalendarSnapshots } from '../business-time/calendar-snapshots';
import { escalationRelayStep } from '../helpdesk/sla/escalation-notices';
import { InboundMessages } from '../helpdesk/counterparts/inbound-messages';
import { replyRelayStep } from '../helpdesk/counterparts/reply-outbox';
import { loadHelpdeskConfig, type HelpdeskConfig } from '../helpdesk/helpdesk-config';
import { createHelpdeskMetrics } from '../helpdesk/helpdesk-metrics';
import { PolicySnapshots } from '../helpdesk/sla/policy-snapshots';
import { HELPDESK_JOB_NAMES, helpdeskJobs, type HelpdeskJobs, type HelpdeskJobWriters } from '../helpdesk/helpdesk-jobs';
import { DEFAULT_HELPDESK_SETTINGS, type HelpdeskSettings } from '../helpdesk/settings';
import { isInboundMessage, parseInboundMessage, parseNewTicket, SYSTEM_ACTORS, ticketSourceOf } from '../helpdesk/tickets/ticket-request';
import { TicketService } from '../helpdesk/tickets/ticket-service';
import { Scheduler } from '../scheduler/scheduler';
import type { Clock } from '../shared/clock';
import { newId } from '../shared/ids';
import type { ExclusiveRun } from '../shared/exclusive-job';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { WorkerLoop } from '../shared/worker-loop';
import type { Database } from '../store/database';
import { runExclusively } from '../store/job-lock';
import { causeReaderIn, PgCauseReader, PgEscalationOutbox, PgPipelineWatchWriter } from '../store/ticket-pipeline-repository';
import { PgTicketStore, PgTicketWriter } from '../store/ticket-repository';
import { PgReplyOutbox } from '../store/ticket-thread-repository';
import { helpdeskRouter } from '../web/helpdesk-router';

export interface HelpdeskDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  configDir: string;
  bus?: MessageBus & { names: { helpdesk: string; notifications: string; helpdeskOut: string } };
  /** Where priority changes are audited (Service.audit). */
  audit?: AuditTrail;
  /** Idle poll of the reply relay (it is also woken by each reply); default 1000 ms. */
  replyPollMs?: number;
  /** Run the cron jobs in this process. */
  scheduler: boolean;
  /** Job and consumer settings (config.helpdesk); defaults when absent. */
  settings?: Partial<HelpdeskSettings>;
  /** Zone the cron expressions are read in (config.scheduleTimezone); default Europe/Paris. */
  scheduleTimezone?: string;
  /** Resolves when the database answers (the consumer resumes after a dependency pause only then). */
  ready?: () => Promise<void>;
  /** Deliveries of a liaison.helpdesk message before it is dead-lettered (config.consumerMaxAttempts). */
  maxAttempts?: number;
  /** The escalation relay's lease: owner name (unique per process; default a new id) and duration (config.outboxLeaseMs). */
  noticeLease?: { owner?: string; leaseMs?: number };
}

export interface Helpdesk {
  service: TicketService;
  inbound: InboundMessages;
  /** The reply relay (when a broker is configured): tests and tools may drain it. */
  replies?: WorkerLoop;
  /** Wire to ForwardingService / TriageService `onFact`: resolves automatic tickets in the fact's transaction. */
  followCase: CaseFactListener;
  router: ReturnType<typeof helpdeskRouter>;
  /** The scheduled jobs, callable directly with a `now` (tests, tools). */
  jobs: HelpdeskJobs;
  config: HelpdeskConfig;
  /** Stop consuming and scheduling; let what is running finish. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The liaison.helpdesk handler: a new ticket, or a counterpart's message about one (isInboundMessage), committed
 * before the ack; a body that can never work (schema, unknown ticket) is dead-lettered with its code.
 */
export function helpdeskMessageHandler(service: TicketService, inbound?: InboundMessages) {
  return jsonMessageHandler('ticket message', async (body) => {
    if (inbound && isInboundMessage(body)) {
      await inbound.receive(parseInboundMessage(body));
      return;
    }
    // The same schema as POST /api/tickets (schemas/ticket.schema.json, which docs/openapi.yaml refers to).
    await service.create(parseNewTicket(body), SYSTEM_ACTORS.amqp, ticketSourceOf(body, 'machine'));
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
  const calendars = new CalendarSnapshots({ calendars: config.calendars, logger });
  await calendars.record(store, clock.now());
  let replies: WorkerLoop | undefined;
  const service = new TicketService({
    store, config, snapshots, calendars, clock, logger, metrics, audit: deps.audit, replies: Boolean(deps.bus), onReply: () => replies?.kick(), slaStartMaxDaysBack: settings.slaStartMaxDaysBack,
  });
  const inbound = new InboundMessages({ store, service, clock, logger, metrics });
  if (deps.bus) {
    replies = new WorkerLoop('helpdesk-replies', replyRelayStep({ outbox: new PgReplyOutbox(db), bus: deps.bus, exchange: deps.bus.names.helpdeskOut, clock, logger, metrics }),
      { idleMs: deps.replyPollMs ?? 1000, logger });
    replies.start();
  }
  const followCase = caseFollowUp({ service, logger, metrics }, causeReaderIn);

  const relay = deps.bus
    ? escalationRelayStep({
      outbox: new PgEscalationOutbox(db), bus: deps.bus, exchange: deps.bus.names.notifications, clock, logger, batchSize: settings.noticeRelayBatch,
      owner: deps.noticeLease?.owner ?? newId('escalation-relay'), leaseMs: deps.noticeLease?.leaseMs,
    })
    : undefined;
  const exclusive: ExclusiveRun<HelpdeskJobWriters> = (job, fn) =>
    runExclusively(db, job, (tx) => fn({ tickets: new PgTicketWriter(tx), pipeline: new PgPipelineWatchWriter(tx), causes: new PgCauseReader(tx) }));
  const jobs = helpdeskJobs({ exclusive, service, config, snapshots, settings, logger, metrics, relayNotifications: relay });

  const consumers: ConsumerHandle[] = [];
  if (deps.bus) {
    consumers.push(deps.bus.consume(deps.bus.names.helpdesk, helpdeskMessageHandler(service, inbound), {
      prefetch: settings.prefetch, maxAttempts: deps.maxAttempts, ready: deps.ready, retryDelay: { initialMs: 500, maxMs: 5_000 },
    }));
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
    service, inbound, replies, followCase, router: helpdeskRouter(service), jobs, config,
    async stop(timeoutMs = 10_000) {
      await Promise.all(consumers.map((c) => c.stop(timeoutMs)));
      await scheduler?.stop();
      await replies?.stop();
    },
  };
}
