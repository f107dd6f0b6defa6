/**
 * Intake: the one core behind both adapters (HTTP and AMQP). Every input ends in exactly one place:
 * stored once as an envelope (and handed to routing through the work queue, same transaction),
 * recognised as a duplicate, or kept in quarantine with its raw bytes and the reason.
 *
 * Inputs come one at a time (HTTP) or as a window of messages (AMQP): a window is classified in memory first
 * (every deterministic input failure is known before the database is touched) and then stored in one
 * transaction. A window that fails for an unexpected reason is stored again one input at a time, so one bad
 * input can only fail itself; a dependency failure (database down) fails the window as a whole.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { AppError, failureClass, isAppError, type ErrorCode, type ErrorDetail } from '../shared/errors';
import { newId } from '../shared/ids';
import { stableStringify } from '../shared/json';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import type { EnvelopeValidator } from '../validation/envelope-validator';
import type { Envelope } from './envelope';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from './input-limits';
import { readJsonInput } from './input-reader';

/** The channel an input came by; 'rina': taken in from a RINA document event (src/rina/), the case then came through RINA. */
export type Via = 'http' | 'amqp' | 'rina';

export interface StoredEnvelopeRecord {
  envelope: Envelope;
  receivedAt: Date;
  via: Via;
  contentSha256: string;
}

export interface QuarantineRecord {
  id: string;
  receivedAt: Date;
  via: Via;
  errorCode: ErrorCode;
  message: string;
  details: ErrorDetail[];
  size: number;
  envelopeId?: string;
  caseId?: string;
  raw: Buffer;
}

/** One window to store in one transaction. */
export interface IntakeBatch {
  envelopes: StoredEnvelopeRecord[];
  quarantines: QuarantineRecord[];
  /** The review copy kept when a known envelope id arrives with another content (built only when needed). */
  conflict(rec: StoredEnvelopeRecord): QuarantineRecord;
}

export type EnvelopeOutcome = { stored: true } | { stored: false; sameContent: boolean };

export interface IntakeBatchOutcome {
  /** In the order of batch.envelopes. */
  envelopes: EnvelopeOutcome[];
  /** In the order of batch.quarantines: the row id (an existing one when the same bytes were rejected before). */
  quarantines: Array<{ id: string; firstReceipt: boolean }>;
}

/** What intake needs from storage (implemented in src/store). */
export interface IntakeRepository {
  /**
   * In one transaction: insert the new envelopes and their routing work items (multi-row, ON CONFLICT for ids
   * already known, which count a duplicate), keep the quarantined inputs (the same bytes with the same reason again
   * are one row, receipts counted), and the conflict copies. Nothing is stored when it throws.
   */
  storeBatch(batch: IntakeBatch): Promise<IntakeBatchOutcome>;
}

export interface IntakeInput {
  raw: Buffer;
  via: Via;
  /** The body was cut short (HTTP: only the first bytes of an oversize body are kept). */
  truncated?: boolean;
  /** The full size when `raw` was cut. */
  declaredSize?: number;
}

export type IntakeResult =
  | { status: 'accepted'; envelopeId: string }
  | { status: 'duplicate'; envelopeId: string }
  | { status: 'quarantined'; quarantineId: string; error: AppError };

/** A window's per-input result: an input whose storage failed unexpectedly carries the error instead. */
export type BatchItemResult = IntakeResult | { status: 'failed'; error: unknown };

export interface IntakeDeps {
  repo: IntakeRepository;
  validator: EnvelopeValidator;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  limits?: InputLimits;
}

type Classified =
  | { kind: 'envelope'; input: IntakeInput; size: number; envelope: Envelope; contentSha256: string }
  | { kind: 'reject'; input: IntakeInput; size: number; error: AppError; parsed?: unknown };

