/**
 * A report's CPU work off the event loop (issue #21): a new version's changes and digest, and the CSV and HTML
 * renderings, run in a worker thread (report-thread.ts) with a time limit (the thread is terminated,
 * RPT_RENDER_LIMIT) and a heap limit;
 * one report at a time per person and a few at a time in the process (RPT_BUSY). JSON stays on the service's
 * thread: it is the stored document serialised by V8's native JSON.stringify (2–25 ms for the bench's month,
 * where starting a thread costs more).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, ERRORS, type ErrorCode } from '../shared/errors';
import { renderReport, type ReportFormat, type Rendered } from './render';
import type { CsvSeparator } from './render-csv';
import type { ReportTask, TaskResult } from './report-task';
import type { FromReportThread } from './report-thread';
import type { Report, ReportDraft } from './report-model';

/** Niceness of the rendering thread: the service's own thread (HTTP, intake, the pull API) gets the CPU first. */
const THREAD_NICENESS = 10;

/** A stored report at its largest (1,000 breaches listed, every table) renders in well under this. */
const WORKER_HEAP_MB = 256;

export interface RenderLimits {
  /** A rendering still running after this is stopped (REPORT_RENDER_TIME_LIMIT_MS). */
  timeLimitMs: number;
  /** Reports produced at once in the process (REPORT_MAX_CONCURRENT). */
  maxConcurrent: number;
}

/** The compiled thread beside this file (dist/), or the TypeScript source run through tsx (tests, `npm run dev`). */
function startThread(task: ReportTask): Worker {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `report-thread${ext}`);
  const workerData = { task, niceness: THREAD_NICENESS };
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (ext === '.js') return new Worker(file, { workerData, resourceLimits });
  const tsx = require.resolve('tsx/cjs');
  const nice = process.platform === 'linux' ? `try { require('node:os').setPriority(${THREAD_NICENESS}); } catch {}` : '';
  return new Worker(`${nice} require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, { eval: true, workerData, resourceLimits });
}

function threadError(m: Extract<FromReportThread, { kind: 'error' }>): AppError {
  const code = m.code && m.code in ERRORS ? (m.code as ErrorCode) : 'INT_UNEXPECTED';
  return new AppError(code, m.message);
}

const what = (t: ReportTask) => (t.task === 'render' ? `${t.format} rendering of this report` : 'comparison of this version with the previous one');

/** Runs a report task in a worker thread; rejects with RPT_RENDER_LIMIT at the time limit or the heap limit. */
export async function inThread<T extends ReportTask>(task: T, timeLimitMs: number): Promise<TaskResult<T>> {
  const worker = startThread(task);
  const limitError = (why: string) => new AppError('RPT_RENDER_LIMIT', `The ${what(task)} ${why}: ask for it again later${task.task === 'render' ? ', or as JSON' : ''}.`,
    task.task === 'render' ? [{ path: 'format', message: task.format }] : [], { timeLimitMs });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<TaskResult<T>>((resolve, reject) => {
      // The limit counts from the thread's start, its modules' loading included: what the person waits for.
      timer = setTimeout(() => reject(limitError(`did not finish within ${timeLimitMs / 1000} s`)), timeLimitMs);
      worker.on('message', (m: FromReportThread) => (m.kind === 'done' ? resolve(m.result as TaskResult<T>) : reject(threadError(m))));
      worker.on('error', (e: Error & { code?: string }) => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? limitError(`needed more than its ${WORKER_HEAP_MB} MB of memory`)
        : new AppError('INT_UNEXPECTED', `The report's work stopped unexpectedly: ${e.message}.`)));
      worker.on('exit', () => reject(new AppError('INT_UNEXPECTED', 'The report\'s work stopped before it finished.')));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

/**
 * Slots of the costly report work: one at a time per person (a generation or a rendering), one regeneration of a
 * period at a time, `max` at a time in all. A slot is taken before any work and given back after, whatever the outcome.
 */
export class ReportSlots {
  private readonly holders = new Set<string>();
  private readonly periods = new Set<string>();

  constructor(private readonly max: number) {}

  take(principalId: string, period?: string): () => void {
    if (this.holders.has(principalId)) throw new AppError('RPT_BUSY', 'A report of yours is still being produced: wait for its answer before asking for another.', [], { retryAfterSeconds: 5 });
    if (period !== undefined && this.periods.has(period)) throw new AppError('RPT_BUSY', `The report ${period} is being regenerated already: try again in a moment.`, [], { retryAfterSeconds: 5 });
    if (this.holders.size >= this.max) throw new AppError('RPT_BUSY', `${this.max} report(s) are being produced already: try again in a moment.`, [], { retryAfterSeconds: 5 });
    this.holders.add(principalId);
    if (period !== undefined) this.periods.add(period);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.holders.delete(principalId);
      if (period !== undefined) this.periods.delete(period);
    };
  }
}

/** What the reports' router renders with: JSON on the loop, the rest in a thread under the limits. */
export class ReportRenderer {
  readonly slots: ReportSlots;

  constructor(private readonly limits: RenderLimits) {
    this.slots = new ReportSlots(limits.maxConcurrent);
  }

  render(report: Report, format: ReportFormat, separator: CsvSeparator): Promise<Rendered> {
    if (format === 'json') return Promise.resolve(renderReport(report, format, separator));
    return inThread({ task: 'render', report, format, separator }, this.limits.timeLimitMs);
  }

  /** A new version's changes against the previous one and its digest (ReportService's `compare`). */
  compare(previous: Report | undefined, draft: ReportDraft) {
    return inThread({ task: 'compare', previous, draft }, this.limits.timeLimitMs);
  }
}
