/**
 * Builds the whole service from a config: database → repositories → domain services → adapters.
 * main.ts runs it as a process; tests build the same graph with a fixed clock and an in-memory database.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { AccessService } from '../access/access';
import { AccountService, type SecretFileWriter } from '../access/accounts';
import { SqlLoginThrottle } from '../access/login-throttle';
import { CaseActions } from '../cases/case-actions';
import { CaseViews } from '../cases/case-view';
import { businessMsBetween, HOUR_MS } from '../helpdesk/calendar';
import { deskCalendarAt } from '../helpdesk/helpdesk-config';
import { rateLimitStoreClient } from '../store/rate-limit-store';
import { PgTriageQueue } from '../store/triage-queries';
import { TriageQueue } from '../triage/triage-queue';
import { adminRouter } from '../web/admin-router';
import { perPrincipalRateLimit } from '../web/rate-limit';
import { AuditTrail } from '../audit/audit-trail';
import { PgAuditRepository } from '../store/audit-repository';
import type { AppConfig } from '../config/env';
import { loadBucCatalogue } from '../config/catalogue';
import { BucCatalogue } from '../intake/buc-catalogue';
import { QuarantineService } from '../intake/quarantine-service';
import { LearningService } from '../learning/learning-service';
import { OverviewService, ticketsAtRiskFrom } from '../overview/overview-service';
import { PgBucCatalogueRepository } from '../store/buc-catalogue-repository';
import { PgLearningRepository } from '../store/learning-repository';
import { PgOverviewQueries } from '../store/overview-queries';
import { catalogueRouter } from '../web/catalogue-router';
import { learningRouter } from '../web/learning-router';
import { IntakeService } from '../intake/intake-service';
import { systemClock, type Clock } from '../shared/clock';
import { createLogger, type Logger } from '../shared/logger';
import { createMetrics, type Metrics } from '../shared/metrics';
import { PgAccessRepository } from '../store/access-repository';
import { openDatabase, type Database } from '../store/database';
import { PgIntakeRepository } from '../store/intake-repository';
import { migrate } from '../store/migrate';
import { PgQuarantineRepository } from '../store/quarantine-repository';
import { EnvelopeValidator } from '../validation/envelope-validator';
import { ForwardingService } from '../forwarding/forwarding-service';
import { institutionsWithQueues } from '../forwarding/messages';
import { loadRoutingConfig } from '../routing/config-files';
import { routingStep } from '../routing/routing-worker';
import { RoutingConfigService } from '../routing/versions';
import { brokerProbe, startAmqp, type AmqpSide } from './amqp';
import { WorkerLoop } from '../shared/worker-loop';
import { PgCaseQueries } from '../store/case-queries';
import { PgCaseStore, PgStageQueue } from '../store/case-repository';
import { PgOutboxRepository } from '../store/outbox-repository';
import { workQueueDepth } from '../store/work-queue';
import { PgRoutingConfigRepository, storedEnvelopesSince } from '../store/routing-config-repository';
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
  triageQueue: TriageQueue;
  caseActions: CaseActions;
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
  overview: OverviewService;
  amqp?: AmqpSide;
  helpdesk: Helpdesk;
  /** Monthly and yearly reports: versioned snapshots, renderings, scheduled run. */
  reports: Reports;
  /** Stop taking work, finish what is held, close everything. */
  stop(): Promise<void>;
}

