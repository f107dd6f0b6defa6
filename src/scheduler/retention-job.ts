/**
 * The retention job (GDPR storage limitation): once a day, under the database lock of the job (one instance per
 * tick), purge the personal data of closed cases older than RETENTION_DAYS (store/retention-repository.ts says
 * what goes and what stays). Runs in bounded slices until nothing is left, each slice its own locked transaction.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Scheduler } from './scheduler';

export const RETENTION_JOB = 'retention';
const DAY_MS = 86_400_000;

export type RetentionSlice = { ran: false } | { ran: true; result: { bodies: number; quarantined: number } };

export interface RetentionDeps {
  /** One bounded slice of the purge inside the job's lock (src/store, wired by the composition root). */
  purgeSlice: (before: Date, at: Date) => Promise<RetentionSlice>;
  days: number;
  clock: Clock;
  logger: Logger;
}

export function retentionJob(deps: RetentionDeps) {
  return async (now: Date = deps.clock.now()): Promise<{ bodies: number; quarantined: number; ran: boolean }> => {
    const before = new Date(now.getTime() - deps.days * DAY_MS);
    const total = { bodies: 0, quarantined: 0, ran: false };
    for (let slice = 0; slice < 1000; slice++) {
      const run = await deps.purgeSlice(before, now);
      if (!run.ran) break;
      total.ran = true;
      total.bodies += run.result.bodies;
      total.quarantined += run.result.quarantined;
      if (run.result.bodies === 0 && run.result.quarantined === 0) break;
    }
    if (total.ran) deps.logger.info('retention purge done', { event: 'retention.purged', before: before.toISOString(), bodies: total.bodies, quarantined: total.quarantined, days: deps.days });
    return total;
  };
}

export function scheduleRetention(scheduler: Scheduler, run: () => Promise<unknown>, cron: string): void {
  scheduler.add({ name: RETENTION_JOB, cron, run: async () => void (await run()) });
}
