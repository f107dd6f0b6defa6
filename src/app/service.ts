/**
 * Builds the whole service from a config: database → repositories → domain services → adapters.
 * main.ts runs it as a process; tests build the same graph with a fixed clock and an in-memory database.
 */
import type { Server } from 'node:http';
import { AccessService } from '../access/access';
import { AccountService } from '../access/accounts';
import { SqlLoginThrottle } from '../store/login-throttle';
import { CaseActions } from '../triage/case-actions';
import { CaseViews } from '../cases/case-view';
import { businessMsBetween, HOUR_MS } from '../business-time/calendar';
import { deskCalendarAt } from '../helpdesk/helpdesk-config';
import { PgTriageQueue } from '../store/triage-queries';
import { TriageReroute } from '../triage/reroute';
import { TriageQueue } from '../triage/triage-queue';
import { adminRouter } from '../web/admin-router';
import { perPrincipalRateLimit } from '../web/rate-limit';
import { firstWayIn } from './first-run';
import { AuditTrail } from '../audit/audit-trail';
import { PgAuditRepository } from '../store/audit-repository';
import type { AppConfig } from '../config/env';
import { loadBucCatalogue } from '../config/catalogue';
import { BucCatalogue } from '../intake/buc-catalogue';
import { QuarantineService } from '../intake/quarantine-service';
import { LearnedRulesService } from '../learning/learned-rules';
import { LearningService } from '../learning/learning-service';
import { OverviewService, ticketsAtRiskFrom } from '../overview/overview-service';
import { PgBucCatalogueRepository } from '../store/buc-catalogue-repository';
import { PgLearnedRulesRepository } from '../store/learned-rules-repository';
import { PgLearningRepository } from '../store/learning-repository';
import { PgOverviewQueries } from '../store/overview-queries';
import { catalogueRouter } from '../web/catalogue-router';
import { rinaRouter } from '../web/rina-router';
import { learningRouter } from '../web/learning-router';
import { IntakeService } from '../intake/intake-service';
import { systemClock, type Clock } from '../shared/clock';
import { createLogger, type Logger } from '../shared/logger';
import { newId } from '../shared/ids';
import { createMetrics, type Metrics, type MetricSources } from '../shared/metrics';
import { PgAccessRepository } from '../store/access-repository';
import { openDatabase, type Database } from '../store/database';
import { PgIntakeRepository } from '../store/intake-repository';
import { migrate } from '../store/migrate';
import { PgQuarantineRepository } from '../store/quarantine-repository';
import { EnvelopeValidator } from '../validation/envelope-validator';
import { ForwardingService } from '../forwarding/forwarding-service';
import { institutionsWithQueues } from '../forwarding/messages';
import { RelayInbox, type RelayHandOver } from '../forwarding/outbox-relay';
import { loadRoutingConfig } from '../routing/config-files';
import { routingStep } from '../pipeline/routing-worker';
import { RoutingConfigService } from '../routing/versions';
import { brokerProbe, startAmqp, type AmqpSide } from './amqp';
import { WorkerLoop } from '../shared/worker-loop';
import { CaseFacts } from '../cases/case-facts';
import { PgCaseQueries } from '../store/case-queries';
import { PgCaseStore } from '../store/case-repository';
import { PgRoutingQueue } from '../store/routing-queue';
import { PgOutboxRepository } from '../store/outbox-repository';
import { workQueueDepth } from '../store/work-queue';
import { PgRoutingConfigRepository, storedEnvelopePagesSince } from '../store/routing-config-repository';
import { SimulationSlots } from '../pipeline/draft-simulation';
import { TriageService } from '../triage/triage-service';
import { startHelpdesk, type Helpdesk } from './helpdesk';
import { startReports, type Reports } from './reports';
import { casesRouter } from '../web/cases-router';
import { routingRouter } from '../web/routing-router';
import { accessRouter } from '../web/access-router';
import { createApp } from '../web/app';
import { healthRouter, type ReadinessProbe } from '../web/health-router';
import { defaultConsoleDir, serveConsole } from '../web/console-router';
import { intakeRouter } from '../web/intake-router';
import { RETENTION_JOB, retentionJob, scheduleRetention } from '../scheduler/retention-job';
import { runExclusively } from '../store/job-lock';
import { Scheduler } from '../scheduler/scheduler';
import { startDriftWatch, type DriftWatch } from './drift-watch';
import { purgeExpired } from '../store/retention-repository';
import { x007CarriedInRina, type X007Side } from './rina-x007';
import type { RinaEventsSide } from './rina-events';
import { rinaCpi, startRinaSides } from './rina';

