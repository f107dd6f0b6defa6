/**
 * Draft simulation off the event loop (issue #21): the rule engine replays the stored envelopes in a worker thread
 * (draft-simulation-thread.ts) while this thread only reads pages from the database and hands them over, so /healthz,
 * intake and the pull API keep answering. The database stays on this thread on purpose: PGlite is one in-process
 * connection that a worker cannot open, and a pg pool per worker would be a second pool to size.
 *
 * Bounded three ways: a time limit (the worker is terminated, RTE_SIMULATION_LIMIT), a heap limit for the
 * worker, and slots (one simulation at a time per person, a few at a time in the process, RTE_SIMULATION_BUSY).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Envelope } from '../intake/envelope';
import { AppError, ERRORS, type ErrorCode, type ErrorDetail } from '../shared/errors';
import type { Directory } from '../routing/directory';
import type { DraftReport } from './draft-comparison';
import type { FromThread, SimulationThreadInput, ToThread } from './draft-simulation-thread';
import type { RuleTable } from '../routing/rule-table';

/** Niceness of the simulation thread: the service's own thread (HTTP, intake, the pull API) gets the CPU first. */
const THREAD_NICENESS = 10;

/** How long the thread may take to load its modules before the time limit starts. */
const THREAD_START_LIMIT_MS = 30_000;

/** The worker's own heap: a draft at the schema's limits and the case states of a large history fit well below. */
const WORKER_HEAP_MB = 512;

