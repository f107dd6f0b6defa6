/**
 * The reports wired into storage, HTTP, AMQP and cron: app/service.ts calls startReports once the database is
 * migrated and the help desk is up (the reports measure business hours with its calendars).
 */
import type { CalendarRegistry } from '../helpdesk/calendar-config';
import { loadBucCatalogue } from '../reporting/buc-catalogue';
import { reportRelayStep } from '../reporting/report-notices';
import { ReportService } from '../reporting/report-service';
import { reportJobs, scheduleReportJobs, type ReportJobs } from '../scheduler/report-jobs';
import { Scheduler } from '../scheduler/scheduler';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { NoticeBus } from '../shared/notice-relay';
import type { Database } from '../store/database';
import { PgReportOutbox, PgReportStore } from '../store/report-version-repository';
import { reportsRouter } from '../web/reports-router';
import { runExclusively } from '../store/job-lock';

export interface ReportsDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  configDir: string;
  calendars: CalendarRegistry;
  bus?: NoticeBus & { names: { notifications: string } };
  /** Run the cron jobs in this process. */
  scheduler: boolean;
  monthlyCron: string;
}

export interface Reports {
  service: ReportService;
  router: ReturnType<typeof reportsRouter>;
  jobs: ReportJobs;
  stop(): Promise<void>;
}

export function startReports(deps: ReportsDeps): Reports {
  const { db, clock, logger } = deps;
  const service = new ReportService({
    store: new PgReportStore(db), clock, logger, catalogue: loadBucCatalogue(deps.configDir), calendars: deps.calendars, notify: Boolean(deps.bus),
  });
  const relay = deps.bus
    ? reportRelayStep({ outbox: new PgReportOutbox(db), bus: deps.bus, exchange: deps.bus.names.notifications, now: () => clock.now(), logger })
    : undefined;
  const jobs = reportJobs({ db, service, logger, relay, runExclusively });
  let scheduler: Scheduler | undefined;
  if (deps.scheduler) {
    scheduler = new Scheduler({ logger, timezone: 'Europe/Paris' });
    scheduleReportJobs(scheduler, jobs, { monthlyCron: deps.monthlyCron, notify: Boolean(relay) }, clock);
    scheduler.start();
  }
  return {
    service, router: reportsRouter(service), jobs,
    async stop() {
      await scheduler?.stop();
    },
  };
}
