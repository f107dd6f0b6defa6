/**
 * The routing stage of the pipeline: for one accepted envelope, in one transaction, decide (rules or case
 * affinity), record the decision with the versions it used, and hand the case to forwarding or to triage.
 * A later SED of a case waiting in triage waits with it: the operator's decision moves the whole case.
 */
import type { CaseRecord, CaseWriter } from '../cases/case-store';
import { forwardCase } from '../forwarding/forward-case';
import type { Envelope } from '../intake/envelope';
import { routeEnvelope, type Decision } from './evaluate';
import type { RoutingConfig } from './versions';

export const HELD_IN_TRIAGE_RULE = 'CASE-IN-TRIAGE';

export interface RoutedOutcome {
  envelopeId: string;
  caseId: string;
  outcome: 'forward' | 'triage';
  institutionId: string | null;
  reason: string | null;
  ruleId: string | null;
  skipped?: boolean;
}

function newCase(e: Envelope, status: CaseRecord['status']): CaseRecord {
  return {
    caseId: e.caseId, bucType: e.bucType, senderInstitutionId: e.sender.institutionId, senderCountry: e.sender.country, status,
    institutionId: null, triageReason: null, triageSince: null, triageDetail: null, returnReason: null,
    firstLegalDeliveryAt: new Date(e.legalDeliveryAt),
  };
}

function heldDecision(c: CaseRecord): Decision {
  return {
    outcome: 'triage', institutionId: null, reason: c.triageReason, ruleId: HELD_IN_TRIAGE_RULE, trace: [],
    explanation: `${HELD_IN_TRIAGE_RULE}: the case is waiting in triage (${c.triageReason}); this SED waits with it and follows the operator's decision`,
  };
}

export async function routeOneEnvelope(w: CaseWriter, envelopeId: string, cfg: RoutingConfig, at: Date): Promise<RoutedOutcome | undefined> {
  const stored = await w.envelope(envelopeId);
  if (!stored) return undefined;
  const e = stored.envelope;
  if (stored.state !== 'received') {
    return { envelopeId, caseId: e.caseId, outcome: stored.state === 'forwarded' ? 'forward' : 'triage', institutionId: null, reason: null, ruleId: null, skipped: true };
  }
  const existing = await w.lockCase(e.caseId);
  const caseRoute = existing?.status === 'forwarded' ? existing.institutionId : null;
  const decision = existing?.status === 'triage'
    ? heldDecision(existing)
    : routeEnvelope(e, { ruleTable: cfg.ruleTable, directory: cfg.directory, caseRoute }).decision;
  const base = existing ?? newCase(e, decision.outcome === 'forward' ? 'forwarded' : 'triage');
  const c: CaseRecord = {
    ...base,
    firstLegalDeliveryAt: new Date(Math.min(base.firstLegalDeliveryAt.getTime(), new Date(e.legalDeliveryAt).getTime())),
  };
  if (!existing) await w.saveCase(c, at); // the decision refers to the case
  const decisionId = await w.insertDecision({
    caseId: e.caseId, envelopeId, outcome: decision.outcome, institutionId: decision.institutionId, reason: decision.reason,
    ruleId: decision.ruleId, ruleSetVersion: cfg.ruleSetVersion, directoryVersion: cfg.directoryVersion,
    explanation: decision.explanation, trace: decision.trace, decidedAt: at, decidedBy: 'router',
  });
  await w.addEvent(e.caseId, 'routed', at, { decisionId, outcome: decision.outcome, ruleId: decision.ruleId, ruleSetVersion: cfg.ruleSetVersion }, envelopeId);
  if (decision.outcome === 'forward' && decision.institutionId) {
    await forwardCase(w, {
      caseRecord: c, envelopes: [{ envelopeId, legalDeliveryAt: new Date(e.legalDeliveryAt) }],
      institutionId: decision.institutionId, decisionId, ruleId: decision.ruleId, at,
    });
  } else {
    await w.setEnvelopeState([envelopeId], 'triage');
    if (existing?.status !== 'triage') {
      await w.saveCase({ ...c, status: 'triage', institutionId: null, triageReason: decision.reason, triageSince: at, triageDetail: null, returnReason: null }, at);
      await w.addEvent(e.caseId, 'triaged', at, { reason: decision.reason }, envelopeId);
    } else {
      await w.saveCase(c, at);
    }
  }
  return { envelopeId, caseId: e.caseId, outcome: decision.outcome, institutionId: decision.institutionId, reason: decision.reason, ruleId: decision.ruleId };
}
