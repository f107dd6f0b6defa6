/**
 * Institutions' acknowledgements (HTTP or liaison.forward-replies). Accepted closes the forward; rejected is a
 * bounce: the whole case goes back to triage with reason BOUNCED, the institution and its reason, and the
 * bounce is recorded against the rule that chose the institution.
 */
import type { CaseFactListener, CaseStore, CaseWriter, ForwardRecord } from '../cases/case-store';
import { BOUNCED, refusal, transition, type CaseTransition } from '../cases/case-transitions';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';


export interface Acknowledgement {
  status: 'accepted' | 'rejected';
  reason?: string | null;
}

export interface Acknowledger {
  /** Principal id (token id) for the audit trail. */
  id: string;
  /** When set, the forward must be addressed to this institution (it never sees another's). */
  institutionId?: string;
}

export function parseAcknowledgement(body: unknown): Acknowledgement {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b.status !== 'accepted' && b.status !== 'rejected') {
    throw new AppError('REQ_INVALID_BODY', 'status must be "accepted" or "rejected".', [{ path: '/status', message: `got ${JSON.stringify(b.status) ?? 'nothing'}` }]);
  }
  if (b.reason !== undefined && b.reason !== null && typeof b.reason !== 'string') {
    throw new AppError('REQ_INVALID_BODY', 'reason must be a string.', [{ path: '/reason', message: 'must be a string' }]);
  }
  const reason = typeof b.reason === 'string' ? b.reason.trim().slice(0, 2000) : null;
  if (b.status === 'rejected' && !reason) {
    throw new AppError('REQ_INVALID_BODY', 'A rejection needs a reason (why the institution is not competent).', [{ path: '/reason', message: 'is required when status is rejected' }]);
  }
  return { status: b.status, reason };
}

/**
 * An institution's reply on liaison.forward-replies (CONTRACT §4): `{forwardId, status, reason?}`, the same
 * acknowledgement as POST /api/forwards/:id/ack with the forward id in the body.
 */
export function parseForwardReply(body: unknown): { forwardId: string; ack: Acknowledgement } {
  const forwardId = (body as { forwardId?: unknown } | null)?.forwardId;
  if (typeof forwardId !== 'string' || !forwardId) {
    throw new AppError('REQ_INVALID_BODY', 'forwardId is required.', [{ path: '/forwardId', message: 'is required' }]);
  }
  return { forwardId, ack: parseAcknowledgement(body) };
}

export class ForwardingService {
  constructor(private readonly deps: { store: CaseStore; clock: Clock; logger: Logger; metrics: Metrics; onFact?: CaseFactListener }) {}

  async acknowledge(forwardId: string, ack: Acknowledgement, by: Acknowledger): Promise<ForwardRecord> {
    const at = this.deps.clock.now();
    const result = await this.deps.store.inTransaction(async (w) => {
      const f = await w.lockForward(forwardId);
      if (!f || (by.institutionId && f.institutionId !== by.institutionId)) {
        throw new AppError('FWD_NOT_FOUND', `No forward ${forwardId} for this institution.`);
      }
      if (f.status !== 'pending') {
        if (f.status === ack.status) return { forward: f, changed: false }; // a redelivered reply: same answer, nothing to do
        throw new AppError('FWD_ALREADY_ACKNOWLEDGED', `Forward ${forwardId} was already ${f.status} at ${f.ackedAt?.toISOString()}.`);
      }
      await w.ackForward(forwardId, ack.status, at, by.id, ack.reason ?? null);
      if (ack.status === 'accepted') {
        await w.addEvent(f.caseId, 'accepted', at, { forwardId, institutionId: f.institutionId }, f.envelopeId);
      } else {
        await this.bounce(w, f, ack.reason ?? '', by, at);
      }
      const followed = await this.deps.onFact?.(w, { kind: 'forward-acknowledged', caseId: f.caseId, forwardId, institutionId: f.institutionId, status: ack.status, at });
      return { forward: { ...f, status: ack.status, ackedAt: at, ackReason: ack.reason ?? null }, changed: true, followed };
    });
    if (result.changed && result.followed) result.followed();
    if (result.changed) {
      this.deps.metrics.forwardAcks.inc({ status: ack.status });
      if (ack.status === 'rejected') this.deps.metrics.forwardBounces.inc({ rule: result.forward.ruleId ?? 'none', institution: result.forward.institutionId });
      this.deps.logger.info('forward acknowledged', {
        event: ack.status === 'accepted' ? 'forward.accepted' : 'forward.bounced', forwardId, caseId: result.forward.caseId,
        institutionId: result.forward.institutionId, ruleId: result.forward.ruleId,
      });
    }
    return result.forward;
  }

  private async bounce(w: CaseWriter, f: ForwardRecord, reason: string, by: Acknowledger, at: Date): Promise<void> {
    const c = await w.lockCase(f.caseId);
    await w.addEvent(f.caseId, 'bounced', at, { forwardId: f.forwardId, institutionId: f.institutionId, reason, ruleId: f.ruleId }, f.envelopeId);
    const bounced: CaseTransition = { kind: 'bounce', institutionId: f.institutionId, reason, forwardId: f.forwardId, ruleId: f.ruleId };
    if (!c || refusal(c, bounced)) return; // the case already moved on
    for (const other of await w.pendingForwardsOfCase(f.caseId, f.institutionId)) {
      await w.ackForward(other.forwardId, 'rejected', at, by.id, `case bounced with forward ${f.forwardId}`);
    }
    const forwarded = await w.envelopesOfCase(f.caseId, 'forwarded');
    await w.setEnvelopeState(forwarded.map((e) => e.envelopeId), 'triage');
    await w.insertDecision({
      caseId: f.caseId, envelopeId: null, outcome: 'triage', institutionId: null, reason: BOUNCED, ruleId: f.ruleId,
      ruleSetVersion: null, directoryVersion: null, trace: [],
      explanation: `${BOUNCED}: ${f.institutionId} rejected the case (chosen by ${f.ruleId ?? 'an operator'}): ${reason}`,
      decidedAt: at, decidedBy: by.id,
    });
    await w.saveCase(transition(c, bounced, at), at);
  }
}
