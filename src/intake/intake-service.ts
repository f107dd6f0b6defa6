/**
 * Intake: the one core behind both adapters (HTTP and AMQP). Every input ends in exactly one place:
 * stored once as an envelope (and handed to routing through the work queue, same transaction),
 * recognised as a duplicate, or kept in quarantine with its raw bytes and the reason.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { AppError, isAppError, type ErrorCode, type ErrorDetail } from '../shared/errors';
import { newId } from '../shared/ids';
import { stableStringify } from '../shared/json';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import type { EnvelopeValidator } from '../validation/envelope-validator';
import type { Envelope } from './envelope';

export const MAX_ENVELOPE_BYTES = 5 * 1024 * 1024;

export type Via = 'http' | 'amqp';

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

/** What intake needs from storage (implemented in src/store). */
export interface IntakeRepository {
  /**
   * In one transaction: insert the envelope and its routing work item, or, when the id exists,
   * count a duplicate. Returns the stored content hash when it was a duplicate.
   */
  storeEnvelope(rec: StoredEnvelopeRecord): Promise<{ stored: true } | { stored: false; existingSha256: string }>;
  /** Keeps the rejected input; the same bytes with the same reason again are one row (receipts counted). */
  quarantine(rec: QuarantineRecord): Promise<{ id: string; firstReceipt: boolean }>;
}

export type IntakeResult =
  | { status: 'accepted'; envelopeId: string }
  | { status: 'duplicate'; envelopeId: string }
  | { status: 'quarantined'; quarantineId: string; error: AppError };

export interface IntakeDeps {
  repo: IntakeRepository;
  validator: EnvelopeValidator;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

export class IntakeService {
  constructor(private readonly deps: IntakeDeps) {}

  /** Takes raw bytes (as received, so that quarantine keeps them byte for byte). */
  async receive(raw: Buffer, via: Via, opts: { truncated?: boolean; declaredSize?: number } = {}): Promise<IntakeResult> {
    const started = process.hrtime.bigint();
    const result = await this.classify(raw, via, opts);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.deps.metrics.intakeLatency.observe({ via, outcome: result.status }, seconds);
    return result;
  }

  private async classify(raw: Buffer, via: Via, opts: { truncated?: boolean; declaredSize?: number }): Promise<IntakeResult> {
    const size = opts.declaredSize ?? raw.length;
    if (size > MAX_ENVELOPE_BYTES || opts.truncated) {
      return this.reject(raw, via, size, new AppError('VAL_TOO_LARGE', `The envelope is ${size} bytes; the limit is ${MAX_ENVELOPE_BYTES} bytes (5 MiB). Attachments are not carried in envelopes.`, [
        { path: '/', message: `${size} bytes exceeds ${MAX_ENVELOPE_BYTES}` },
      ]));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      return this.reject(raw, via, size, new AppError('VAL_NOT_JSON', `The input is not valid JSON: ${(e as Error).message}.`, [
        { path: '/', message: (e as Error).message },
      ]));
    }
    try {
      this.deps.validator.check(parsed);
    } catch (e) {
      if (!isAppError(e)) throw e;
      return this.reject(raw, via, size, e, parsed);
    }
    const envelope = parsed as Envelope;
    const contentSha256 = createHash('sha256').update(stableStringify(envelope)).digest('hex');
    const outcome = await this.deps.repo.storeEnvelope({ envelope, receivedAt: this.deps.clock.now(), via, contentSha256 });
    const ids = { envelopeId: envelope.envelopeId, caseId: envelope.caseId, bucType: envelope.bucType, sedType: envelope.sedType, via };
    if (outcome.stored) {
      this.deps.metrics.envelopesReceived.inc({ via });
      this.deps.logger.info('envelope accepted', { event: 'intake.accepted', ...ids });
      return { status: 'accepted', envelopeId: envelope.envelopeId };
    }
    this.deps.metrics.envelopesDuplicate.inc({ via });
    if (outcome.existingSha256 !== contentSha256) {
      // Same idempotency key, other content: the first stays authoritative, the other is kept for review.
      const conflict = new AppError('INT_ENVELOPE_CONFLICT', `Envelope ${envelope.envelopeId} was received before with a different content; the first version is kept.`, [
        { path: '/envelopeId', message: 'same id, different content' },
      ]);
      await this.keep(raw, via, size, conflict, parsed);
    }
    this.deps.logger.info('envelope duplicate', { event: 'intake.duplicate', sameContent: outcome.existingSha256 === contentSha256, ...ids });
    return { status: 'duplicate', envelopeId: envelope.envelopeId };
  }

  private async reject(raw: Buffer, via: Via, size: number, error: AppError, parsed?: unknown): Promise<IntakeResult> {
    const quarantineId = await this.keep(raw, via, size, error, parsed);
    return { status: 'quarantined', quarantineId, error };
  }

  private async keep(raw: Buffer, via: Via, size: number, error: AppError, parsed?: unknown): Promise<string> {
    const probe = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 200 ? v : undefined);
    const { id, firstReceipt } = await this.deps.repo.quarantine({
      id: newId('qtn'), receivedAt: this.deps.clock.now(), via, errorCode: error.code, message: error.message, details: error.details,
      size, envelopeId: text(probe.envelopeId), caseId: text(probe.caseId), raw,
    });
    this.deps.metrics.envelopesQuarantined.inc({ via, reason: error.code });
    this.deps.logger.warn('input quarantined', {
      event: 'intake.quarantined', quarantineId: id, firstReceipt, errorCode: error.code, via, size,
      envelopeId: text(probe.envelopeId), caseId: text(probe.caseId),
      paths: error.details.slice(0, 5).map((d) => d.path),
    });
    return id;
  }
}
