/**
 * Operators' decisions on orphan cases: assign (forward the case and every SED of it held in triage to the
 * chosen institution) or return (not for France / cannot be handled). Both are recorded as decisions.
 */
import type { CaseStore } from '../cases/case-store';
import { forwardCase } from '../forwarding/forward-case';
import { LIAISON_BODY_ID } from '../intake/envelope';
import type { RoutingConfigService } from '../routing/versions';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';

export const MANUAL_RULE = 'MANUAL';

/** Learns from operators' decisions (src/learning); it never fails the decision itself. */
export interface DecisionLearning {
  operatorDecided(d: { caseId: string; institutionId: string; decidedBy: string; decidedAt: Date }): Promise<void>;
}

export interface TriageDeps {
  store: CaseStore;
  routingConfig: RoutingConfigService;
  clock: Clock;
  logger: Logger;
  learning?: DecisionLearning;
}

function requiredText(v: unknown, path: string, max = 2000): string {
  if (typeof v !== 'string' || !v.trim()) throw new AppError('REQ_INVALID_BODY', `${path.slice(1)} is required.`, [{ path, message: 'is required but missing' }]);
  return v.trim().slice(0, max);
}

export class TriageService {
  constructor(private readonly deps: TriageDeps) {}

  async assign(caseId: string, body: unknown, by: string): Promise<{ caseId: string; institutionId: string; forwardIds: string[] }> {
    const b = (body ?? {}) as Record<string, unknown>;
    const institutionId = requiredText(b.institutionId, '/institutionId', 20);
    const note = typeof b.note === 'string' ? b.note.trim().slice(0, 2000) : null;
    const cfg = await this.deps.routingConfig.current();
    const at = this.deps.clock.now();
    const forwardIds = await this.deps.store.inTransaction(async (w) => {
      const c = await w.lockCase(caseId);
      if (!c) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
      if (c.status !== 'triage') throw new AppError('TRI_NOT_IN_TRIAGE', `Case ${caseId} is ${c.status}, not waiting in triage.`);
      const validity = cfg.directory.validityAt(institutionId, c.firstLegalDeliveryAt.toISOString());
      if (!institutionId.startsWith('FR:') || institutionId === LIAISON_BODY_ID || !validity.valid) {
        const why = !validity.valid ? validity.why : 'the target must be a French institution other than the liaison body';
        throw new AppError('FWD_TARGET_INVALID', `Cannot forward case ${caseId} to ${institutionId}: ${why}.`, [{ path: '/institutionId', message: why }]);
      }
      const decisionId = await w.insertDecision({
        caseId, envelopeId: null, outcome: 'forward', institutionId, reason: null, ruleId: MANUAL_RULE,
        ruleSetVersion: cfg.ruleSetVersion, directoryVersion: cfg.directoryVersion, trace: [],
        explanation: `${MANUAL_RULE}: forwarded to ${institutionId} by ${by} from triage (${c.triageReason})${note ? `: ${note}` : ''}`,
        decidedAt: at, decidedBy: by, note,
      });
      const held = await w.envelopesOfCase(caseId, 'triage');
      await w.addEvent(caseId, 'assigned', at, { institutionId, by, previousReason: c.triageReason, envelopes: held.length });
      return forwardCase(w, { caseRecord: c, envelopes: held, institutionId, decisionId, ruleId: MANUAL_RULE, at });
    });
    this.deps.logger.info('triage case assigned', { event: 'triage.assigned', caseId, institutionId, by, forwards: forwardIds.length });
    await this.deps.learning?.operatorDecided({ caseId, institutionId, decidedBy: by, decidedAt: at });
    return { caseId, institutionId, forwardIds };
  }

  async returnCase(caseId: string, body: unknown, by: string): Promise<{ caseId: string; status: 'returned' }> {
    const reason = requiredText(((body ?? {}) as Record<string, unknown>).reason, '/reason');
    const at = this.deps.clock.now();
    await this.deps.store.inTransaction(async (w) => {
      const c = await w.lockCase(caseId);
      if (!c) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
      if (c.status !== 'triage') throw new AppError('TRI_NOT_IN_TRIAGE', `Case ${caseId} is ${c.status}, not waiting in triage.`);
      await w.insertDecision({
        caseId, envelopeId: null, outcome: 'return', institutionId: null, reason: 'RETURNED', ruleId: MANUAL_RULE,
        ruleSetVersion: null, directoryVersion: null, trace: [], explanation: `${MANUAL_RULE}: returned by ${by}: ${reason}`,
        decidedAt: at, decidedBy: by, note: reason,
      });
      const held = await w.envelopesOfCase(caseId, 'triage');
      await w.setEnvelopeState(held.map((e) => e.envelopeId), 'returned');
      await w.saveCase({ ...c, status: 'returned', returnReason: reason, triageReason: null, triageSince: null, triageDetail: null }, at);
      await w.addEvent(caseId, 'returned', at, { by, reason });
    });
    this.deps.logger.info('triage case returned', { event: 'triage.returned', caseId, by });
    return { caseId, status: 'returned' };
  }
}
