/**
 * The learned rules' drift watch wired into storage, AMQP and cron (issue #18): the drift check every
 * LEARNING_DRIFT_CRON under its job lock (one instance runs it per tick), then the rules.learned-drift relay; the
 * relay also runs every minute for notices whose first publish failed. Without a broker the episodes are still
 * recorded (the notices wait in the outbox until a broker is configured).
 */
import { driftJobs, driftRelayStep, DRIFT_JOB_NAMES, type DriftJobs } from '../learning/drift-watch';
import type { LearnedRulesService } from '../learning/learned-rules';
import { Scheduler } from '../scheduler/scheduler';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { NoticeBus } from '../shared/notice-relay';
import type { Database } from '../store/database';
import { PgDriftEpisodes, PgDriftNoticeOutbox } from '../store/drift-notice-repository';
import { runExclusively } from '../store/job-lock';

export interface DriftWatchDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  learnedRules: LearnedRulesService;
  bus?: NoticeBus & { names: { notifications: string } };
  /** Run the cron jobs in this process. */
  scheduler: boolean;
  /** When the drift check runs (config.learningDriftCron, in scheduleTimezone). */
  cron: string;
  scheduleTimezone: string;
  /** The relay's lease owner (unique per process) and duration. */
  noticeLease: { owner: string; leaseMs?: number };
}

export interface DriftWatch {
  jobs: DriftJobs;
  stop(): Promise<void>;
}

export function startDriftWatch(deps: DriftWatchDeps): DriftWatch {
  const { db, clock, logger } = deps;
  const relay = deps.bus
    ? driftRelayStep({
      outbox: new PgDriftNoticeOutbox(db), bus: deps.bus, exchange: deps.bus.names.notifications, now: () => clock.now(), logger,
      owner: deps.noticeLease.owner, leaseMs: deps.noticeLease.leaseMs,
    })
    : undefined;
  const jobs = driftJobs({ exclusive: (job, fn) => runExclusively(db, job, (tx) => fn(new PgDriftEpisodes(tx))), learnedRules: deps.learnedRules, logger, relay });
  let scheduler: Scheduler | undefined;
  if (deps.scheduler) {
    scheduler = new Scheduler({ logger, timezone: deps.scheduleTimezone });
    scheduler.add({ name: DRIFT_JOB_NAMES.check, cron: deps.cron, run: async () => void (await jobs.check(clock.now())) });
    if (relay) scheduler.add({ name: DRIFT_JOB_NAMES.notify, cron: '* * * * *', run: () => jobs.relayNotifications() });
    scheduler.start();
  }
  return {
    jobs,
    async stop() {
      await scheduler?.stop();
    },
  };
}
