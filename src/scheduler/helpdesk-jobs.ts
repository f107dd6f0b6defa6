/**
 * The help desk's scheduled jobs: the escalation sweep (every minute) and the pipeline watch (every 15 minutes:
 * automatic tickets opened, and those whose cause is gone resolved, as a safety net for the event-driven path),
 * each in one transaction under its job lock. Both take `now` so that tests and tools run them without cron.
 * What they did is logged and counted once their transaction committed.
 */
import { sweepGoneCauses } from '../helpdesk/automatic-resolution';
import type { HelpdeskConfig } from '../helpdesk/helpdesk-config';
import type { HelpdeskMetrics } from '../helpdesk/helpdesk-metrics';
import { watchPipeline, type OpenedTicket, type PipelineWatchSettings } from '../helpdesk/pipeline-watch';
import type { PolicySnapshots } from '../helpdesk/policy-snapshots';
import { sweepEscalations, type SweepResult } from '../helpdesk/escalation-sweep';
import type { HelpdeskSettings } from '../helpdesk/settings';
import type { TicketService } from '../helpdesk/ticket-service';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Database } from '../store/database';
import { PgCauseReader, PgPipelineWatchWriter } from '../store/ticket-pipeline-repository';
import { PgTicketWriter } from '../store/ticket-repository';
import { runExclusively, type LockedRun } from './job-lock';
import type { Scheduler } from './scheduler';

export const HELPDESK_JOB_NAMES = { escalation: 'helpdesk.escalation', pipelineWatch: 'helpdesk.pipeline-watch' } as const;

export interface HelpdeskJobDeps {
  db: Database;
  service: TicketService;
  config: HelpdeskConfig;
  snapshots: PolicySnapshots;
  settings: PipelineWatchSettings;
  logger: Logger;
  metrics: HelpdeskMetrics;
  /** One round of the escalation notifications relay (when a broker is configured). */
  relayNotifications?: () => Promise<boolean>;
}

export interface HelpdeskJobs {
  escalate(now: Date): Promise<LockedRun<SweepResult>>;
  watchPipeline(now: Date): Promise<LockedRun<OpenedTicket[]>>;
  /** Sends pending escalation notifications; returns after at most `maxRounds` relay rounds. */
  relayNotifications(maxRounds?: number): Promise<void>;
}

export function helpdeskJobs(deps: HelpdeskJobDeps): HelpdeskJobs {
  const { logger } = deps;

  const relayNotifications = async (maxRounds = 20) => {
    if (!deps.relayNotifications) return;
    for (let round = 0; round < maxRounds && (await deps.relayNotifications()); round++);
  };

  const escalate = async (now: Date) => {
    const run = await runExclusively(deps.db, HELPDESK_JOB_NAMES.escalation, (tx) =>
      sweepEscalations(new PgTicketWriter(tx), {
        config: deps.config, snapshots: deps.snapshots, notify: Boolean(deps.relayNotifications), logger,
        measure: (r, t, events, at) => deps.service.measure(r, t, events, at),
      }, now));
    if (!run.ran) {
      logger.debug('escalation sweep skipped: another instance holds it', { event: 'helpdesk.sweep_skipped' });
    } else {
      for (const e of run.result.raised) {
        deps.metrics.escalations.inc({ kind: e.kind });
        logger.info('ticket escalated', {
          event: 'helpdesk.escalated', ticketId: e.ticketId, kind: e.kind, priority: e.priority, counterpartCountry: e.counterpartCountry,
          state: e.state, dueAt: e.dueAt.toISOString(),
        });
      }
      for (const f of run.result.failed) {
        logger.error('SLA of a ticket cannot be computed; it is not escalated', { event: 'helpdesk.sweep_failed', ticketId: f.ticketId, code: f.code });
      }
    }
    // Every instance relays: rows are claimed with SKIP LOCKED, so nothing is sent twice by two relays.
    await relayNotifications();
    return run;
  };

  const watch = async (now: Date): Promise<LockedRun<OpenedTicket[]>> => {
    const run = await runExclusively(deps.db, HELPDESK_JOB_NAMES.pipelineWatch, async (tx) => ({
      opened: await watchPipeline(new PgPipelineWatchWriter(tx), { service: deps.service, config: deps.config, settings: deps.settings }, now),
      resolved: await sweepGoneCauses(deps.service, new PgCauseReader(tx), now),
    }));
    if (!run.ran) {
      logger.debug('pipeline watch skipped: another instance holds it', { event: 'helpdesk.watch_skipped' });
      return run;
    }
    for (const o of run.result.opened) deps.service.automaticOpened(o.request, o.ticketId);
    for (const r of run.result.resolved) {
      deps.metrics.automaticResolutions.inc({ cause: r.cause, via: 'sweep' });
      logger.info('automatic ticket resolved: its cause is gone', { event: 'helpdesk.ticket_auto_resolved', ticketId: r.ticketId, cause: r.cause, via: 'sweep' });
    }
    return { ran: true, result: run.result.opened };
  };

  return { escalate, watchPipeline: watch, relayNotifications };
}

/** Registers the jobs on the scheduler; each tick runs with the clock's `now`. */
export function scheduleHelpdeskJobs(scheduler: Scheduler, jobs: HelpdeskJobs, settings: Pick<HelpdeskSettings, 'escalationCron' | 'pipelineWatchCron'>, clock: Clock): void {
  scheduler.add({ name: HELPDESK_JOB_NAMES.escalation, cron: settings.escalationCron, run: async () => void (await jobs.escalate(clock.now())) });
  scheduler.add({ name: HELPDESK_JOB_NAMES.pipelineWatch, cron: settings.pipelineWatchCron, run: async () => void (await jobs.watchPipeline(clock.now())) });
}