/** A router of src/web, as the composition root hands it over (the type is express's; app/ imports no express). */
type Router = ReturnType<typeof rinaRouter>;

export interface ServiceOptions {
  clock?: Clock;
  logger?: Logger;
  /** An already open database (tests share one per file); otherwise opened from the config. */
  db?: Database;
  /** Listen on config.port (default true). */
  listen?: boolean;
  /** Run the pipeline workers in the background (default true; tests may drive them with drain()). */
  workers?: boolean;
  /** The built console served at / (default dist/console of this checkout). */
  consoleDir?: string;
}

export interface Service {
  config: Readonly<AppConfig>;
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  app: ReturnType<typeof createApp>;
  server?: Server;
  intake: IntakeService;
  access: AccessService;
  accounts: AccountService;
  caseActions: CaseActions;
  triageQueue: TriageQueue;
  /** The append-only audit trail of people's actions. */
  audit: AuditTrail;
  routingConfig: RoutingConfigService;
  triage: TriageService;
  forwarding: ForwardingService;
  routingWorker: WorkerLoop;
  /** The BUC catalogue intake checks against, versioned and editable at run time. */
  catalogue: BucCatalogue;
  /** Quarantine re-submission and dismissal. */
  quarantine: QuarantineService;
  /** Suggestions, rule proposals and candidate rules from operators' decisions. */
  learning: LearningService;
  /** Learned rules after publication: shadow agreement, live precision and drift. */
  learnedRules: LearnedRulesService;
  overview: OverviewService;
  amqp?: AmqpSide;
  helpdesk: Helpdesk;
  /** The retention purge (RETENTION_DAYS), run daily by the scheduler when set; callable with a `now` (tests, tools). */
  retention: (now?: Date) => Promise<{ bodies: number; quarantined: number; ran: boolean }>;
  /** Monthly and yearly reports: versioned snapshots, renderings, scheduled run. */
  reports: Reports;
  /** Drift watch of live learned rules: the check that records rules.learned-drift notices, and their relay. */
  driftWatch: DriftWatch;
  /** The forwards carried out in RINA (X007), its relay when RINA_URL is set. */
  x007: X007Side;
  /** SEDs in from RINA (events, their worker, the import, the status) when RINA_URL is set. */
  rina?: RinaEventsSide;
  /** Stop taking work, finish what is held, close everything. */
  stop(): Promise<void>;
}

/** The domain services on one database, before any adapter takes traffic. */
async function buildCore(
  config: Readonly<AppConfig>, db: Database, clock: Clock, logger: Logger, metrics: Metrics, wakeRelay: () => void, handOver?: RelayHandOver,
) {
  const audit = new AuditTrail(new PgAuditRepository(db), clock);
  const accessRepo = new PgAccessRepository(db);
  const accounts = new AccountService(accessRepo, clock, audit);
  await firstWayIn(config, accounts, logger);
  const catalogue = new BucCatalogue(new PgBucCatalogueRepository(db), clock, audit);
  await catalogue.seed(loadBucCatalogue(config.configDir));
  const validator = new EnvelopeValidator({ bucTypes: catalogue });
  const intakeRepo = new PgIntakeRepository(db);
  const intake = new IntakeService({ repo: intakeRepo, validator, clock, logger, metrics, limits: config.inputLimits });
  const routingConfig = new RoutingConfigService(new PgRoutingConfigRepository(db), clock, audit);
  await routingConfig.seed(loadRoutingConfig(config.configDir));
  const throttle = new SqlLoginThrottle(db, clock, {
    maxFailuresPerAccount: config.loginMaxFailuresPerAccount, maxFailuresPerAddress: config.loginMaxFailuresPerAddress,
    windowMinutes: config.loginWindowMinutes, blockMinutes: config.loginBlockMinutes,
  });
  const access = new AccessService(accessRepo, clock, config.bootstrapToken, {
    audit, throttle, logger, session: { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs }, tokenLifetimeDays: config.tokenLifetimeDays,
    institutionKnown: async (id) => (await routingConfig.current()).directory.institution(id) !== undefined,
  });
  const caseStore = new PgCaseStore(db);
  // What happens to cases, published by triage and forwarding; the help desk subscribes once started (startService).
  const caseFacts = new CaseFacts();
  const onFact = caseFacts.publish;
  const learnedRules = new LearnedRulesService({
    repo: new PgLearnedRulesRepository(db), routingConfig,
    drift: { minForwards: config.learningDriftMinForwards, maxUndoneShare: config.learningDriftMaxUndonePercent / 100 },
  });
  const learning = new LearningService({ repo: new PgLearningRepository(db), routingConfig, logger, pinHashKey: config.pinHashKey, minSupport: config.learningMinSupport, minAgreement: config.learningMinAgreementPercent / 100 });
  const triage = new TriageService({ store: caseStore, routingConfig, clock, logger, audit, onFact, learning, undoSeconds: config.triageUndoSeconds });
  const caseActions = new CaseActions({ store: caseStore, routingConfig, clock, logger, audit });
  const forwarding = new ForwardingService({ store: caseStore, clock, logger, metrics, onFact });
  const routingWorker = new WorkerLoop('routing', routingStep({
    queue: new PgRoutingQueue(db), config: routingConfig, clock, logger, metrics, batchSize: config.routingBatchSize,
    onForwarded: wakeRelay, handOver,
  }), { idleMs: config.workerPollMs, logger });
  const quarantine = new QuarantineService({
    entries: new PgQuarantineRepository(db), intakeRepo, validator, clock, logger, metrics, audit, limits: config.inputLimits,
    beforeResubmit: () => catalogue.refresh(), onAccepted: () => routingWorker.kick(),
  });
  return { audit, access, accounts, caseActions, catalogue, validator, intake, routingConfig, learning, learnedRules, triage, forwarding, routingWorker, quarantine, caseFacts };
}

