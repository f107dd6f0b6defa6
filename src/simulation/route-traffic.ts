/**
 * Routes a batch of synthetic envelopes in delivery order through a table, in memory, exactly as the pipeline does,
 * through the same pure decideForCase: a forwarded case's later SEDs see its route (affinity), a case waiting in
 * triage keeps its later SEDs with it (CASE-IN-TRIAGE), no operator intervenes. Used by the traffic-mix test and
 * the benchmark (not to be confused with the dead-letter replay of bus/ or the draft-table comparison of routing/).
 * A routing failure on one envelope is counted, never thrown: one bad message stops nothing.
 */
import type { CaseRecord } from '../cases/case-store';
import type { Envelope } from '../intake/envelope';
import { decideForCase } from '../pipeline/decide-for-case';
import type { Directory } from '../routing/directory';
import type { Decision } from '../routing/evaluate';
import { extractFacts, type RoutingFacts } from '../routing/facts';
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
  /** The simulated processing time of each decision (default: the envelope's legalDeliveryAt). */
  at?: (envelope: Envelope) => Date;
}

const bump = (m: Map<string, number>, key: string): void => {
  m.set(key, (m.get(key) ?? 0) + 1);
};

export function routeTraffic(envelopes: Iterable<Envelope>, opts: TrafficRoutingOptions): TrafficRoutingSummary {
  const cases = new Map<string, CaseRecord>();
  const cfg = { ruleTable: opts.ruleTable, directory: opts.directory, ruleSetVersion: null, directoryVersion: null };
  let forwardNo = 0;
  const forwardId = () => `sim-${(forwardNo += 1)}`;
  const caseFirstOutcome = new Map<string, boolean>();
  const s: TrafficRoutingSummary = { envelopes: 0, forwarded: 0, triaged: 0, automaticShare: 0, cases: 0, automaticCaseShare: 0, byRule: new Map(), byTriageReason: new Map(), crashes: [] };
  for (const envelope of envelopes) {
    s.envelopes += 1;
    try {
      const at = opts.at?.(envelope) ?? new Date(envelope.legalDeliveryAt);
      const step = decideForCase(cases.get(envelope.caseId), envelope, cfg, at, forwardId);
      cases.set(envelope.caseId, step.caseAfter);
      const { decision } = step;
      bump(s.byRule, decision.ruleId ?? '(none)');
      if (decision.outcome === 'forward' && decision.institutionId !== null) {
        s.forwarded += 1;
      } else {
        s.triaged += 1;
        bump(s.byTriageReason, decision.reason ?? '(none)');
      }
      if (!caseFirstOutcome.has(envelope.caseId)) caseFirstOutcome.set(envelope.caseId, decision.outcome === 'forward');
      opts.onDecision?.(envelope, step.facts ?? extractFacts(envelope, opts.directory, null), decision);
    } catch (e) {
      s.crashes.push({ envelopeId: String((envelope as Partial<Envelope>)?.envelopeId), error: e instanceof Error ? e.message : String(e) });
    }
  }
  s.cases = caseFirstOutcome.size;
  s.automaticShare = s.envelopes === 0 ? 0 : s.forwarded / s.envelopes;
  s.automaticCaseShare = s.cases === 0 ? 0 : [...caseFirstOutcome.values()].filter(Boolean).length / s.cases;
  return s;
}
