/**
 * The worker thread of a report's CPU work (started by report-rendering.ts, never imported): a version's changes
 * and digest against the previous one, or one stored report rendered as CSV or HTML. Measured on the bench's month
 * (1,000 breaches listed, every table) on the shared machine: HTML 200–900 ms, the French CSV 120–670 ms, the
 * changes and digest (every figure flattened and sorted twice) 120–430 ms. On the service's thread each held
 * /healthz, intake and the pull API for as long (issue #21).
 */
import { setPriority } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../shared/errors';
import type { Rendered } from './render';
import { runReportTask, type Comparison, type ReportTask } from './report-task';

export type FromReportThread =
  | { kind: 'done'; result: Rendered | Comparison }
  | { kind: 'error'; code?: string; message: string };

function run(): void {
  const port = parentPort;
  if (!port) return;
  const input = workerData as { task: ReportTask; niceness: number };
  try {
    // Linux: the nice value is per thread: the event loop's thread gets the CPU first.
    if (process.platform === 'linux' && !isMainThread) setPriority(input.niceness);
  } catch {
    // not permitted here: the thread runs at the process's priority
  }
  try {
    port.postMessage({ kind: 'done', result: runReportTask(input.task) } satisfies FromReportThread);
  } catch (e) {
    port.postMessage((isAppError(e) ? { kind: 'error', code: e.code, message: e.message } : { kind: 'error', message: e instanceof Error ? e.message : String(e) }) satisfies FromReportThread);
  }
}

run();