/** The domain services on one database, before any adapter takes traffic. */
async function buildCore(config: Readonly<AppConfig>, db: Database, clock: Clock, logger: Logger, metrics: Metrics) {
  const audit = new AuditTrail(new PgAuditRepository(db), clock);
  const accessRepo = new PgAccessRepository(db);
  const throttle = new SqlLoginThrottle(rateLimitStoreClient(db), {
    maxFailuresPerAccount: config.loginMaxFailuresPerAccount, maxFailuresPerAddress: config.loginMaxFailuresPerAddress,
    windowMinutes: config.loginWindowMinutes, blockMinutes: config.loginBlockMinutes,
  });
  const accounts = new AccountService(accessRepo, clock, audit);
  await firstWayIn(config, accounts, logger);
  const catalogue = new BucCatalogue(new PgBucCatalogueRepository(db), clock, audit);
  await catalogue.seed(loadBucCatalogue(config.configDir));
  const validator = new EnvelopeValidator({ bucTypes: catalogue });
  const intakeRepo = new PgIntakeRepository(db);
  const intake = new IntakeService({ repo: intakeRepo, validator, clock, logger, metrics });
  const routingConfig = new RoutingConfigService(new PgRoutingConfigRepository(db), clock, audit);
  await routingConfig.seed(loadRoutingConfig(config.configDir));
  const access = new AccessService(accessRepo, clock, config.bootstrapToken, {
    audit, throttle, session: { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs },
    institutionKnown: async (id) => (await routingConfig.current()).directory.institution(id) !== undefined,
  });
  const caseStore = new PgCaseStore(db);
  const learning = new LearningService({ repo: new PgLearningRepository(db), routingConfig, logger, pinHashKey: config.pinHashKey });
  const triage = new TriageService({ store: caseStore, routingConfig, clock, logger, audit, learning });
  const caseActions = new CaseActions({ store: caseStore, routingConfig, clock, logger, audit });
  const forwarding = new ForwardingService({ store: caseStore, clock, logger, metrics });
  const routingWorker = new WorkerLoop('routing', routingStep({ queue: new PgStageQueue(db, () => clock.now()), config: routingConfig, clock, logger, metrics }),
    { idleMs: config.workerPollMs, logger });
  const quarantine = new QuarantineService({
    entries: new PgQuarantineRepository(db), intakeRepo, validator, clock, logger, metrics, audit,
    beforeResubmit: () => catalogue.refresh(), onAccepted: () => routingWorker.kick(),
  });
  return { audit, accounts, access, catalogue, validator, intake, routingConfig, learning, triage, caseActions, forwarding, routingWorker, quarantine };
}

type Core = Awaited<ReturnType<typeof buildCore>>;

/** The read sides that need the help desk's calendars and service: the triage queue, case views, the overview. */
function buildViews(config: Readonly<AppConfig>, db: Database, core: Core, helpdesk: Helpdesk, clock: Clock) {
  const caseQueries = new PgCaseQueries(db);
  const { routingConfig, audit } = core;
  const triageQueue = new TriageQueue({
    store: new PgTriageQueue(db), routingConfig, clock, audit, claimMinutes: config.triageClaimMinutes,
    age: { oldBusinessHours: config.triageOldBusinessHours, overdueBusinessHours: config.helpdesk.orphanMaxAgeBusinessHours },
    businessHoursBetween: (from, to) => businessMsBetween(deskCalendarAt(helpdesk.config, to), from, to) / HOUR_MS,
  });
  const views = new CaseViews({ read: caseQueries, routingConfig, audit, now: () => clock.now() });
  const overview = new OverviewService({ repo: new PgOverviewQueries(db), ticketsAtRisk: ticketsAtRiskFrom(helpdesk.service), clock });
  return { caseQueries, triageQueue, views, overview };
}

/** The HTTP side: one router per domain, behind the access check; health, metrics and the console in front of it. */
function buildHttp(config: Readonly<AppConfig>, db: Database, parts: Core & ReturnType<typeof buildViews> & { helpdesk: Helpdesk; reports: Reports },
  http: { logger: Logger; metrics: Metrics; probes: ReadinessProbe[]; stopping: () => boolean; consoleDir?: string; clock: Clock }) {
  const p = parts;
  return createApp({
    access: p.access,
    logger: http.logger,
    publicRouters: [healthRouter(http.probes, http.metrics, http.stopping), serveConsole(http.consoleDir ?? defaultConsoleDir())],
    trustProxy: config.trustProxy,
    guards: [['/api/envelopes', perPrincipalRateLimit(config.intakeRatePerMinute)]],
    routers: [
      accessRouter(p.access, config.cookieSecure),
      adminRouter({ access: p.access, accounts: p.accounts, audit: p.audit }),
      intakeRouter(p.intake, new PgQuarantineRepository(db), p.quarantine, () => p.routingWorker.kick()),
      routingRouter({ config: p.routingConfig, validator: p.validator, caseRoute: (id) => p.caseQueries.caseRoute(id), storedEnvelopes: (since) => storedEnvelopesSince(db, since) }),
      casesRouter({ views: p.views, read: p.caseQueries, triage: p.triage, queue: p.triageQueue, actions: p.caseActions, forwarding: p.forwarding, clock: http.clock }),
      p.helpdesk.router,
      learningRouter({ learning: p.learning, overview: p.overview }),
      catalogueRouter(p.catalogue),
      p.reports.router,
    ],
  });
}

