/**
 * The quarantine's life cycle. A quarantined input stays `open` until an operator either re-submits it after a
 * fix (a BUC type added to the catalogue, a corrected schema) or dismisses it with a reason. A re-submission runs
 * the stored raw bytes through intake again, exactly as if they had just arrived, and records the outcome on the
 * entry: accepted (routed like any envelope), duplicate (it had arrived since), or rejected again with the new
 * reason (the entry stays open; no second quarantine row is made for the same bytes).
 */
import type { AuditEntry } from '../audit/audit-trail';
import type { Clock } from '../shared/clock';
import { AppError, type ErrorDetail } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import type { EnvelopeValidator } from '../validation/envelope-validator';
import type { InputLimits } from './input-limits';
import { IntakeService, type IntakeRepository, type QuarantineRecord, type Via } from './intake-service';

export const QUARANTINE_STATUSES = ['open', 'resubmitted', 'dismissed'] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];
export type ResubmissionOutcome = 'accepted' | 'duplicate' | 'rejected';

export interface ResubmissionRecord {
  quarantineId: string;
  at: Date;
  by: string;
  outcome: ResubmissionOutcome;
  envelopeId: string | null;
  errorCode: string | null;
  message: string | null;
  details: ErrorDetail[];
}

export interface QuarantineEntries {
  /** The entry's raw input and state. Two concurrent re-submissions are harmless: the second one is a duplicate. */
  forResubmission(id: string): Promise<{ via: Via; raw: Buffer | null; status: QuarantineStatus } | undefined>;
  /** Records the attempt; an accepted or duplicate outcome closes the entry as `resubmitted`. */
  recordResubmission(r: ResubmissionRecord): Promise<void>;
  /** Closes an open entry; the status it had, or undefined when there is no such entry. */
  dismiss(id: string, at: Date, by: string, reason: string): Promise<QuarantineStatus | undefined>;
}

export interface QuarantineServiceDeps {
  entries: QuarantineEntries;
  intakeRepo: IntakeRepository;
  validator: EnvelopeValidator;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  audit: { record(e: AuditEntry): Promise<void> };
  /** The same input limits as intake's. */
  limits?: InputLimits;
  /** Re-read what intake checks against (the BUC catalogue) before judging the input again. */
  beforeResubmit?: () => Promise<void>;
  /** An envelope was accepted: wake the routing stage. */
  onAccepted?: () => void;
}

export interface ResubmissionResult {
  quarantineId: string;
  outcome: ResubmissionOutcome;
  status: QuarantineStatus;
  envelopeId: string | null;
  error: { code: string; message: string; details: ErrorDetail[] } | null;
}

function notOpen(id: string, status: QuarantineStatus): AppError {
  return new AppError('ITK_QUARANTINE_CLOSED', `Quarantine entry ${id} is ${status}, no longer open.`, [{ path: '/status', message: `is ${status}`, code: 'quarantineClosed', params: { status } }]);
}

/** Dismissing a quarantined input (POST /api/quarantine/{id}/dismiss). */
export interface DismissCommand {
  reason: string;
}

export class QuarantineService {
  constructor(private readonly deps: QuarantineServiceDeps) {}

  async resubmit(id: string, by: string): Promise<ResubmissionResult> {
    const entry = await this.deps.entries.forResubmission(id);
    if (!entry) throw new AppError('ITK_QUARANTINE_NOT_FOUND', `No quarantined input with id ${id}.`);
    if (entry.status !== 'open') throw notOpen(id, entry.status);
    if (!entry.raw) {
      throw new AppError('ITK_QUARANTINE_CLOSED', `Quarantine entry ${id} has no raw input any more (purged by the retention job); it can only be dismissed.`, [{ path: '/raw', message: 'purged', code: 'rawPurged' }]);
    }
    const raw = entry.raw;
    await this.deps.beforeResubmit?.();
    // The same intake core as HTTP and AMQP, except that a rejection is reported on this entry, not stored again.
    let rejected: QuarantineRecord | undefined;
    const intake = new IntakeService({
      ...this.deps,
      repo: {
        storeBatch: async (batch) => {
          const stored = batch.envelopes.length > 0 ? await this.deps.intakeRepo.storeBatch({ ...batch, quarantines: [] }) : { envelopes: [], quarantines: [] };
          rejected = batch.quarantines[0] ?? rejected;
          return { envelopes: stored.envelopes, quarantines: batch.quarantines.map(() => ({ id, firstReceipt: false })) };
        },
      },
    });
    const result = await intake.receive(raw, entry.via);
    const outcome: ResubmissionOutcome = rejected ? 'rejected' : result.status === 'accepted' ? 'accepted' : 'duplicate';
    const envelopeId = result.status === 'quarantined' ? (rejected?.envelopeId ?? null) : result.envelopeId;
    const at = this.deps.clock.now();
    await this.deps.entries.recordResubmission({
      quarantineId: id, at, by, outcome, envelopeId,
      errorCode: rejected?.errorCode ?? null, message: rejected?.message ?? null, details: rejected?.details ?? [],
    });
    if (outcome === 'accepted') this.deps.onAccepted?.();
    await this.deps.audit.record({
      actor: by, action: 'quarantine.resubmit', subjectType: 'quarantine', subjectId: id,
      before: { status: 'open' }, after: { status: outcome === 'rejected' ? 'open' : 'resubmitted' },
      data: { outcome, envelopeId, errorCode: rejected?.errorCode ?? null },
    });
    this.deps.logger.info('quarantine entry resubmitted', { event: 'quarantine.resubmitted', quarantineId: id, outcome, envelopeId, errorCode: rejected?.errorCode, by });
    return {
      quarantineId: id, outcome, status: outcome === 'rejected' ? 'open' : 'resubmitted', envelopeId,
      error: rejected ? { code: rejected.errorCode, message: rejected.message, details: rejected.details } : null,
    };
  }

  /** `cmd.reason` is a non-blank text of at most 2,000 characters (checked against docs/openapi.yaml before it gets here). */
  async dismiss(id: string, cmd: DismissCommand, by: string): Promise<{ quarantineId: string; status: 'dismissed' }> {
    const reason = cmd.reason.trim();
    const before = await this.deps.entries.dismiss(id, this.deps.clock.now(), by, reason);
    if (before === undefined) throw new AppError('ITK_QUARANTINE_NOT_FOUND', `No quarantined input with id ${id}.`);
    if (before !== 'open') throw notOpen(id, before);
    await this.deps.audit.record({
      actor: by, action: 'quarantine.dismiss', subjectType: 'quarantine', subjectId: id,
      before: { status: 'open' }, after: { status: 'dismissed' },
    });
    this.deps.logger.info('quarantine entry dismissed', { event: 'quarantine.dismissed', quarantineId: id, by });
    return { quarantineId: id, status: 'dismissed' };
  }
}
