/**
 * From an induced rule to a candidate a supervisor can read, edit and publish: the rule-table rule, where it goes,
 * what it would take off the queue each month, the decisions that disagree with it and the facts left out.
 *
 * Where it goes: the learned rule only ever takes cases off the queue. It is placed immediately before the
 * highest triage rule that holds any of the cases it covers, which is always below case affinity and the identity
 * gates (GATE-NO-PERSON, GATE-NIR): cases those stop are not examples at all. Every rule above that place let all
 * the covered cases through, so the new rule changes nothing they decide. When a forwarding rule sits between that
 * place and the lowest triage rule of the covered cases, the learned rule would take cases that rule forwards
 * today: such a candidate is not proposed.
 */
import type { Condition, Rule, RuleTable } from '../routing/rule-table';
import type { Example, InducedRule, LeftOut } from './induction';

export interface CounterExample {
  caseId: string;
  institutionId: string;
  decidedAt: string;
  /** The case in the API (`GET /api/cases/:caseId`). */
  link: string;
}

export interface Candidate {
  /** The conditions of the rule, fact by fact (only those that changed the operators' choice). */
  features: Record<string, string | string[] | boolean>;
  institutionId: string;
  /** Decisions covered that chose this institution. */
  decisions: number;
  /** Decisions covered. */
  ofSimilar: number;
  share: number;
  exampleCaseIds: string[];
  lastDecidedAt: string;
  rule: Rule;
  /** Index of the rule in the table in force it goes before, and that rule's id. */
  position: number;
  insertBefore: string | null;
  /** The conditions in words. */
  conditions: string[];
  /** Covered decisions per month of the decisions examined: what the rule would take off the queue. */
  perMonth: number;
  counterExamples: CounterExample[];
  leftOut: LeftOut[];
}

const idPart = (s: string) => s.toUpperCase().replace(/FR:/g, '').replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');

function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function featuresOf(r: InducedRule): Record<string, string | string[] | boolean> {
  const out: Record<string, string | string[] | boolean> = {};
  const guard = sectorGuard(r)[0] as { equals?: string; in?: string[] } | undefined;
  if (guard) out.sector = guard.equals ?? (guard.in as string[]);
  for (const s of r.selectors) {
    const c = s.condition as { fact: string; equals?: string; exists?: boolean; anyInNetworks?: string[] };
    if (c.fact === 'frenchRefs' && c.anyInNetworks === undefined) out.refNetworks = [];
    else if (c.fact === 'frenchRefs') out.refNetworks = [...((out.refNetworks as string[] | undefined) ?? []), ...(c.anyInNetworks ?? [])];
    else if (c.fact === 'frenchPin') out.frenchPin = c.exists === true;
    else if (c.fact === 'residence') out.residence = 'none';
    else out[c.fact] = c.equals as string;
  }
  return out;
}

/** The sector condition a learned rule always carries when it has none: its target serves only these sectors. */
function sectorGuard(r: InducedRule): Condition[] {
  if (r.selectors.some((s) => s.attribute === 'sector')) return [];
  return r.sectors.length === 1 ? [{ fact: 'sector', equals: r.sectors[0] }] : [{ fact: 'sector', in: r.sectors }];
}

export interface Placement {
  position: number;
  insertBefore: string | null;
}

/**
 * Where the rule goes in `table`, from the index of the triage rule holding each covered case; null when a
 * forwarding rule lies between the highest and the lowest of them (the rule would take its cases).
 */
export function placeLearned(table: RuleTable, triageIndexes: readonly number[]): Placement | null {
  const top = Math.min(...triageIndexes);
  const bottom = Math.max(...triageIndexes);
  for (let i = top; i < Math.min(bottom, table.rules.length); i += 1) if ('forward' in table.rules[i].then) return null;
  return { position: top, insertBefore: table.rules[top]?.id ?? null };
}

const monthMs = 30.44 * 24 * 3600 * 1000;

/** The months the examined decisions span (at least one). */
export function monthsSpanned(examples: readonly Example[]): number {
  if (examples.length === 0) return 1;
  const times = examples.map((e) => e.decidedAt.getTime());
  return Math.max(1, (Math.max(...times) - Math.min(...times)) / monthMs);
}

/**
 * The candidate for an induced rule. `within`: the triage rule it goes before when forwarding rules follow that
 * one; the learned rule then carries its conditions too, so that it takes only the cases that rule triages.
 */
export function candidateOf(r: InducedRule, place: Placement, months: number, taken: Set<string>, within: Rule | null = null): Candidate {
  const conditions = [
    ...(sectorGuard(r).length ? [`sector ${r.sectors.join(' or ')}`] : []), ...r.selectors.map((s) => s.words),
    ...(within ? [`what ${within.id} holds`] : []),
  ];
  const values = r.selectors.map((s) => s.key.split(/[=~]/)[1]);
  const rule: Rule = {
    id: uniqueId(idPart(`LEARNED-${[...(r.selectors.some((s) => s.attribute === 'sector') ? [] : r.sectors), ...values].join('-')}-${r.institutionId}`).slice(0, 80), taken),
    description: `${conditions.join(', ')}: forward to ${r.institutionId} (learned from ${r.agreeing.length} of ${r.covered.length} operator decisions)`,
    when: [...sectorGuard(r), ...r.selectors.map((s) => s.condition), ...(within ? within.when : [])],
    then: { forward: { institutionId: r.institutionId } },
    source: `learned from operators' decisions: ${r.agreeing.length} of ${r.covered.length} agree`,
  };
  const latest = [...r.agreeing].sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime() || (a.caseId < b.caseId ? -1 : 1));
  return {
    features: featuresOf(r),
    institutionId: r.institutionId,
    decisions: r.agreeing.length,
    ofSimilar: r.covered.length,
    share: Math.round((r.agreeing.length / r.covered.length) * 1000) / 1000,
    exampleCaseIds: latest.slice(0, 3).map((e) => e.caseId),
    lastDecidedAt: latest[0].decidedAt.toISOString(),
    rule, position: place.position, insertBefore: place.insertBefore, conditions,
    perMonth: Math.round((r.covered.length / months) * 10) / 10,
    counterExamples: r.counterExamples.slice(0, 20).map((e) => ({
      caseId: e.caseId, institutionId: e.institutionId, decidedAt: e.decidedAt.toISOString(), link: `/api/cases/${encodeURIComponent(e.caseId)}`,
    })),
    leftOut: r.leftOut,
  };
}

/** The table with the learned rule inserted at its place. */
export function withLearned(table: RuleTable, rule: Rule, position: number): RuleTable {
  return { ...(table.description !== undefined && { description: table.description }), rules: [...table.rules.slice(0, position), rule, ...table.rules.slice(position)] };
}