type Core = Awaited<ReturnType<typeof buildCore>>;

/** The HTTP side: one router per domain, behind the access check; health and metrics in front of it. */
function buildHttp(config: Readonly<AppConfig>, db: Database, clock: Clock, core: Core, helpdesk: Helpdesk, reports: Reports, logger: Logger, metrics: Metrics, probes: ReadinessProbe[], stopping: () => boolean, consoleDir: string, more: Router[]) {
  const caseQueries = new PgCaseQueries(db);
  const { access, accounts, audit, caseActions, catalogue, intake, routingConfig, validator, triage, forwarding, routingWorker, learning, quarantine } = core;
  const triageStore = new PgTriageQueue(db);
  const reroute = new TriageReroute({
    source: { triageCaseIds: (n, only) => triageStore.triageCaseIds(n, only), envelopesOfCase: (id) => caseQueries.storedEnvelopes(id) }, routingConfig, triage, audit,
  });
  const triageQueue = new TriageQueue({
    store: triageStore, routingConfig, clock, audit, claimMinutes: config.triageClaimMinutes,
    age: { oldBusinessHours: config.triageOldBusinessHours, overdueBusinessHours: config.helpdesk.orphanMaxAgeBusinessHours },
    businessHoursBetween: (from, to) => businessMsBetween(deskCalendarAt(helpdesk.config, to), from, to) / HOUR_MS,
  });
  const views = new CaseViews({ read: caseQueries, routingConfig, audit, now: () => clock.now() });
  const overview = new OverviewService({
    repo: new PgOverviewQueries(db), ticketsAtRisk: ticketsAtRiskFrom(helpdesk.service), clock,
    businessHoursBetween: (from, to) => businessMsBetween(deskCalendarAt(helpdesk.config, to), from, to) / HOUR_MS,
    age: { oldBusinessHours: config.triageOldBusinessHours, overdueBusinessHours: config.helpdesk.orphanMaxAgeBusinessHours },
  });
  const app = createApp({
    access,
    logger,
    publicRouters: [healthRouter(probes, metrics, stopping), serveConsole(consoleDir)],
    trustProxy: config.trustProxy,
    guards: [['/api/envelopes', perPrincipalRateLimit(config.intakeRatePerMinute)]],
    routers: [
      accessRouter(access, config.cookieSecure),
      adminRouter({ access, accounts, audit, now: () => clock.now() }),
      intakeRouter(intake, new PgQuarantineRepository(db), quarantine, () => routingWorker.kick(), audit),
      routingRouter({ config: routingConfig, validator, caseRoute: (id) => caseQueries.caseRoute(id), storedEnvelopePages: (since) => storedEnvelopePagesSince(db, since),
        simulation: { timeLimitMs: config.simulationTimeLimitMs, slots: new SimulationSlots(config.simulationMaxConcurrent) }, now: () => clock.now(),
      }),
      casesRouter({ views, read: caseQueries, triage, queue: triageQueue, actions: caseActions, forwarding, clock, audit, reroute }),
      helpdesk.router,
      learningRouter({ learning, overview, learnedRules: core.learnedRules }),
      catalogueRouter(catalogue),
      reports.router,
      ...more,
    ],
  });
  return { app, triageQueue, overview };
}

