/**
 * Undoing an operator's forward from triage within its window (TRIAGE_UNDO_SECONDS, issue #20): the forwards the
 * assignment wrote are held (never relayed nor pulled) until their release time; until then the operator who
 * decided can cancel them, and the case goes back to triage exactly as it was (reason, since, detail; envelopes
 * held again). The undone decision stays in the history, marked cancelled, and no longer teaches the learning
 * loop. Refused once any forward is released or the case moved on (another decision since).
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { CaseRecord, CaseStore } from '../cases/case-store';
import { transition } from '../cases/case-transitions';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';

export interface UndoDeps {
  store: CaseStore;
  clock: Clock;
  logger: Logger;
  audit?: AuditTrail;
}

export interface UndoResult {
  caseId: string;
  status: 'triage';
  institutionId: string;
  cancelledForwardIds: string[];
}

function unavailable(caseId: string, why: string, whyCode: string): AppError {
  return new AppError('TRI_UNDO_UNAVAILABLE', `The forward of case ${caseId} cannot be undone: ${why}.`, [], { why: whyCode });
}

/** The triage state the assignment recorded in its `assigned` event (before: …). */
function stateBefore(c: CaseRecord, data: Record<string, unknown> | undefined): Pick<CaseRecord, 'triageReason' | 'triageSince' | 'triageDetail'> {
  const before = (data?.before ?? {}) as { triageReason?: string | null; triageSince?: string | null; triageDetail?: Record<string, unknown> | null };
  return {
    triageReason: before.triageReason ?? (typeof data?.previousReason === 'string' ? data.previousReason : 'NO_RULE'),
    triageSince: before.triageSince ? new Date(before.triageSince) : c.firstLegalDeliveryAt,
    triageDetail: before.triageDetail ?? null,
  };
}

export async function undoAssignment(deps: UndoDeps, caseId: string, by: string): Promise<UndoResult> {
  const at = deps.clock.now();
  const result = await deps.store.inTransaction(async (w) => {
    const c = await w.lockCase(caseId);
    if (!c) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
    const latest = await w.latestDecision(caseId);
    const held = await w.heldForwardsOfCase(caseId, at);
    if (c.status !== 'forwarded' || !latest || latest.cancelled || held.length === 0) throw unavailable(caseId, 'no forward of it is held any more (the undo window ended, or it was undone)', 'not-held');
    if (held.some((f) => f.decisionId !== latest.decisionId)) throw unavailable(caseId, 'the case changed since the forward (another decision)', 'changed');
    if (latest.decidedBy !== by) {
      throw new AppError('TRI_UNDO_FORBIDDEN', `Only ${latest.decidedBy}, who forwarded case ${caseId}, can undo it.`, [], { decidedBy: latest.decidedBy });
    }
    const cancelled = await w.cancelHeldForwards(held.map((f) => f.forwardId), at);
    if (cancelled.length !== held.length) throw unavailable(caseId, 'a forward was released meanwhile', 'released');
    await w.cancelDecision(latest.decisionId, at);
    const before = stateBefore(c, await w.lastEventData(caseId, 'assigned'));
    await w.setEnvelopeState(held.map((f) => f.envelopeId), 'triage');
    await w.saveCase(transition(c, { kind: 'undo', before }, at), at);
    const institutionId = latest.institutionId ?? held[0].institutionId;
    await w.addEvent(caseId, 'undone', at, { by, institutionId, decisionId: latest.decisionId, forwardIds: cancelled });
    return { institutionId, cancelled, reason: before.triageReason };
  });
  await deps.audit?.record({
    actor: by, action: 'triage.undo', subjectType: 'case', subjectId: caseId,
    before: { status: 'forwarded', institutionId: result.institutionId }, after: { status: 'triage', reason: result.reason },
    data: { cancelledForwardIds: result.cancelled },
  });
  deps.logger.info('triage forward undone', { event: 'triage.undone', caseId, institutionId: result.institutionId, by, forwards: result.cancelled.length });
  return { caseId, status: 'triage', institutionId: result.institutionId, cancelledForwardIds: result.cancelled };
}