/** The compiled thread beside this file (dist/), or the TypeScript source run through tsx (tests, `npm run dev`). */
function startThread(input: SimulationThreadInput, transferList: ArrayBuffer[]): Worker {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `draft-simulation-thread${ext}`);
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (ext === '.js') return new Worker(file, { workerData: input, transferList, resourceLimits });
  const tsx = require.resolve('tsx/cjs');
  // Lowered before the TypeScript is even compiled (see yieldToTheService in the thread).
  const nice = process.platform === 'linux' ? `try { require('node:os').setPriority(${THREAD_NICENESS}); } catch {}` : '';
  return new Worker(`${nice} require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, { eval: true, workerData: input, transferList, resourceLimits });
}

/** Messages of the thread, awaited one at a time; a failure or an exit rejects what is awaited and all that follows. */
class ThreadChannel {
  private readonly inbox: FromThread[] = [];
  private waiter?: { resolve: (m: FromThread) => void; reject: (e: Error) => void };
  private failed?: Error;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromThread) => this.deliver(m));
    worker.on('error', (e: Error & { code?: string }) => this.fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new AppError('RTE_SIMULATION_LIMIT', `The simulation needed more than its ${WORKER_HEAP_MB} MB of memory: simulate over a shorter period ("since") or a smaller draft.`)
      : new AppError('INT_UNEXPECTED', `The simulation stopped unexpectedly: ${e.message}.`)));
    worker.on('exit', () => this.fail(new AppError('INT_UNEXPECTED', 'The simulation stopped before it finished.')));
  }

  private deliver(m: FromThread): void {
    if (m.kind === 'error') return this.fail(threadError(m));
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(m);
    } else this.inbox.push(m);
  }

  fail(e: Error): void {
    this.failed ??= e;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.failed);
  }

  async next<K extends FromThread['kind']>(kind: K): Promise<Extract<FromThread, { kind: K }>> {
    let m = this.inbox.shift();
    if (!m) {
      if (this.failed) throw this.failed;
      m = await new Promise<FromThread>((resolve, reject) => { this.waiter = { resolve, reject }; });
    }
    if (m.kind !== kind) throw new AppError('INT_UNEXPECTED', `The simulation answered ${m.kind} where ${kind} was expected.`);
    return m as Extract<FromThread, { kind: K }>;
  }

  send(m: ToThread): void {
    this.worker.postMessage(m);
  }
}

function threadError(m: Extract<FromThread, { kind: 'error' }>): AppError {
  const code = m.code && m.code in ERRORS ? (m.code as ErrorCode) : 'INT_UNEXPECTED';
  return new AppError(code, m.message, (m.details ?? []) as ErrorDetail[]);
}

export interface DraftSimulationInput {
  current: RuleTable;
  /** The request body's bytes (`{rules, description?, since?}`): read and checked in the worker, where the cost is. */
  body: Buffer;
  maxBodyBytes: number;
  directory: Directory;
  /** The stored envelopes since a date in delivery order, a page at a time: the next page is read once the worker took the last. */
  pages: (since: Date) => AsyncIterable<Envelope[]>;
  timeLimitMs: number;
  maxExamples?: number;
}

/** Replays `pages` through the table in force and the draft in a worker thread; rejects at the time limit. */
export async function simulateDraft(input: DraftSimulationInput): Promise<DraftReport & { since: string }> {
  // A copy of its own, handed over to the thread rather than cloned (Buffer.concat may share a pooled buffer).
  const body = new Uint8Array(input.body);
  const channel = new ThreadChannel(startThread({
    current: input.current, niceness: THREAD_NICENESS, body, maxBodyBytes: input.maxBodyBytes, directory: input.directory.toJSON(), maxExamples: input.maxExamples ?? 20,
  }, [body.buffer]));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let rejectAtLimit: (e: Error) => void = () => undefined;
  const limit = new Promise<never>((_resolve, reject) => { rejectAtLimit = reject; });
  const arm = (ms: number, error: () => AppError) => {
    clearTimeout(timer);
    timer = setTimeout(() => rejectAtLimit(error()), ms);
  };
  // The thread's own start (loading its modules) is not the request's cost: bounded apart, generously.
  arm(Math.max(THREAD_START_LIMIT_MS, input.timeLimitMs), () => new AppError('RTE_SIMULATION_LIMIT', 'The simulation could not start: the service is too busy; try again later.'));
  const replay = async (): Promise<DraftReport & { since: string }> => {
    await channel.next('loaded');
    arm(input.timeLimitMs, () => new AppError('RTE_SIMULATION_LIMIT',
      `The simulation did not finish within ${input.timeLimitMs / 1000} s: simulate over a shorter period ("since") or a smaller draft.`,
      [{ path: '/since', message: `stopped after ${input.timeLimitMs} ms` }], { timeLimitMs: input.timeLimitMs }));
    const { since } = await channel.next('ready');
    for await (const envelopes of input.pages(new Date(since))) {
      if (stopped) break;
      channel.send({ kind: 'page', envelopes });
      await channel.next('ack');
    }
    channel.send({ kind: 'end' });
    return { since, ...(await channel.next('report')).report };
  };
  const running = replay();
  running.catch(() => undefined);
  try {
    return await Promise.race([running, limit]);
  } finally {
    stopped = true;
    clearTimeout(timer);
    channel.fail(new AppError('INT_UNEXPECTED', 'The simulation was stopped.'));
    await channel.worker.terminate();
  }
}

/** One simulation at a time per person, `max` at a time in all: a slot is taken before any work and given back after. */
export class SimulationSlots {
  private readonly holders = new Set<string>();

  constructor(private readonly max: number) {}

  take(principalId: string): () => void {
    if (this.holders.has(principalId)) {
      throw new AppError('RTE_SIMULATION_BUSY', 'A simulation of yours is still running: wait for its answer before starting another.', [], { retryAfterSeconds: 5 });
    }
    if (this.holders.size >= this.max) {
      throw new AppError('RTE_SIMULATION_BUSY', `${this.max} simulation(s) are running already: try again in a moment.`, [], { retryAfterSeconds: 5 });
    }
    this.holders.add(principalId);
    let given = false;
    return () => {
      if (!given) this.holders.delete(principalId);
      given = true;
    };
  }
}
