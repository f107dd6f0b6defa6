/**
 * What operators do with a forward's X007: read its state, and retry a failed one (once the cause is fixed in
 * RINA: an action offered again, a refusal understood). A retry is recorded in the audit trail and wakes the relay.
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { X007State, X007Status } from './x007';

/** What the operations need of the X007 outbox. */
export interface X007Admin {
  /** Puts a failed job back (created when its document exists, else pending); undefined when the forward has none. */
  retry(forwardId: string, at: Date): Promise<{ state: X007State; changed: boolean } | undefined>;
  status(forwardId: string): Promise<(X007Status & { caseId: string }) | undefined>;
  counts(): Promise<Record<X007State, number>>;
}

export const x007View = (forwardId: string, s: X007Status & { caseId?: string }) => ({
  forwardId, ...(s.caseId ? { caseId: s.caseId } : {}), state: s.state, documentId: s.documentId, attempts: s.attempts, error: s.error,
  ticketId: s.ticketId, updatedAt: s.updatedAt.toISOString(), sentAt: s.sentAt?.toISOString() ?? null,
});

export class X007Operations {
  constructor(private readonly deps: { admin: X007Admin; audit: AuditTrail; clock: Clock; logger: Logger; onRetry?: () => void }) {}

  async status(forwardId: string) {
    const s = await this.deps.admin.status(forwardId);
    if (!s) throw new AppError('FWD_RINA_NOT_FOUND', `The forward ${forwardId} has no X007 in RINA.`);
    return x007View(forwardId, s);
  }

  async retry(forwardId: string, by: string) {
    const r = await this.deps.admin.retry(forwardId, this.deps.clock.now());
    if (!r) throw new AppError('FWD_RINA_NOT_FOUND', `The forward ${forwardId} has no X007 in RINA.`);
    if (!r.changed) {
      throw new AppError('FWD_RINA_NOT_FAILED', `The X007 of forward ${forwardId} is ${r.state}: only a failed one can be retried.`, [{ path: 'state', message: r.state }]);
    }
    await this.deps.audit.record({ actor: by, action: 'forward.x007-retry', subjectType: 'forward', subjectId: forwardId, data: { state: r.state } });
    this.deps.logger.info('X007 retry asked', { event: 'rina.x007_retry', forwardId, by, state: r.state });
    this.deps.onRetry?.();
    return this.status(forwardId);
  }

  counts() {
    return this.deps.admin.counts();
  }
}
