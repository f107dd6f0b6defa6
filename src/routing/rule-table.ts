/**
 * The rule table as data (config/rules.json by default, then operator-edited versions in the database).
 * It is checked against schemas/rule-table.schema.json, then for what a schema cannot say (unique ids, date
 * order, targets that exist in the directory). Every problem is reported with its JSON path, in plain words.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { AppError, type ErrorDetail } from '../shared/errors';
import type { Directory, FundKind } from './directory';
import { problem, describeSchemaError } from './rule-problems';
import type { FactName } from './rule-vocabulary';

export { FACT_NAMES, OPERATORS, type FactName } from './rule-vocabulary';

/** One fact and exactly one operator (the schema guarantees the pairing). */
export interface FactCondition {
  fact: FactName;
  equals?: string | boolean;
  in?: string[];
  notIn?: string[];
  /** `exists` and `known` mean the same (the fact is not null); the trace words them differently. */
  exists?: boolean;
  known?: boolean;
  anyInNetworks?: string[];
  exactlyOneInNetworks?: string[];
  count?: { min?: number; max?: number };
}

export interface AnyOfCondition {
  anyOf: Condition[];
}

export type Condition = FactCondition | AnyOfCondition;

export type ForwardTarget =
  | { institutionId: string }
  | { territoryFund: FundKind }
  | { reference: { networks?: string[] } }
  | { caseRoute: true };

export type RuleTarget = { forward: ForwardTarget } | { triage: { reason: string } };

export interface Rule {
  id: string;
  description?: string;
  /** Default true. */
  enabled?: boolean;
  /** Calendar dates, inclusive, judged on the Europe/Paris date of legalDeliveryAt. */
  validFrom?: string;
  validTo?: string;
  /** In shadow up to this calendar date, inclusive: the rule decides nothing, the trace says what it would have. */
  shadowUntil?: string;
  when: Condition[];
  then: RuleTarget;
  source?: string;
}

export interface RuleTable {
  description?: string;
  rules: Rule[];
}

export interface RuleTableCheck {
  valid: boolean;
  errors: ErrorDetail[];
}

/** schemas/ sits at the project root, two levels above both src/routing and dist/routing. */
const SCHEMA_FILE = path.resolve(__dirname, '../../schemas/rule-table.schema.json');

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  return compiled;
}

function eachCondition(conditions: Condition[], pathPrefix: string, visit: (c: FactCondition, path: string) => void): void {
  conditions.forEach((c, i) => {
    const p = `${pathPrefix}/${i}`;
    if ('anyOf' in c) eachCondition(c.anyOf, `${p}/anyOf`, visit);
    else visit(c, p);
  });
}

/** What the schema cannot say: unique ids, dates in order, count bounds, targets and networks in the directory. */
function semanticErrors(table: RuleTable, directory?: Directory): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const networks = directory ? new Set(directory.institutions.flatMap((r) => r.networks)) : null;
  const checkNetworks = (list: string[] | undefined, p: string): void => {
    for (const n of list ?? []) if (networks && !networks.has(n)) errors.push(problem(p, 'RULE_UNKNOWN_NETWORK', { network: n }, `no institution of the directory is in network "${n}"`));
  };
  const seen = new Map<string, number>();
  table.rules.forEach((rule, i) => {
    const p = `/rules/${i}`;
    if (seen.has(rule.id)) errors.push(problem(`${p}/id`, 'RULE_ID_TAKEN', { id: rule.id, position: seen.get(rule.id)! + 1 }, `rule id "${rule.id}" is already used by /rules/${seen.get(rule.id)}`));
    else seen.set(rule.id, i);
    if (rule.validFrom && rule.validTo && rule.validFrom > rule.validTo) errors.push(problem(`${p}/validTo`, 'RULE_DATES_REVERSED', { from: rule.validFrom, to: rule.validTo }, `ends (${rule.validTo}) before it starts (${rule.validFrom})`));
    eachCondition(rule.when, `${p}/when`, (c, cp) => {
      if (c.count?.min !== undefined && c.count.max !== undefined && c.count.min > c.count.max) errors.push(problem(`${cp}/count`, 'RULE_COUNT_NEVER_HOLDS', { min: c.count.min, max: c.count.max }, `min ${c.count.min} is above max ${c.count.max}: the condition can never hold`));
      checkNetworks(c.anyInNetworks ?? c.exactlyOneInNetworks, `${cp}`);
    });
    const forward = 'forward' in rule.then ? rule.then.forward : null;
    if (forward && 'institutionId' in forward && directory && !directory.institution(forward.institutionId)) {
      errors.push(problem(`${p}/then/forward/institutionId`, 'RULE_UNKNOWN_INSTITUTION', { institutionId: forward.institutionId }, `${forward.institutionId} is not in the institution directory`));
    }
    if (forward && 'reference' in forward) checkNetworks(forward.reference.networks, `${p}/then/forward/reference/networks`);
  });
  return errors;
}

/**
 * Checks a rule table (parsed JSON). With a directory, fixed targets and network names are checked against it too.
 * Never throws.
 */
export function validateRuleTable(json: unknown, directory?: Directory): RuleTableCheck {
  const validate = schemaValidator();
  if (!validate(json)) {
    const errors = (validate.errors ?? []).map((e) => describeSchemaError(e, json)).filter((d): d is ErrorDetail => d !== null);
    const unique = errors.filter((d, i) => errors.findIndex((o) => o.path === d.path && o.message === d.message) === i);
    return { valid: false, errors: unique.length > 0 ? unique : [problem('/', 'RULE_SCHEMA', { keyword: 'schema' }, 'does not match the rule table schema')] };
  }
  const errors = semanticErrors(json as RuleTable, directory);
  return { valid: errors.length === 0, errors };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** A checked, frozen copy of the table; throws RTE_RULESET_INVALID with every problem in `details`. */
export function loadRuleTable(json: unknown, directory?: Directory): RuleTable {
  const check = validateRuleTable(json, directory);
  if (!check.valid) {
    const first = check.errors[0];
    throw new AppError('RTE_RULESET_INVALID', `The rule table is invalid: ${check.errors.length} problem(s), first at ${first.path}: ${first.message}.`, check.errors);
  }
  return deepFreeze(structuredClone(json) as RuleTable);
}
