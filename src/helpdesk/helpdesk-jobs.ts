/**
 * The help desk's scheduled jobs: the escalation sweep (every minute) and the pipeline watch (every 15 minutes:
 * automatic tickets opened, and those whose cause is gone resolved, a safety net for the event-driven path),
 * each in one transaction under its job lock (the `exclusive` port: store/job-lock.ts). Both take `now` so that
 * tests and tools run them without cron; the composition root puts them on the scheduler.
 * What they did is logged and counted once their transaction committed.
 */
import { sweepGoneCauses, type CauseReader } from './tickets/automatic-resolution';
import type { HelpdeskConfig } from './helpdesk-config';
import type { HelpdeskMetrics } from './helpdesk-metrics';
import { watchPipeline, type OpenedTicket, type PipelineWatchSettings, type PipelineWatchWriter } from './tickets/pipeline-watch';
import type { PolicySnapshots } from './sla/policy-snapshots';
import { sweepEscalations, type SweepResult } from './sla/escalation-sweep';
import type { HelpdeskSettings } from './settings';
import type { TicketService } from './tickets/ticket-service';
import type { TicketWriter } from './tickets/ticket-store';
import type { ExclusiveRun, LockedRun } from '../shared/exclusive-job';
import type { Logger } from '../shared/logger';

export const HELPDESK_JOB_NAMES = { escalation: 'helpdesk.escalation', pipelineWatch: 'helpdesk.pipeline-watch' } as const;

/** What a job's transaction writes through, bound to that transaction by the store. */
export interface HelpdeskJobWriters {
  tickets: TicketWriter;
  pipeline: PipelineWatchWriter;
  causes: CauseReader;
}

export interface HelpdeskJobDeps {
  /** Runs a job once across instances, in one transaction (store/job-lock.ts). */
  exclusive: ExclusiveRun<HelpdeskJobWriters>;
  service: TicketService;
  config: HelpdeskConfig;
  snapshots: PolicySnapshots;
  settings: PipelineWatchSettings & Pick<HelpdeskSettings, 'sweepLimit'>;
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
    const run = await deps.exclusive(HELPDESK_JOB_NAMES.escalation, (w) =>
      sweepEscalations(w.tickets, {
        config: deps.config, snapshots: deps.snapshots, notify: Boolean(deps.relayNotifications), logger, limit: deps.settings.sweepLimit,
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
    // Every instance relays: notices are leased to one relay at a time, so two relays never send the same one.
    await relayNotifications();
    return run;
  };

  const watch = async (now: Date): Promise<LockedRun<OpenedTicket[]>> => {
    const run = await deps.exclusive(HELPDESK_JOB_NAMES.pipelineWatch, async (w) => ({
      opened: await watchPipeline(w.pipeline, { service: deps.service, config: deps.config, settings: deps.settings }, now),
      resolved: await sweepGoneCauses(deps.service, w.causes, now),
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