export class IntakeService {
  readonly limits: Readonly<InputLimits>;
  /** The storage of the last ordered window (AMQP): the next one is stored after it, so commits follow arrival. */
  private lastOrdered: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: IntakeDeps) {
    this.limits = Object.freeze({ ...(deps.limits ?? DEFAULT_INPUT_LIMITS) });
  }

  /** One input (HTTP): raw bytes as received, so that quarantine keeps them byte for byte. */
  async receive(raw: Buffer, via: Via, opts: { truncated?: boolean; declaredSize?: number } = {}): Promise<IntakeResult> {
    const [result] = await this.receiveBatch([{ raw, via, ...opts }]);
    if (result.status === 'failed') throw result.error;
    return result;
  }

  /**
   * A window of inputs, stored in one transaction. Throws only for a dependency failure (nothing stored, the
   * caller hands every input back); otherwise one result per input, in order.
   *
   * `ordered` windows (the AMQP intake's, which overlap: the next is gathered and classified while this one is
   * stored) are stored one after the other in the order they came, so that the routing work items, hence the
   * decisions, follow the order of arrival (an earlier SED of a case is routed first).
   */
  async receiveBatch(inputs: IntakeInput[], opts: { ordered?: boolean } = {}): Promise<BatchItemResult[]> {
    const started = process.hrtime.bigint();
    const results: BatchItemResult[] = new Array(inputs.length);
    const storable: Array<{ at: number; c: Classified }> = [];
    inputs.forEach((input, at) => {
      try {
        storable.push({ at, c: this.classify(input) });
      } catch (error) {
        results[at] = { status: 'failed', error }; // a validator bug: this input only
      }
    });
    const window = storable.map((s) => s.c);
    const stored = opts.ordered ? await this.inOrder(() => this.storeWindow(window)) : await this.storeWindow(window);
    storable.forEach((s, n) => {
      results[s.at] = stored[n];
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9 / Math.max(1, inputs.length);
    results.forEach((r, n) => this.deps.metrics.intakeLatency.observe({ via: inputs[n].via, outcome: r.status }, seconds));
    return results;
  }

  /** Runs `fn` after every ordered window handed over before it (whatever became of them). */
  private inOrder<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lastOrdered.then(fn);
    this.lastOrdered = run.catch(() => undefined);
    return run;
  }

  /** One transaction for the window; when it fails unexpectedly, one per input. Throws on a dependency failure. */
  private async storeWindow(window: Classified[]): Promise<BatchItemResult[]> {
    if (window.length === 0) return [];
    try {
      return await this.store(window);
    } catch (e) {
      if (failureClass(e) === 'dependency') throw e;
      if (window.length === 1) return [{ status: 'failed', error: e }];
      // One input broke the window in a way nobody foresaw: find it by storing each alone.
      this.deps.logger.warn('intake window failed, storing its inputs one by one', { event: 'intake.batch_fallback', size: window.length, error: describe(e) });
      const stored: BatchItemResult[] = [];
      for (const c of window) stored.push(await this.storeAlone(c));
      return stored;
    }
  }

  /**
   * The last attempt of an input that kept failing for an unexpected reason: kept in quarantine for review
   * (ITK_UNPROCESSABLE) instead of being retried forever. Throws on a dependency failure.
   */
  async quarantineUnprocessable(input: IntakeInput, error: unknown, attempts: number): Promise<IntakeResult> {
    const reason = new AppError('ITK_UNPROCESSABLE', `The input failed ${attempts} times for an unexpected reason and is kept for review: ${describe(error).slice(0, 300)}`, [
      { path: '/', message: `unexpected failure after ${attempts} attempts`, code: 'unprocessable', params: { attempts } },
    ]);
    const parsed = readJsonInput(input.raw, this.limits, { size: input.declaredSize, truncated: input.truncated });
    const c: Classified = { kind: 'reject', input, size: input.declaredSize ?? input.raw.length, error: reason, parsed: parsed.ok ? parsed.value : undefined };
    const [r] = await this.store([c]);
    return r as IntakeResult;
  }

  /**
   * An input its channel refused before it was an envelope (a malformed RINA document event): kept in quarantine
   * like any rejected input, byte for byte, with the channel's reason. Throws on a dependency failure.
   */
  async quarantineRejected(input: IntakeInput, error: AppError, parsed?: unknown): Promise<IntakeResult> {
    const [r] = await this.store([{ kind: 'reject', input, size: input.declaredSize ?? input.raw.length, error, parsed }]);
    return r as IntakeResult;
  }

  private async storeAlone(c: Classified): Promise<BatchItemResult> {
    try {
      return (await this.store([c]))[0];
    } catch (e) {
      if (failureClass(e) === 'dependency') throw e;
      return { status: 'failed', error: e };
    }
  }

  /** Deterministic and in memory: the bytes alone decide, so a redelivery is classified the same way. */
  private classify(input: IntakeInput): Classified {
    const size = input.declaredSize ?? input.raw.length;
    const read = readJsonInput(input.raw, this.limits, { size, truncated: input.truncated, what: 'envelope' });
    if (!read.ok) return { kind: 'reject', input, size, error: read.error };
    try {
      this.deps.validator.check(read.value);
    } catch (e) {
      if (!isAppError(e) || failureClass(e) !== 'input') throw e;
      return { kind: 'reject', input, size, error: e, parsed: read.value };
    }
    const envelope = read.value as Envelope;
    const contentSha256 = createHash('sha256').update(stableStringify(envelope)).digest('hex');
    return { kind: 'envelope', input, size, envelope, contentSha256 };
  }

  private async store(classified: Classified[]): Promise<BatchItemResult[]> {
    const now = this.deps.clock.now();
    const envelopes: Array<{ at: number; rec: StoredEnvelopeRecord }> = [];
    const quarantines: Array<{ at: number; rec: QuarantineRecord; error: AppError }> = [];
    classified.forEach((c, at) => {
      if (c.kind === 'envelope') envelopes.push({ at, rec: { envelope: c.envelope, receivedAt: now, via: c.input.via, contentSha256: c.contentSha256 } });
      else quarantines.push({ at, rec: this.quarantineRecord(c.input, c.size, c.error, now, c.parsed), error: c.error });
    });
    const sizes = new Map(envelopes.map((e) => [e.rec, classified[e.at]]));
    const outcome = await this.deps.repo.storeBatch({
      envelopes: envelopes.map((e) => e.rec),
      quarantines: quarantines.map((q) => q.rec),
      conflict: (rec) => {
        const c = sizes.get(rec)!;
        // Same idempotency key, other content: the first stays authoritative, the other is kept for review.
        const error = new AppError('ITK_ENVELOPE_CONFLICT', `Envelope ${rec.envelope.envelopeId} was received before with a different content; the first version is kept.`, [
          { path: '/envelopeId', message: 'same id, different content', code: 'envelopeConflict', params: { envelopeId: rec.envelope.envelopeId } },
        ]);
        return this.quarantineRecord(c.input, c.size, error, now, rec.envelope);
      },
    });
    const results: BatchItemResult[] = new Array(classified.length);
    envelopes.forEach((e, n) => {
      results[e.at] = this.recordEnvelope(e.rec, outcome.envelopes[n]);
    });
    quarantines.forEach((q, n) => {
      const { id, firstReceipt } = outcome.quarantines[n];
      this.recordQuarantine(q.rec, id, firstReceipt);
      results[q.at] = { status: 'quarantined', quarantineId: id, error: q.error };
    });
    return results;
  }

  private recordEnvelope(rec: StoredEnvelopeRecord, outcome: EnvelopeOutcome): IntakeResult {
    const { envelope, via } = rec;
    const ids = { envelopeId: envelope.envelopeId, caseId: envelope.caseId, bucType: envelope.bucType, sedType: envelope.sedType, via };
    if (outcome.stored) {
      this.deps.metrics.envelopesReceived.inc({ via });
      this.deps.logger.info('envelope accepted', { event: 'intake.accepted', ...ids });
      return { status: 'accepted', envelopeId: envelope.envelopeId };
    }
    this.deps.metrics.envelopesDuplicate.inc({ via });
    if (!outcome.sameContent) this.deps.metrics.envelopesQuarantined.inc({ via, reason: 'ITK_ENVELOPE_CONFLICT' });
    this.deps.logger.info('envelope duplicate', { event: 'intake.duplicate', sameContent: outcome.sameContent, ...ids });
    return { status: 'duplicate', envelopeId: envelope.envelopeId };
  }

  private quarantineRecord(input: IntakeInput, size: number, error: AppError, receivedAt: Date, parsed?: unknown): QuarantineRecord {
    const probe = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    return {
      id: newId('qtn'), receivedAt, via: input.via, errorCode: error.code, message: error.message, details: error.details,
      size, envelopeId: shortText(probe.envelopeId), caseId: shortText(probe.caseId), raw: input.raw,
    };
  }

  private recordQuarantine(rec: QuarantineRecord, id: string, firstReceipt: boolean): void {
    this.deps.metrics.envelopesQuarantined.inc({ via: rec.via, reason: rec.errorCode });
    this.deps.logger.warn('input quarantined', {
      event: 'intake.quarantined', quarantineId: id, firstReceipt, errorCode: rec.errorCode, via: rec.via, size: rec.size,
      envelopeId: rec.envelopeId, caseId: rec.caseId, paths: rec.details.slice(0, 5).map((d) => d.path),
    });
  }
}

/** Ids read from a rejected input are kept only when they are plain short strings the database can store. */
function shortText(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= 200 && !v.includes('\u0000') && !/[\ud800-\udfff]/.test(v) ? v : undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
