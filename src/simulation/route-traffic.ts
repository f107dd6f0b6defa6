/**
 * Routes a batch of synthetic envelopes in delivery order through a table, in memory, the way the pipeline would:
 * a case's later SEDs see the case's first forward as `caseRoute` (affinity). Used by the traffic-mix test (not to
 * be confused with the dead-letter replay of bus/ or the draft-table comparison of routing/). A routing failure on one envelope is counted, never thrown: one bad
 * message stops nothing.
 */
import type { Envelope } from '../intake/envelope';
import type { Directory } from '../routing/directory';
import { routeEnvelope, type Decision } from '../routing/evaluate';
import type { RoutingFacts } from '../routing/facts';
import type { RuleTable } from '../routing/rule-table';

export interface TrafficRoutingSummary {
  envelopes: number;
  forwarded: number;
  triaged: number;
  /** Share of envelopes forwarded without an operator. */
  automaticShare: number;
  cases: number;
  /** Share of cases whose first SED was forwarded without an operator. */
  automaticCaseShare: number;
  byRule: Map<string, number>;
  byTriageReason: Map<string, number>;
  /** Envelopes the router threw on (should stay empty): ids and error messages only, never content. */
  crashes: { envelopeId: string; error: string }[];
}

export interface TrafficRoutingOptions {
  directory: Directory;
  ruleTable: RuleTable;
  onDecision?: (envelope: Envelope, facts: RoutingFacts, decision: Decision) => void;
}

const bump = (m: Map<string, number>, key: string): void => {
  m.set(key, (m.get(key) ?? 0) + 1);
};

export function routeTraffic(envelopes: Iterable<Envelope>, opts: TrafficRoutingOptions): TrafficRoutingSummary {
  const caseRoutes = new Map<string, string>();
  const caseFirstOutcome = new Map<string, boolean>();
  const s: TrafficRoutingSummary = { envelopes: 0, forwarded: 0, triaged: 0, automaticShare: 0, cases: 0, automaticCaseShare: 0, byRule: new Map(), byTriageReason: new Map(), crashes: [] };
  for (const envelope of envelopes) {
    s.envelopes += 1;
    try {
      const { facts, decision } = routeEnvelope(envelope, { ...opts, caseRoute: caseRoutes.get(envelope.caseId) ?? null });
      bump(s.byRule, decision.ruleId ?? '(none)');
      if (decision.outcome === 'forward' && decision.institutionId !== null) {
        s.forwarded += 1;
        if (!caseRoutes.has(envelope.caseId)) caseRoutes.set(envelope.caseId, decision.institutionId);
      } else {
        s.triaged += 1;
        bump(s.byTriageReason, decision.reason ?? '(none)');
      }
      if (!caseFirstOutcome.has(envelope.caseId)) caseFirstOutcome.set(envelope.caseId, decision.outcome === 'forward');
      opts.onDecision?.(envelope, facts, decision);
    } catch (e) {
      s.crashes.push({ envelopeId: String((envelope as Partial<Envelope>)?.envelopeId), error: e instanceof Error ? e.message : String(e) });
    }
  }
  s.cases = caseFirstOutcome.size;
  s.automaticShare = s.envelopes === 0 ? 0 : s.forwarded / s.envelopes;
  s.automaticCaseShare = s.cases === 0 ? 0 : [...caseFirstOutcome.values()].filter(Boolean).length / s.cases;
  return s;
}
