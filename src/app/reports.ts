/**
 * The reports wired into storage, HTTP, AMQP and cron: app/service.ts calls startReports once the database is
 * migrated and the help desk is up (the reports measure business hours with its calendars).
 */
import type { CalendarRegistry } from '../business-time/calendar-config';
import { loadBucCatalogue, withLiveTitles, type LiveBucEntry } from '../reporting/buc-catalogue';
import { reportRelayStep } from '../reporting/report-notices';
import { ReportRenderer, type RenderLimits } from '../reporting/report-rendering';
import { ReportService } from '../reporting/report-service';
import { REPORT_JOB_NAMES, reportJobs, type ReportJobs } from '../reporting/report-jobs';
import { Scheduler } from '../scheduler/scheduler';
import type { Clock } from '../shared/clock';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { NoticeBus } from '../shared/notice-relay';
import type { Database } from '../store/database';
import { runExclusively } from '../store/job-lock';
import { PgReportOutbox, PgReportStore, reportTransactionOn } from '../store/report-version-repository';
import { reportsRouter } from '../web/reports-router';

export interface ReportsDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  configDir: string;
  /** The run-time BUC catalogue (titles of types added in the console); config/bucs.csv alone without it. */
  bucCatalogue?: { list(): readonly LiveBucEntry[] };
  calendars: CalendarRegistry;
  bus?: NoticeBus & { names: { notifications: string } };
  /** Run the cron jobs in this process. */
  scheduler: boolean;
  monthlyCron: string;
  /** Zone the cron expression is read in (config.scheduleTimezone); default Europe/Paris. */
  scheduleTimezone?: string;
  /** The report.ready relay's lease: owner name (unique per process; default a new id) and duration (config.outboxLeaseMs). */
  noticeLease?: { owner?: string; leaseMs?: number };
  /** On-demand regeneration of one period at most once per this many seconds (config.reportRegenerateMinSeconds). */
  regenerateMinSeconds?: number;
  /** CSV/HTML rendering in a worker thread: its time limit and the reports produced at once (config.reportRenderTimeLimitMs, reportMaxConcurrent). */
  renderLimits?: RenderLimits;
}

export interface Reports {
  service: ReportService;
  router: ReturnType<typeof reportsRouter>;
  jobs: ReportJobs;
  stop(): Promise<void>;
}

export function startReports(deps: ReportsDeps): Reports {
  const { db, clock, logger } = deps;
  const renderer = new ReportRenderer(deps.renderLimits ?? { timeLimitMs: 30_000, maxConcurrent: 2 });
  const service = new ReportService({
    compare: (previous, draft) => renderer.compare(previous, draft),
    store: new PgReportStore(db), clock, logger, catalogue: deps.bucCatalogue ? withLiveTitles(loadBucCatalogue(deps.configDir), deps.bucCatalogue) : loadBucCatalogue(deps.configDir), calendars: deps.calendars, notify: Boolean(deps.bus),
  });
  const relay = deps.bus
    ? reportRelayStep({
      outbox: new PgReportOutbox(db), bus: deps.bus, exchange: deps.bus.names.notifications, now: () => clock.now(), logger,
      owner: deps.noticeLease?.owner ?? newId('report-relay'), leaseMs: deps.noticeLease?.leaseMs,
    })
    : undefined;
  const jobs = reportJobs({ exclusive: (job, fn) => runExclusively(db, job, (tx) => fn(reportTransactionOn(tx, db.driver))), service, logger, relay });
  let scheduler: Scheduler | undefined;
  if (deps.scheduler) {
    scheduler = new Scheduler({ logger, timezone: deps.scheduleTimezone ?? 'Europe/Paris' });
    scheduler.add({ name: REPORT_JOB_NAMES.monthly, cron: deps.monthlyCron, run: async () => void (await jobs.monthly(clock.now())) });
    if (relay) scheduler.add({ name: REPORT_JOB_NAMES.notify, cron: '* * * * *', run: () => jobs.relayNotifications() });
    scheduler.start();
  }
  return {
    service, router: reportsRouter(service, { minSeconds: deps.regenerateMinSeconds ?? 0, now: () => clock.now() }, renderer), jobs,
    async stop() {
      await scheduler?.stop();
    },
  };
}
