/**
 * A rule's conditions and target as the condition form shows them. The facts, their operators and values come from
 * the service (GET /api/rules/facts): nothing here knows the engine's facts. A rule the form cannot show (an "any of"
 * condition, an operator the fact does not take, a field it does not know) is said so and stays in JSON.
 */
import type { Schemas } from '../../api/client';
import type { Rule } from './draft-store';

export type RuleFacts = Schemas['RuleFacts'];
export type FactInfo = Schemas['RuleFact'];
/** One fact condition as plain data: `fact` and exactly one operator. */
export type FactCondition = { fact: string } & Record<string, unknown>;
export type CountValue = { min?: number; max?: number };

export const conditionsOf = (rule: Rule): FactCondition[] => rule.when as unknown as FactCondition[];

export const withConditions = (rule: Rule, when: FactCondition[]): Rule => ({ ...rule, when: when as unknown as Rule['when'] });

/** The operator of a condition (its one key besides `fact`), or null when it has none or several. */
export function operatorOf(c: FactCondition): string | null {
  const keys = Object.keys(c).filter((k) => k !== 'fact');
  return keys.length === 1 ? keys[0]! : null;
}

/** The value a new operator starts with: an empty list, yes, at least one reference, or an empty text. */
export function startValue(fact: FactInfo, operator: string): unknown {
  if (operator === 'exists' || operator === 'known') return true;
  if (operator === 'in' || operator === 'notIn' || operator === 'anyInNetworks' || operator === 'exactlyOneInNetworks') return [];
  if (operator === 'count') return { min: 1 };
  return fact.kind === 'boolean' ? true : '';
}

export function newCondition(fact: FactInfo, operator = fact.operators[0]!): FactCondition {
  return { fact: fact.name, [operator]: startValue(fact, operator) };
}

const TARGET_SHAPES: Record<string, (v: unknown) => boolean> = {
  institutionId: (v) => typeof v === 'string',
  territoryFund: (v) => typeof v === 'string',
  reference: (v) => typeof v === 'object' && v !== null && Object.keys(v).every((k) => k === 'networks'),
  caseRoute: (v) => v === true,
};

function targetShown(then: Rule['then']): boolean {
  const keys = Object.keys(then ?? {});
  if (keys.length !== 1) return false;
  if (then.triage) return typeof then.triage.reason === 'string' && Object.keys(then.triage).length === 1;
  const forward = then.forward as Record<string, unknown> | undefined;
  const fk = Object.keys(forward ?? {});
  return forward !== undefined && fk.length === 1 && TARGET_SHAPES[fk[0]!]?.(forward[fk[0]!]) === true;
}

const RULE_FIELDS = new Set(['id', 'description', 'enabled', 'validFrom', 'validTo', 'shadowUntil', 'when', 'then', 'source']);

/** Why the form cannot show this rule (then it stays JSON), or null when it can. */
export function formCannotShow(rule: Rule, facts: RuleFacts): 'anyOf' | 'operator' | 'target' | 'field' | null {
  if (typeof rule !== 'object' || rule === null || Object.keys(rule).some((k) => !RULE_FIELDS.has(k))) return 'field';
  if (!Array.isArray(rule.when)) return 'field';
  for (const c of conditionsOf(rule)) {
    if (typeof c !== 'object' || c === null) return 'field';
    if ('anyOf' in c) return 'anyOf';
    const fact = facts.facts.find((f) => f.name === c.fact);
    const op = operatorOf(c);
    if (!fact || op === null || !(fact.operators as string[]).includes(op)) return 'operator';
  }
  return targetShown(rule.then) ? null : 'target';
}

/** The problems of the service whose path is at or under `prefix` (`/when/2`, `/then`, `/id`). */
export function problemsUnder<T extends { path: string }>(problems: readonly T[] | undefined, prefix: string): T[] {
  return (problems ?? []).filter((p) => p.path === prefix || p.path.startsWith(`${prefix}/`));
}
