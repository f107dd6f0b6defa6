/**
 * "Make this a rule": a draft rule from an operator's decision, pre-filled with the case's facts as conditions,
 * and placed in the table in force. Pure: the caller gives the facts, the decision and the table.
 *
 * Conditions use only non-personal facts (BUC type, sending country, residence département or country, the
 * networks of the French references): a rule never names a person. The rule goes immediately before the rule that
 * sent the case to triage (or chose the institution that bounced it): every rule above it did not match this
 * case, so the draft changes nothing they decide, and it catches similar cases before they fall to triage.
 * Case affinity stays first, and the identity gates (GATE-NO-PERSON, GATE-NIR: never send personal data about a
 * possibly wrong person) are never jumped over.
 */
import { evaluate } from '../routing/evaluate';
import type { Directory } from '../routing/directory';
import type { RoutingFacts } from '../routing/facts';
import type { Condition, Rule, RuleTable } from '../routing/rule-table';
import type { CaseFeatures } from './features';

/** Rules a learned rule must stay below. */
const KEEP_ABOVE = ['AFFINITY', 'GATE-NO-PERSON', 'GATE-NIR'];

export interface ProposalInput {
  caseId: string;
  facts: RoutingFacts;
  features: CaseFeatures;
  institutionId: string;
  /** The router's rule that sent the case to triage (or forwarded it before a bounce). */
  routerRuleId: string | null;
  decidedBy: string;
  decidedAt: Date;
  table: RuleTable;
  directory: Directory;
}

export interface Proposal {
  rule: Rule;
  /** Index of the rule in `draft.rules`. */
  position: number;
  /** The rule it is placed before (null at the end). */
  insertBefore: string | null;
  draft: RuleTable;
  /** What the draft decides for the case's own SED (it should forward it to the chosen institution). */
  check: { outcome: string; institutionId: string | null; ruleId: string | null };
  notes: string[];
}

export function conditionsFor(features: CaseFeatures, facts: RoutingFacts): Condition[] {
  const when: Condition[] = [
    { fact: 'bucType', equals: features.bucType },
    { fact: 'senderCountry', equals: features.senderCountry },
  ];
  if (facts.residence?.departement) when.push({ fact: 'residence.departement', equals: facts.residence.departement });
  else if (facts.residence?.country) when.push({ fact: 'residence.country', equals: facts.residence.country }, { fact: 'residence.departement', known: false });
  else when.push({ fact: 'residence', exists: false });
  if (features.refNetworks.length) when.push({ fact: 'frenchRefs', anyInNetworks: features.refNetworks });
  else when.push({ fact: 'frenchRefs', count: { max: 0 } });
  return when;
}

const idPart = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');

function uniqueId(base: string, table: RuleTable): string {
  const taken = new Set(table.rules.map((r) => r.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function placement(table: RuleTable, routerRuleId: string | null): { position: number; notes: string[] } {
  const notes: string[] = [];
  const floor = Math.max(0, ...KEEP_ABOVE.map((id) => table.rules.findIndex((r) => r.id === id) + 1));
  let position = routerRuleId === null ? -1 : table.rules.findIndex((r) => r.id === routerRuleId);
  if (position < 0) {
    // Not in the table any more (or an operator-only case): just above the catch-all.
    position = Math.max(floor, table.rules.length - 1);
    notes.push(`the rule that triaged the case (${routerRuleId ?? 'none'}) is not in the table in force: placed before the last rule`);
  }
  if (position < floor) {
    notes.push(`placed below ${KEEP_ABOVE.join(' and ')}: cases stopped there (${routerRuleId}) stay in triage`);
    position = floor;
  }
  return { position, notes };
}

export function proposeRule(input: ProposalInput): Proposal {
  const f = input.features;
  const where = input.facts.residence?.departement ?? input.facts.residence?.country ?? 'NORES';
  const rule: Rule = {
    id: uniqueId(idPart(`LEARNED-${f.bucType}-${f.senderCountry}-${where}`), input.table),
    description: `${f.bucType} from ${f.senderCountry}, ${f.refNetworks.length ? `references in ${f.refNetworks.join('/')}` : 'no French reference'}: forward to ${input.institutionId} (proposed from case ${input.caseId})`,
    when: conditionsFor(f, input.facts),
    then: { forward: { institutionId: input.institutionId } },
    source: `operator decision on case ${input.caseId} by ${input.decidedBy} on ${input.decidedAt.toISOString().slice(0, 10)}`,
  };
  const { position, notes } = placement(input.table, input.routerRuleId);
  const rules = [...input.table.rules.slice(0, position), rule, ...input.table.rules.slice(position)];
  const draft: RuleTable = { ...(input.table.description !== undefined && { description: input.table.description }), rules };
  const decision = evaluate({ ...input.facts, caseRoute: null }, draft, input.directory);
  if (decision.ruleId !== rule.id) notes.push(`the draft does not route case ${input.caseId} itself with the new rule (${decision.ruleId ?? 'no rule'} decides): check its place`);
  return {
    rule, position, insertBefore: input.table.rules[position]?.id ?? null, draft, notes,
    check: { outcome: decision.outcome, institutionId: decision.institutionId, ruleId: decision.ruleId },
  };
}
