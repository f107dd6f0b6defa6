/**
 * Candidate rules from operators' decisions under the table in force: each decided case is routed again on its
 * SED (as if new, without case affinity). A case the table now forwards teaches nothing (a rule already does it,
 * or the operator's choice was a bounce from that rule), nor does a case an identity gate stops: a learned rule
 * always goes below AFFINITY, GATE-NO-PERSON and GATE-NIR. The rest are induced into rules (induction.ts), each
 * placed before the triage rule that holds its cases (learned-rule.ts) and checked on the draft: every case it
 * covers must be decided by it there, and only cases of an institution valid on its decision day and serving the
 * case's sector count.
 */
import { failedCondition } from '../routing/conditions';
import { evaluate } from '../routing/evaluate';
import { extractFacts, type RoutingFacts } from '../routing/facts';
import type { RuleTable } from '../routing/rule-table';
import type { RoutingConfig } from '../routing/versions';
import { induceRules, mergeBySector, type Example } from './induction';
import { candidateOf, monthsSpanned, placeLearned, withLearned, type Candidate } from './learned-rule';
import type { Envelope } from '../intake/envelope';
import type { Proposal } from './rule-proposal';
import { inSectorNetwork } from './sector-networks';
import { exampleFacts } from './selectors';

/** One operator decision the case still follows, with the SED the router decided on. */
export interface DecisionExample {
  caseId: string;
  institutionId: string;
  decidedAt: Date;
  envelope: Envelope;
}

export const DEFAULT_MIN_SUPPORT = 5;
export const DEFAULT_MIN_AGREEMENT = 0.9;

/** Rules a learned rule always stays below. */
export const KEEP_ABOVE = ['AFFINITY', 'GATE-NO-PERSON', 'GATE-NIR'];

export function floorOf(table: RuleTable): number {
  return Math.max(0, ...KEEP_ABOVE.map((id) => table.rules.findIndex((r) => r.id === id) + 1));
}

interface Prepared {
  example: Example;
  facts: RoutingFacts;
  triageIndex: number;
}

function prepare(raw: readonly DecisionExample[], cfg: RoutingConfig): Prepared[] {
  const table = cfg.ruleTable;
  const floor = floorOf(table);
  const out: Prepared[] = [];
  for (const d of raw) {
    const facts = extractFacts(d.envelope, cfg.directory, null);
    const decision = evaluate(facts, table, cfg.directory);
    if (decision.outcome === 'forward') continue;
    const triageIndex = decision.ruleId === null ? table.rules.length : table.rules.findIndex((r) => r.id === decision.ruleId);
    if (triageIndex < floor) continue;
    if (!cfg.directory.isValidAt(d.institutionId, d.decidedAt.toISOString().slice(0, 10))) continue;
    out.push({ example: { caseId: d.caseId, institutionId: d.institutionId, decidedAt: d.decidedAt, facts: exampleFacts(facts) }, facts, triageIndex });
  }
  return out;
}

/** The first index from which the table only triages: a rule placed there takes nothing a rule forwards. */
export function tailStart(table: RuleTable): number {
  let i = table.rules.length;
  while (i > 0 && !('forward' in table.rules[i - 1].then)) i -= 1;
  return i;
}

/**
 * Examples by where their rule can go: all those held by the table's last triage rules together (nothing but
 * triage follows them), the others by the triage rule that holds them (forwarding rules follow it).
 */
function byPlace(prepared: readonly Prepared[], table: RuleTable): Map<number, Prepared[]> {
  const tail = tailStart(table);
  const groups = new Map<number, Prepared[]>();
  for (const p of prepared) {
    const key = p.triageIndex >= tail ? -1 : p.triageIndex;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return groups;
}

export function learnCandidates(raw: readonly DecisionExample[], cfg: RoutingConfig, s: { minSupport: number; minAgreement: number }): Candidate[] {
  const table = cfg.ruleTable;
  const prepared = prepare(raw, cfg);
  const byCase = new Map(prepared.map((p) => [p.example.caseId, p]));
  const months = monthsSpanned(prepared.map((p) => p.example));
  const taken = new Set(table.rules.map((r) => r.id));
  const out: Candidate[] = [];
  for (const [at, group] of [...byPlace(prepared, table)].sort((a, b) => a[0] - b[0])) {
    const induced = mergeBySector(induceRules(group.map((p) => p.example), {
      minSupport: s.minSupport, minAgreement: s.minAgreement,
      allowed: (institutionId, sector) => inSectorNetwork(cfg.directory, institutionId, sector),
    }));
    for (const r of induced) {
      const place = at >= 0 ? { position: at, insertBefore: table.rules[at].id } : placeLearned(table, r.covered.map((e) => (byCase.get(e.caseId) as Prepared).triageIndex));
      if (place === null) continue;
      const candidate = candidateOf(r, place, months, taken, at >= 0 ? table.rules[at] : null);
      const draft = withLearned(table, candidate.rule, place.position);
      const decidedByIt = r.covered.every((e) => evaluate((byCase.get(e.caseId) as Prepared).facts, draft, cfg.directory).ruleId === candidate.rule.id);
      if (decidedByIt) out.push(candidate);
    }
  }
  return out.sort((a, b) => b.ofSimilar - a.ofSimilar || (a.rule.id < b.rule.id ? -1 : 1));
}

/**
 * "Make this a rule" for a case a candidate covers (its rule holds for the case's facts and names the same
 * institution): the candidate's general rule at its place, not the case's exact facts. Null when none covers it.
 */
export function generalProposal(candidates: readonly Candidate[], facts: RoutingFacts, institutionId: string, cfg: RoutingConfig): Proposal | null {
  // The candidate whose rule, at its place, decides the case itself (another may hold for its facts but sit below
  // the triage rule that stops it).
  const decides = (x: Candidate) => evaluate({ ...facts, caseRoute: null }, withLearned(cfg.ruleTable, x.rule, x.position), cfg.directory).ruleId === x.rule.id;
  const c = candidates.find((x) => x.institutionId === institutionId && x.rule.when.every((w) => failedCondition(w, facts) === null) && decides(x));
  if (c === undefined) return null;
  const draft = withLearned(cfg.ruleTable, c.rule, c.position);
  const decision = evaluate({ ...facts, caseRoute: null }, draft, cfg.directory);
  const notes = [`the general rule of a candidate: ${c.decisions} of ${c.ofSimilar} decisions it covers chose ${c.institutionId}; left out: ${c.leftOut.map((l) => l.attribute).join(', ') || 'nothing'}`];
  if (decision.ruleId !== c.rule.id) notes.push(`the draft does not route the case itself with the new rule (${decision.ruleId ?? 'no rule'} decides): check its place`);
  return {
    rule: c.rule, position: c.position, insertBefore: c.insertBefore, draft, notes,
    check: { outcome: decision.outcome, institutionId: decision.institutionId, ruleId: decision.ruleId },
  };
}
