/**
 * The pipeline's rules for one SED of a case, pure: given the case as it stands (or none yet), the envelope and
 * the routing configuration, what is decided and what changes. The routing stage, the simulator and the draft
 * simulation all call this one function, so that a simulation predicts production exactly:
 *
 * - a case waiting in triage keeps its later SEDs with it (CASE-IN-TRIAGE): the operator's decision moves the
 *   whole case;
 * - a forwarded case's later SEDs see its route (the AFFINITY rule of the table decides them);
 * - otherwise the rule table decides on the SED's facts.
 */
import type { CaseChanges, CaseRecord, EnvelopeState } from '../cases/case-store';
import { planForward } from '../cases/plan-forward';
import { transition } from '../cases/case-transitions';
import type { Envelope } from '../intake/envelope';
import { newId } from '../shared/ids';
import type { Directory } from '../routing/directory';
import { routeEnvelope, type Decision } from '../routing/evaluate';
import type { RoutingFacts } from '../routing/facts';
import type { RuleTable } from '../routing/rule-table';

export const HELD_IN_TRIAGE_RULE = 'CASE-IN-TRIAGE';

/** The decider of router decisions (decisions.decided_by). */
export const ROUTER = 'router';

export interface DecideConfig {
  ruleTable: RuleTable;
  directory: Directory;
  /** The versions recorded with the decision (null in simulations of a draft). */
  ruleSetVersion: number | null;
  directoryVersion: number | null;
}

export interface CaseStep {
  decision: Decision;
  /** The facts the rules judged (absent when the case held the SED in triage: no rule was tried). */
  facts?: RoutingFacts;
  /** The case after this SED. */
  caseAfter: CaseRecord;
  envelopeState: EnvelopeState;
  /** What to write, decisions keyed by envelope id. */
  changes: Omit<CaseChanges, 'cases'>;
}

function newCase(e: Envelope): CaseRecord {
  // The sender is optional-chained for the simulator, which also replays unvalidated inputs; stored envelopes have one.
  const sender = e.sender as Envelope['sender'] | undefined;
  return {
    caseId: e.caseId, bucType: e.bucType, senderInstitutionId: sender?.institutionId ?? '', senderCountry: sender?.country ?? '', status: 'triage',
    institutionId: null, triageReason: null, triageSince: null, triageDetail: null, returnReason: null,
    firstLegalDeliveryAt: new Date(e.legalDeliveryAt),
  };
}

function heldDecision(c: CaseRecord): Decision {
  const explanation = `${HELD_IN_TRIAGE_RULE}: the case is waiting in triage (${c.triageReason}); this SED waits with it and follows the operator's decision`;
  return {
    outcome: 'triage', institutionId: null, reason: c.triageReason, ruleId: HELD_IN_TRIAGE_RULE, explanation,
    trace: [{ ruleId: HELD_IN_TRIAGE_RULE, matched: true, outcome: 'triage', reason: c.triageReason ?? undefined, explanation }],
  };
}

export function decideForCase(
  existing: CaseRecord | undefined, e: Envelope, cfg: DecideConfig, at: Date, newForwardId: () => string = () => newId('fwd'),
): CaseStep {
  const routed = existing?.status === 'triage'
    ? { decision: heldDecision(existing), facts: undefined }
    : routeEnvelope(e, { ruleTable: cfg.ruleTable, directory: cfg.directory, caseRoute: existing?.status === 'forwarded' ? existing.institutionId : null });
  const { decision } = routed;
  const base = existing ?? newCase(e);
  const legalDeliveryAt = new Date(e.legalDeliveryAt);
  const c: CaseRecord = { ...base, firstLegalDeliveryAt: new Date(Math.min(base.firstLegalDeliveryAt.getTime(), legalDeliveryAt.getTime())) };
  const key = e.envelopeId;
  const changes: CaseStep['changes'] = {
    decisions: [{
      key, caseId: e.caseId, envelopeId: e.envelopeId, outcome: decision.outcome, institutionId: decision.institutionId, reason: decision.reason,
      ruleId: decision.ruleId, ruleSetVersion: cfg.ruleSetVersion, directoryVersion: cfg.directoryVersion,
      explanation: decision.explanation, trace: decision.trace, decidedAt: at, decidedBy: ROUTER,
    }],
    events: [{ caseId: e.caseId, envelopeId: e.envelopeId, at, kind: 'routed', decision: key, data: { outcome: decision.outcome, ruleId: decision.ruleId, ruleSetVersion: cfg.ruleSetVersion } }],
    forwards: [],
    envelopeStates: [],
  };
  if (decision.outcome === 'forward' && decision.institutionId) {
    const plan = planForward({
      caseRecord: c, envelopes: [{ envelopeId: e.envelopeId, legalDeliveryAt }], institutionId: decision.institutionId, decisionId: key,
      ruleId: decision.ruleId, at,
    }, newForwardId);
    changes.forwards.push(...plan.forwards);
    changes.events.push(...plan.events);
    changes.envelopeStates.push(...plan.envelopeStates);
    return { decision, facts: routed.facts, caseAfter: plan.caseAfter, envelopeState: 'forwarded', changes };
  }
  changes.envelopeStates.push({ envelopeId: e.envelopeId, state: 'triage' });
  if (existing?.status === 'triage') return { decision, facts: routed.facts, caseAfter: c, envelopeState: 'triage', changes };
  changes.events.push({ caseId: e.caseId, envelopeId: e.envelopeId, at, kind: 'triaged', data: { reason: decision.reason } });
  return {
    decision, facts: routed.facts, envelopeState: 'triage', changes,
    caseAfter: transition(c, { kind: 'route', outcome: 'triage', reason: decision.reason }, at),
  };
}