async function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, () => resolve(s));
    s.once('error', reject);
  });
}

function openServiceDatabase(config: Readonly<AppConfig>): Promise<Database> {
  return openDatabase({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, holder: `service: ${process.argv.slice(1).join(' ')}`,
  });
}

/** Other instances' catalogue edits reach this one within seconds (a re-submission re-reads it at once). */
function refreshEvery(catalogue: BucCatalogue, ms: number): NodeJS.Timeout {
  const timer = setInterval(() => void catalogue.refresh().catch(() => undefined), ms);
  timer.unref();
  return timer;
}

/** The retention purge, callable at any time, and its daily run when RETENTION_DAYS is set and workers run. */
function startRetention(config: Readonly<AppConfig>, db: Database, clock: Clock, logger: Logger, scheduled: boolean) {
  const retention = retentionJob({
    purgeSlice: (before, at) => runExclusively(db, RETENTION_JOB, (tx) => purgeExpired(tx, before, at)), days: config.retentionDays, clock, logger,
  });
  let retentionScheduler: Scheduler | undefined;
  if (scheduled && config.retentionDays > 0) {
    retentionScheduler = new Scheduler({ logger, timezone: config.scheduleTimezone });
    scheduleRetention(retentionScheduler, () => retention(), config.retentionCron);
    retentionScheduler.start();
  }
  return { retention, retentionScheduler };
}

/** The database given (tests) or opened from the configuration (then closed by stop()), migrated. */
async function migratedDatabase(config: Readonly<AppConfig>, opts: ServiceOptions, logger: Logger): Promise<{ db: Database; ownDb: boolean }> {
  const db = opts.db ?? (await openServiceDatabase(config));
  const applied = await migrate(db);
  if (applied.length) logger.info('database migrated', { event: 'store.migrated', applied, driver: db.driver });
  return { db, ownDb: !opts.db };
}

/** The relay's in-memory inbox: room for a few relay batches, the relay's lease, the relay's owner name. */
function relayInbox(config: Readonly<AppConfig>, clock: Clock, connected: () => boolean, wake: () => void): RelayInbox {
  return new RelayInbox({
    owner: newId(`relay-${config.amqpConnectionName}`), leaseMs: config.outboxLeaseMs, capacity: 5 * config.outboxRelayBatch, clock, connected, onPut: wake,
  });
}

/** The gauges read from the database; the outbox's only with a broker (without one, institutions pull). */
function metricSources(db: Database, broker?: { outbox: PgOutboxRepository; clock: Clock }): MetricSources {
  return {
    workQueueDepth: () => workQueueDepth(db),
    outboxBacklog: broker ? () => broker.outbox.backlog() : undefined,
    outboxOldestAgeSeconds: broker ? () => broker.outbox.oldestAgeSeconds(broker.clock.now()) : undefined,
  };
}

/** A notice relay's lease: an owner name unique to this process, held as long as the forward relay's (above the confirm timeout). */
function noticeLease(config: Readonly<AppConfig>, relay: string): { owner: string; leaseMs: number } {
  return { owner: newId(`${relay}-${config.amqpConnectionName}`), leaseMs: config.outboxLeaseMs };
}

/**
 * The process's metrics. Without a broker, forwards are pulled by the institutions over HTTP: nothing waits for a
 * broker's confirm. The learned rules' gauges read through `learned`, set once the core is built (at scrape time).
 */
function serviceMetrics(config: Readonly<AppConfig>, db: Database, outbox: PgOutboxRepository, clock: Clock): { metrics: Metrics; learned: { rules?: LearnedRulesService } } {
  const learned: { rules?: LearnedRulesService } = {};
  const metrics = createMetrics({
    ...metricSources(db, config.amqpUrl ? { outbox, clock } : undefined),
    learnedRules: async () => (learned.rules ? (await learned.rules.status()).live : []),
  });
  return { metrics, learned };
}

