/**
 * The routing stage of the pipeline, for a claimed batch of accepted envelopes, in memory: each SED is decided
 * by decideForCase against its case as the earlier SEDs of the batch left it (case affinity and CASE-IN-TRIAGE
 * hold inside a batch exactly as across batches), and the whole batch becomes one change set in which each case
 * appears once, with its final state.
 */
import { emptyChanges, type CaseRecord, type ForwardLease } from '../cases/case-store';
import type { RoutingBatchResult, RoutingItem } from './routing-queue';
import type { HandedForward } from '../forwarding/outbox-relay';
import { decideForCase, type DecideConfig } from './decide-for-case';

export interface RoutedOutcome {
  envelopeId: string;
  caseId: string;
  outcome: 'forward' | 'triage';
  institutionId: string | null;
  reason: string | null;
  ruleId: string | null;
  /** Forwards created (the outbox relay has work). */
  forwards: number;
  /** Those created under the relay's lease, for the hand-over in memory once the batch is committed. */
  handed: HandedForward[];
}

/**
 * Decides the items in their (arrival) order; items already routed or gone are completed without a decision.
 * With a `lease`, the forwards of the batch's own envelopes are created under it and listed for the hand-over.
 */
export function routeBatch(
  items: readonly RoutingItem[], cases: ReadonlyMap<string, CaseRecord>, cfg: DecideConfig, at: Date, lease?: ForwardLease,
): RoutingBatchResult<RoutedOutcome> {
  const current = new Map(cases);
  const touched = new Set<string>();
  const changes = emptyChanges();
  const results: RoutedOutcome[] = [];
  for (const item of items) {
    if (!item.stored || item.stored.state !== 'received') continue;
    const e = item.stored.envelope;
    const step = decideForCase(current.get(e.caseId), e, cfg, at);
    const handed: HandedForward[] = [];
    if (lease) {
      for (const f of step.changes.forwards) {
        if (f.envelopeId !== e.envelopeId) continue; // another SED of the case: its body is not in memory here
        f.lease = lease;
        handed.push({
          forwardId: f.forwardId, caseId: f.caseId, envelopeId: f.envelopeId, institutionId: f.institutionId, rinaInstruction: f.rinaInstruction,
          ruleId: f.ruleId, explanation: step.decision.explanation, envelope: e, publishAttempts: 0, leaseUntil: lease.until,
        });
      }
    }
    current.set(e.caseId, step.caseAfter);
    touched.add(e.caseId);
    changes.decisions.push(...step.changes.decisions);
    changes.forwards.push(...step.changes.forwards);
    changes.events.push(...step.changes.events);
    changes.envelopeStates.push(...step.changes.envelopeStates);
    const d = step.decision;
    results.push({
      envelopeId: e.envelopeId, caseId: e.caseId, outcome: d.outcome, institutionId: d.institutionId, reason: d.reason, ruleId: d.ruleId,
      forwards: step.changes.forwards.length, handed,
    });
  }
  changes.cases = [...touched].map((id) => current.get(id) as CaseRecord);
  return { changes, results };
}
