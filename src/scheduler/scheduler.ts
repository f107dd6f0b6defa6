/**
 * The cron wrapper (node-cron 4): jobs by name and expression, in the desk's zone, never overlapping themselves
 * within one instance. A failing run is logged and the next tick runs again: one bad run never stops a job.
 * stop() stops the ticks and waits for the runs in progress (SIGTERM: finish what you hold).
 *
 * Across instances, each job takes its database lock (job-lock.ts): that is the job's business, not the cron's.
 */
import { createTask, validate, type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';

export interface ScheduledJob {
  name: string;
  /** node-cron expression (5 fields, or 6 with seconds first). */
  cron: string;
  run: () => Promise<void>;
}

export interface SchedulerOptions {
  logger: Logger;
  /** Zone the expressions are read in; default Europe/Paris (the desk's). */
  timezone?: string;
}

/** node-cron's own messages (missed ticks…) as structured lines. */
function cronLogger(logger: Logger, job: string): CronLogger {
  const line = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string | Error) =>
    logger.log(level, 'cron', { event: 'scheduler.cron', job, detail: message instanceof Error ? message.message : message });
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

export class Scheduler {
  private readonly jobs: ScheduledJob[] = [];
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {}

  add(job: ScheduledJob): void {
    if (!validate(job.cron)) throw new AppError('CFG_INVALID', `The schedule of job ${job.name} is not a valid cron expression: "${job.cron}".`, [{ path: job.name, message: `invalid cron "${job.cron}"` }]);
    this.jobs.push(job);
  }

  start(): void {
    for (const job of this.jobs) {
      const task = createTask(job.cron, () => this.runOnce(job), {
        name: job.name,
        timezone: this.opts.timezone ?? 'Europe/Paris',
        noOverlap: true,
        logger: cronLogger(this.opts.logger, job.name),
      });
      void task.start();
      this.tasks.push(task);
    }
    this.opts.logger.info('scheduler started', { event: 'scheduler.started', jobs: this.jobs.map((j) => `${j.name} (${j.cron})`) });
  }

  /** Runs a job now, outside its schedule (the same path as a tick). Resolves when the run ended; never rejects. */
  runOnce(job: ScheduledJob): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const started = Date.now();
    const run = job.run()
      .then(() => {
        this.opts.logger.debug('job run', { event: 'scheduler.job_done', job: job.name, ms: Date.now() - started });
      })
      .catch((e: unknown) => {
        this.opts.logger.error('job failed; it runs again at its next tick', {
          event: 'scheduler.job_failed', job: job.name, code: (e as AppError)?.code, error: e instanceof Error ? e.message : String(e),
        });
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const task of this.tasks.splice(0)) await task.destroy();
    await Promise.all([...this.running]);
  }
}