async function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, () => resolve(s));
    s.once('error', reject);
  });
}

export async function startService(config: Readonly<AppConfig>, opts: ServiceOptions = {}): Promise<Service> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const ownDb = !opts.db;
  const db = opts.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize }));
  const outbox = new PgOutboxRepository(db);
  const metrics = createMetrics({ workQueueDepth: () => workQueueDepth(db), outboxBacklog: () => outbox.backlog() });
  const applied = await migrate(db);
  if (applied.length) logger.info('database migrated', { event: 'store.migrated', applied, driver: db.driver });

  const core = await buildCore(config, db, clock, logger, metrics);
  const { intake, forwarding, routingConfig, routingWorker, catalogue } = core;
  // Other instances' catalogue edits reach this one within seconds (a re-submission re-reads it at once).
  const catalogueRefresh = setInterval(() => void catalogue.refresh().catch(() => undefined), 10_000);
  catalogueRefresh.unref();
  let amqp: AmqpSide | undefined;
  if (config.amqpUrl) {
    amqp = await startAmqp({
      url: config.amqpUrl, settings: config, intake, forwarding, outbox, clock, logger, metrics,
      onAccepted: () => routingWorker.kick(),
      institutionIds: async () => institutionsWithQueues((await routingConfig.current()).directory),
    });
  }
  if (opts.workers !== false) routingWorker.start();
  const helpdesk = await startHelpdesk({
    db, clock, logger, metrics, configDir: config.configDir, bus: amqp?.broker, scheduler: opts.workers !== false,
    settings: config.helpdesk, scheduleTimezone: config.scheduleTimezone, maxAttempts: config.consumerMaxAttempts,
  });
  const reports = startReports({
    db, clock, logger, configDir: config.configDir, calendars: helpdesk.config.calendars, bus: amqp?.broker,
    scheduler: opts.workers !== false, monthlyCron: config.reportMonthlyCron,
  });
  const views = buildViews(config, db, core, helpdesk, clock);

  let stopping = false;
  const probes: ReadinessProbe[] = [{ name: 'database', check: () => db.ping() }];
  if (amqp) probes.push(brokerProbe(amqp.broker));
  const app = buildHttp(config, db, { ...core, ...views, helpdesk, reports }, { logger, metrics, probes, stopping: () => stopping, consoleDir: opts.consoleDir, clock });
  const server = opts.listen === false ? undefined : await listen(app, config.port);
  if (server) logger.info('listening', { event: 'http.listening', port: config.port, database: db.driver, broker: Boolean(config.amqpUrl) });

  return {
    config, db, clock, logger, metrics, app, server, amqp, helpdesk, reports, ...core, triageQueue: views.triageQueue, overview: views.overview,
    async stop() {
      // Stop taking work first (HTTP, consumers), then let the workers finish what they hold.
      stopping = true;
      clearInterval(catalogueRefresh);
      const closing = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      server?.closeIdleConnections();
      await reports.stop();
      await helpdesk.stop(config.shutdownGraceMs);
      await amqp?.stop(config.shutdownGraceMs);
      await routingWorker.stop();
      await closing;
      if (ownDb) await db.close();
    },
  };
}

const privateFiles: SecretFileWriter = {
  exists: (file) => existsSync(file),
  writePrivate(file, text) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600); // also when the file existed with wider rights
  },
};

/**
 * How people get in: the bootstrap admin when BOOTSTRAP_ADMIN_* is set; with no BOOTSTRAP_* variable at all and no
 * admin account, a generated admin password in a DATA_DIR file (the log says where, never what).
 */
async function firstWayIn(config: Readonly<AppConfig>, accounts: AccountService, logger: Logger): Promise<void> {
  if (config.bootstrapAdminUser && config.bootstrapAdminPassword) {
    const outcome = await accounts.ensureBootstrapAdmin(config.bootstrapAdminUser, config.bootstrapAdminPassword);
    if (outcome !== 'unchanged') logger.info('bootstrap admin account', { event: 'access.bootstrap-admin', outcome });
    return;
  }
  if (config.bootstrapToken) return;
  const file = await accounts.firstRun(config.dataDir, privateFiles);
  if (file) {
    logger.warn(`first run: log in as "admin" with the password in ${file} (readable by this user only), then choose a new one`, { event: 'access.first-run', file });
  }
}
