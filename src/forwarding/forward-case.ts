/**
 * Handing a case to an institution: one forward (outbox row) per envelope, the case's route set, the
 * envelopes marked forwarded. Used by the router, by an operator's assignment, and by case affinity alike.
 */
import type { CaseRecord, CaseWriter } from '../cases/case-store';
import { newId } from '../shared/ids';

export interface ForwardCaseInput {
  caseRecord: CaseRecord;
  envelopes: Array<{ envelopeId: string; legalDeliveryAt: Date }>;
  institutionId: string;
  decisionId: number;
  ruleId: string | null;
  at: Date;
}

export async function forwardCase(w: CaseWriter, input: ForwardCaseInput): Promise<string[]> {
  const { caseRecord: c, institutionId, at } = input;
  // The RINA adapter moves the case in EESSI (X007) once per new route, not once per SED.
  const routeChanges = c.status !== 'forwarded' || c.institutionId !== institutionId;
  const forwardIds: string[] = [];
  for (const [i, e] of input.envelopes.entries()) {
    const forwardId = newId('fwd');
    await w.insertForward({
      forwardId, caseId: c.caseId, envelopeId: e.envelopeId, institutionId, decisionId: input.decisionId, ruleId: input.ruleId,
      legalDeliveryAt: e.legalDeliveryAt, status: 'pending', createdAt: at, rinaInstruction: routeChanges && i === 0,
      publishedAt: null, ackedAt: null, ackReason: null,
    });
    await w.addEvent(c.caseId, 'forwarded', at, { forwardId, institutionId, ruleId: input.ruleId }, e.envelopeId);
    forwardIds.push(forwardId);
  }
  await w.setEnvelopeState(input.envelopes.map((e) => e.envelopeId), 'forwarded');
  await w.saveCase({ ...c, status: 'forwarded', institutionId, triageReason: null, triageSince: null, triageDetail: null, returnReason: null }, at);
  return forwardIds;
}
