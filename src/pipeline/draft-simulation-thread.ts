/**
 * The worker thread of a draft simulation (started by draft-simulation.ts, never imported): checks the draft against
 * the schema and the directory, then replays the pages of envelopes the main thread sends, one page at a time, and
 * answers each with an acknowledgement so that the main thread reads the next page only then. The event loop of the
 * service never runs the rule engine over the whole history, and at most one page is held here at a time.
 */
import { setPriority } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Envelope } from '../intake/envelope';
import { DEFAULT_MESSAGE_LIMITS, readJsonInput } from '../intake/input-reader';
import { AppError, isAppError } from '../shared/errors';
import { directoryFromData, type DirectoryData } from '../routing/directory';
import { DraftComparison } from './draft-comparison';
import { loadRuleTable, type RuleTable } from '../routing/rule-table';

/**
 * On Linux the nice value is a per-thread attribute, and setpriority(PRIO_PROCESS, 0) (what os.setPriority(n) calls)
 * changes the calling thread only: this thread yields the CPU to the event loop's thread. Elsewhere it may apply to
 * the whole process or be refused; then it is left as is.
 */
function yieldToTheService(niceness: number): void {
  try {
    if (process.platform === 'linux' && !isMainThread) setPriority(niceness);
  } catch {
    // not permitted here: the thread runs at the process's priority
  }
}

export interface SimulationThreadInput {
  current: RuleTable;
  /** This thread's nice value (Linux): above the service's. */
  niceness: number;
  /** The request body as received, `{rules, description?, since?}`: read here (parsing 3.5 MB is itself costly). */
  body: Uint8Array;
  maxBodyBytes: number;
  directory: DirectoryData;
  maxExamples: number;
}

export type ToThread = { kind: 'page'; envelopes: Envelope[] } | { kind: 'end' };
export type FromThread =
  | { kind: 'loaded' } | { kind: 'ready'; since: string } | { kind: 'ack' } | { kind: 'report'; report: ReturnType<DraftComparison['report']> }
  | { kind: 'error'; code?: string; message: string; details?: Array<{ path: string; message: string }> };

function failure(e: unknown): FromThread {
  if (isAppError(e)) return { kind: 'error', code: e.code, message: e.message, details: e.details };
  return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
}

/** `since` of a draft simulation: a date or an RFC 3339 time from 1900 (absent: the whole history). */
export function simulationSince(v: unknown): Date {
  if (v === undefined || v === null) return new Date(0);
  const since = typeof v === 'string' && /^(19|[2-9]\d)\d{2}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) ? new Date(v) : new Date(NaN);
  if (Number.isNaN(since.getTime())) throw new AppError('REQ_INVALID_BODY', 'since must be a date (YYYY-MM-DD or RFC 3339) from 1900.', [{ path: '/since', message: 'is not a date' }]);
  return since;
}

/** The body read, the draft checked against the schema and the directory: the comparison, and from when it replays. */
function prepare(input: SimulationThreadInput): { comparison: DraftComparison; since: Date } {
  const read = readJsonInput(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), { ...DEFAULT_MESSAGE_LIMITS, maxBytes: input.maxBodyBytes }, { what: 'request body' });
  if (!read.ok) throw read.error;
  const b = read.value as { rules?: unknown; description?: unknown; since?: unknown };
  const since = simulationSince(b.since);
  const directory = directoryFromData(input.directory);
  const draft = loadRuleTable({ description: b.description, rules: b.rules }, directory);
  return { comparison: new DraftComparison(input.current, draft, directory, input.maxExamples), since };
}

function run(): void {
  const port = parentPort;
  if (!port) return;
  const input = workerData as SimulationThreadInput;
  yieldToTheService(input.niceness);
  port.postMessage({ kind: 'loaded' } satisfies FromThread);
  let comparison: DraftComparison;
  let since: Date;
  try {
    ({ comparison, since } = prepare(input));
  } catch (e) {
    port.postMessage(failure(e));
    return;
  }
  port.on('message', (msg: ToThread) => {
    try {
      if (msg.kind === 'page') {
        for (const e of msg.envelopes) comparison.add(e);
        port.postMessage({ kind: 'ack' } satisfies FromThread);
      } else {
        port.postMessage({ kind: 'report', report: comparison.report() } satisfies FromThread);
      }
    } catch (e) {
      port.postMessage(failure(e));
    }
  });
  port.postMessage({ kind: 'ready', since: since.toISOString() } satisfies FromThread);
}

run();
