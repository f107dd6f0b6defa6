/**
 * Operators' decisions on orphan cases: assign (forward the case and every SED of it held in triage to the
 * chosen institution) or return (not for France / cannot be handled). Both are recorded as decisions and in the
 * audit trail; both are refused while another operator holds the case's claim, and both end the claim.
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { CaseFactListener, CaseRecord, CaseStore, CaseWriter } from '../cases/case-store';
import { checkForwardTarget, MANUAL_RULE } from '../cases/case-rules';
import { forwardCase } from '../cases/plan-forward';
import { refusal, transition, type CaseTransition } from '../cases/case-transitions';
import type { RoutingConfigService } from '../routing/versions';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { AssignCommand, ReturnCommand } from './commands';
import { claimedError } from './triage-queue';
import { undoAssignment, type UndoResult } from './triage-undo';

/** Learns from operators' decisions (src/learning); it never fails the decision itself. */
export interface DecisionLearning {
  operatorDecided(d: { caseId: string; institutionId: string; decidedBy: string; decidedAt: Date }): Promise<void>;
}

export interface TriageDeps {
  store: CaseStore;
  routingConfig: RoutingConfigService;
  clock: Clock;
  logger: Logger;
  audit?: AuditTrail;
  /** Told when a case leaves triage, in the same transaction (the help desk resolves its aged-orphan ticket). */
  onFact?: CaseFactListener;
  /** Told once after an operator's assignment (the learning loop records the decision and proposes a rule). */
  learning?: DecisionLearning;
  /** TRIAGE_UNDO_SECONDS: an assignment's forwards are held this long (undo window) before release; 0 = at once. */
  undoSeconds?: number;
}

export class TriageService {
  constructor(private readonly deps: TriageDeps) {}

  /** Locks the case in triage and checks nobody else holds its claim. */
  private async lockInTriage(w: CaseWriter, caseId: string, by: string, at: Date, t: CaseTransition): Promise<CaseRecord> {
    const c = await w.lockCase(caseId);
    if (!c) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
    const refused = refusal(c, t);
    if (refused) throw refused;
    const claim = await w.claimOf(caseId, at);
    if (claim && claim.by !== by) throw claimedError(caseId, claim);
    return c;
  }

  // long-function: one transaction read top to bottom (lock, check, decide, forward, hold), then audit and learning.
  async assign(caseId: string, cmd: AssignCommand, by: string): Promise<{ caseId: string; institutionId: string; forwardIds: string[]; releaseAt: string | null }> {
    const { institutionId, note } = cmd;
    const cfg = await this.deps.routingConfig.current();
    const at = this.deps.clock.now();
    const releaseAt = this.deps.undoSeconds ? new Date(at.getTime() + this.deps.undoSeconds * 1000) : null;
    const result = await this.deps.store.inTransaction(async (w) => {
      const c = await this.lockInTriage(w, caseId, by, at, { kind: 'assign', institutionId });
      checkForwardTarget(cfg.directory, c, institutionId);
      const decisionId = await w.insertDecision({
        caseId, envelopeId: null, outcome: 'forward', institutionId, reason: null, ruleId: MANUAL_RULE,
        ruleSetVersion: cfg.ruleSetVersion, directoryVersion: cfg.directoryVersion, trace: [],
        explanation: `${MANUAL_RULE}: forwarded to ${institutionId} by ${by} from triage (${c.triageReason})${note ? `: ${note}` : ''}`,
        decidedAt: at, decidedBy: by, note,
      });
      const held = await w.envelopesOfCase(caseId, 'triage');
      // The triage state before, so that an undo puts the case back exactly as it was.
      const before = { triageReason: c.triageReason, triageSince: c.triageSince?.toISOString() ?? null, triageDetail: c.triageDetail };
      await w.addEvent(caseId, 'assigned', at, { institutionId, by, previousReason: c.triageReason, envelopes: held.length, decisionId, before });
      await w.releaseClaim(caseId);
      const forwardIds = await forwardCase(w, { caseRecord: c, envelopes: held, institutionId, decisionId, ruleId: MANUAL_RULE, at, via: 'assign' });
      if (releaseAt) await w.holdForwards(forwardIds, releaseAt);
      const followed = await this.deps.onFact?.(w, { kind: 'left-triage', caseId, outcome: 'assigned', institutionId, at });
      return { forwardIds, previousReason: c.triageReason, followed };
    });
    result.followed?.();
    const releasedAt = releaseAt?.toISOString() ?? null;
    await this.deps.audit?.record({ actor: by, action: 'triage.assign', subjectType: 'case', subjectId: caseId, before: { status: 'triage', reason: result.previousReason }, after: { status: 'forwarded', institutionId }, data: { forwardIds: result.forwardIds, releaseAt: releasedAt } });
    this.deps.logger.info('triage case assigned', { event: 'triage.assigned', caseId, institutionId, by, forwards: result.forwardIds.length });
    await this.deps.learning?.operatorDecided({ caseId, institutionId, decidedBy: by, decidedAt: at });
    return { caseId, institutionId, forwardIds: result.forwardIds, releaseAt: releasedAt };
  }

  /** Cancels the caller's forward still held in its undo window; the case goes back to triage as it was. */
  undo(caseId: string, by: string): Promise<UndoResult> {
    return undoAssignment(this.deps, caseId, by);
  }

  async returnCase(caseId: string, cmd: ReturnCommand, by: string): Promise<{ caseId: string; status: 'returned' }> {
    const { reason } = cmd;
    const at = this.deps.clock.now();
    const { previousReason, followed } = await this.deps.store.inTransaction(async (w) => {
      const c = await this.lockInTriage(w, caseId, by, at, { kind: 'return', reason });
      await w.insertDecision({
        caseId, envelopeId: null, outcome: 'return', institutionId: null, reason: 'RETURNED', ruleId: MANUAL_RULE,
        ruleSetVersion: null, directoryVersion: null, trace: [], explanation: `${MANUAL_RULE}: returned by ${by}: ${reason}`,
        decidedAt: at, decidedBy: by, note: reason,
      });
      const held = await w.envelopesOfCase(caseId, 'triage');
      await w.setEnvelopeState(held.map((e) => e.envelopeId), 'returned');
      await w.saveCase(transition(c, { kind: 'return', reason }, at), at);
      await w.addEvent(caseId, 'returned', at, { by, reason });
      await w.releaseClaim(caseId);
      return { previousReason: c.triageReason, followed: await this.deps.onFact?.(w, { kind: 'left-triage', caseId, outcome: 'returned', institutionId: null, at }) };
    });
    followed?.();
    await this.deps.audit?.record({ actor: by, action: 'triage.return', subjectType: 'case', subjectId: caseId, before: { status: 'triage', reason: previousReason }, after: { status: 'returned' } });
    this.deps.logger.info('triage case returned', { event: 'triage.returned', caseId, by });
    return { caseId, status: 'returned' };
  }
}