// long-function: the one start order of the service (and its stop order), read top to bottom; each step is a call.
export async function startService(config: Readonly<AppConfig>, opts: ServiceOptions = {}): Promise<Service> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const { db, ownDb } = await migratedDatabase(config, opts, logger);
  const outbox = new PgOutboxRepository(db);
  const { metrics, learned } = serviceMetrics(config, db, outbox, clock);

  let amqp: AmqpSide | undefined;
  // Routing hands the forwards it creates to this instance's relay in memory (leased to it), and wakes it, as
  // intake wakes routing. Without a broker, forwards are pulled over HTTP: no relay, no hand-over.
  const inbox = config.amqpUrl ? relayInbox(config, clock, () => amqp?.broker.isConnected() ?? false, () => amqp?.relay.kick()) : undefined;
  const core = await buildCore(config, db, clock, logger, metrics, () => amqp?.relay.kick(), inbox);
  learned.rules = core.learnedRules;
  const { intake, forwarding, routingConfig, routingWorker, catalogue } = core;
  // One CPI client (one CAS session) for both halves of the RINA adapter (CONTRACT §7).
  const { cpi, rinaMetrics } = rinaCpi(config, db, clock, logger, metrics);
  const catalogueRefresh = refreshEvery(catalogue, 10_000);
  if (config.amqpUrl) {
    amqp = await startAmqp({
      url: config.amqpUrl, settings: config, intake, forwarding, outbox, inbox, clock, logger, metrics,
      onAccepted: () => routingWorker.kick(), databaseReady: () => db.ping(), carriedInRina: cpi ? x007CarriedInRina(db) : undefined,
      institutionIds: async () => institutionsWithQueues((await routingConfig.current()).directory),
    });
  }
  if (opts.workers !== false) routingWorker.start();
  const helpdesk = await startHelpdesk({
    db, clock, logger, metrics, configDir: config.configDir, bus: amqp?.broker, scheduler: opts.workers !== false, noticeLease: noticeLease(config, 'escalation-relay'),
    settings: config.helpdesk, scheduleTimezone: config.scheduleTimezone, ready: () => db.ping(), maxAttempts: config.consumerMaxAttempts, audit: core.audit,
  });
  core.caseFacts.subscribe(helpdesk.followCase);
  const { x007, rina } = startRinaSides({ config, db, cpi, rinaMetrics, core, helpdesk, clock, logger, metrics, workers: opts.workers !== false });
  const { retention, retentionScheduler } = startRetention(config, db, clock, logger, opts.workers !== false);
  const driftWatch = startDriftWatch({
    db, clock, logger, learnedRules: core.learnedRules, bus: amqp?.broker, scheduler: opts.workers !== false, cron: config.learningDriftCron,
    scheduleTimezone: config.scheduleTimezone, noticeLease: noticeLease(config, 'drift-relay'),
  });
  const reports = startReports({
    db, clock, logger, configDir: config.configDir, bucCatalogue: catalogue, calendars: helpdesk.config.calendars, bus: amqp?.broker,
    scheduler: opts.workers !== false, monthlyCron: config.reportMonthlyCron, scheduleTimezone: config.scheduleTimezone, noticeLease: noticeLease(config, 'report-relay'), regenerateMinSeconds: config.reportRegenerateMinSeconds,
    renderLimits: { timeLimitMs: config.reportRenderTimeLimitMs, maxConcurrent: config.reportMaxConcurrent },
  });

  let stopping = false;
  const probes: ReadinessProbe[] = [{ name: 'database', check: () => db.ping() }];
  if (amqp) probes.push(brokerProbe(amqp.broker));
  const { app, triageQueue, overview } = buildHttp(config, db, clock, core, helpdesk, reports, logger, metrics, probes, () => stopping, opts.consoleDir ?? defaultConsoleDir(), [x007.router, rina ? rina.router : rinaRouter()]);
  const server = opts.listen === false ? undefined : await listen(app, config.port);
  if (server) logger.info('listening', { event: 'http.listening', port: config.port, database: db.driver, broker: Boolean(config.amqpUrl) });

  return {
    config, db, clock, logger, metrics, app, server, amqp, helpdesk, triageQueue, overview, retention, reports, driftWatch, x007, rina, ...core,
    async stop() {
      // Stop taking work first (HTTP, consumers), then let the workers finish what they hold, routing before the relay.
      stopping = true;
      clearInterval(catalogueRefresh);
      const closing = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      server?.closeIdleConnections();
      await reports.stop();
      await driftWatch.stop();
      await helpdesk.stop(config.shutdownGraceMs);
      await retentionScheduler?.stop();
      await amqp?.stopConsumers(config.shutdownGraceMs);
      await rina?.stop();
      await routingWorker.stop();
      await x007.stop();
      await amqp?.stop(config.shutdownGraceMs);
      await closing;
      if (ownDb) await db.close();
    },
  };
}
