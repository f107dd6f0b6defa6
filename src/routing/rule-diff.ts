/**
 * What changed between two rule-table versions: rules added, removed, changed (field by field) and reordered.
 * Pure. "Reordered" lists only the rules that really moved: the rules both versions share keep their relative
 * order along the longest common subsequence, and the others are the ones that moved (moving one rule up by five
 * places reports that rule, not the five it jumped over).
 */
import { stableStringify } from '../shared/json';
import type { Rule, RuleTable } from './rule-table';

const RULE_FIELDS = ['description', 'enabled', 'validFrom', 'validTo', 'when', 'then', 'source'] as const;
type RuleField = (typeof RULE_FIELDS)[number];

export interface RuleFieldChange {
  field: RuleField;
  before: unknown;
  after: unknown;
}

export interface RuleTableDiff {
  added: Array<{ position: number; rule: Rule }>;
  removed: Array<{ position: number; rule: Rule }>;
  changed: Array<{ ruleId: string; changes: RuleFieldChange[] }>;
  reordered: Array<{ ruleId: string; from: number; to: number }>;
  /** True when nothing differs. */
  same: boolean;
}

/** Ids of `a` that are on a longest common subsequence of `a` and `b`. */
function stayingInOrder(a: string[], b: string[]): Set<string> {
  const n = a.length;
  const m = b.length;
  const len: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) len[i][j] = a[i] === b[j] ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) {
      kept.add(a[i]);
      i += 1;
      j += 1;
    } else if (len[i + 1][j] >= len[i][j + 1]) i += 1;
    else j += 1;
  }
  return kept;
}

function fieldChanges(before: Rule, after: Rule): RuleFieldChange[] {
  return RULE_FIELDS
    .filter((f) => stableStringify(before[f] ?? null) !== stableStringify(after[f] ?? null))
    .map((f) => ({ field: f, before: before[f] ?? null, after: after[f] ?? null }));
}

export function diffRuleTables(from: RuleTable, to: RuleTable): RuleTableDiff {
  const fromIndex = new Map(from.rules.map((r, i) => [r.id, i]));
  const toIndex = new Map(to.rules.map((r, i) => [r.id, i]));
  const added = to.rules.flatMap((rule, position) => (fromIndex.has(rule.id) ? [] : [{ position, rule }]));
  const removed = from.rules.flatMap((rule, position) => (toIndex.has(rule.id) ? [] : [{ position, rule }]));
  const changed = to.rules
    .filter((r) => fromIndex.has(r.id))
    .map((r) => ({ ruleId: r.id, changes: fieldChanges(from.rules[fromIndex.get(r.id)!], r) }))
    .filter((c) => c.changes.length > 0);
  const commonFrom = from.rules.map((r) => r.id).filter((id) => toIndex.has(id));
  const commonTo = to.rules.map((r) => r.id).filter((id) => fromIndex.has(id));
  const kept = stayingInOrder(commonFrom, commonTo);
  const reordered = commonTo.filter((id) => !kept.has(id)).map((id) => ({ ruleId: id, from: fromIndex.get(id)!, to: toIndex.get(id)! }));
  return { added, removed, changed, reordered, same: !added.length && !removed.length && !changed.length && !reordered.length };
}
