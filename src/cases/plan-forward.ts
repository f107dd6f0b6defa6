/**
 * Handing a case to an institution: one forward (outbox row) per envelope, the case's route set, the
 * envelopes marked forwarded. `planForward` is the pure rule, shared by the router (decideForCase), an operator's
 * assignment and case affinity alike; `forwardCase` writes it in the caller's transaction.
 */
import type { CaseChanges, CaseRecord, CaseWriter } from './case-store';
import { transition } from './case-transitions';
import { newId } from '../shared/ids';

export interface ForwardCaseInput {
  caseRecord: CaseRecord;
  envelopes: Array<{ envelopeId: string; legalDeliveryAt: Date }>;
  institutionId: string;
  /** An existing decision id, or the key of a decision planned in the same change set. */
  decisionId: number | string;
  ruleId: string | null;
  at: Date;
  /** The case transition that forwards it: the router's route (default), an operator's assign or reassign. */
  via?: 'route' | 'assign' | 'reassign';
}

export type ForwardPlan = Pick<CaseChanges, 'forwards' | 'events' | 'envelopeStates'> & { caseAfter: CaseRecord };

/** What forwarding these envelopes of the case to the institution writes. Pure but for the new forward ids. */
export function planForward(input: ForwardCaseInput, newForwardId: () => string = () => newId('fwd')): ForwardPlan {
  const { caseRecord: c, institutionId, at } = input;
  // The RINA adapter moves the case in EESSI (X007) once per new route, not once per SED.
  const routeChanges = c.status !== 'forwarded' || c.institutionId !== institutionId;
  const plan: ForwardPlan = {
    forwards: [], events: [], envelopeStates: [],
    caseAfter: transition(c, input.via === undefined || input.via === 'route' ? { kind: 'route', outcome: 'forward', institutionId } : { kind: input.via, institutionId }, at),
  };
  for (const [i, e] of input.envelopes.entries()) {
    const forwardId = newForwardId();
    plan.forwards.push({
      forwardId, caseId: c.caseId, envelopeId: e.envelopeId, institutionId, decision: input.decisionId, ruleId: input.ruleId,
      legalDeliveryAt: e.legalDeliveryAt, status: 'pending', createdAt: at, rinaInstruction: routeChanges && i === 0,
      publishedAt: null, ackedAt: null, ackReason: null,
    });
    plan.events.push({ caseId: c.caseId, envelopeId: e.envelopeId, at, kind: 'forwarded', data: { forwardId, institutionId, ruleId: input.ruleId } });
    plan.envelopeStates.push({ envelopeId: e.envelopeId, state: 'forwarded' });
  }
  return plan;
}

/** Forwards the envelopes in the caller's transaction; returns the new forward ids. */
export async function forwardCase(w: CaseWriter, input: ForwardCaseInput): Promise<string[]> {
  const plan = planForward(input);
  await w.apply({ cases: [plan.caseAfter], decisions: [], forwards: plan.forwards, events: plan.events, envelopeStates: plan.envelopeStates }, input.at);
  return plan.forwards.map((f) => f.forwardId);
}
