/**
 * The rule table as data (config/rules.json by default, then operator-edited versions in the database).
 * It is checked against schemas/rule-table.schema.json, then for what a schema cannot say (unique ids, date
 * order, targets that exist in the directory). Every problem is reported with its JSON path, in plain words.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { AppError, type ErrorDetail } from '../shared/errors';
import type { Directory, FundKind } from './directory';

export const TEXT_FACTS = [
  'bucType', 'sector', 'sedType', 'senderCountry', 'caseRoute', 'frenchPin',
  'person.birthDate', 'person.sex', 'residence.country', 'residence.postalCode', 'residence.departement',
] as const;
export const BOOLEAN_FACTS = ['nirValid', 'nirMatchesBirth'] as const;
export const PRESENCE_FACTS = ['person', 'residence'] as const;
export const LIST_FACTS = ['frenchRefs'] as const;
export const FACT_NAMES = [...TEXT_FACTS, ...BOOLEAN_FACTS, ...PRESENCE_FACTS, ...LIST_FACTS] as const;
export type FactName = (typeof FACT_NAMES)[number];

export const OPERATORS = ['equals', 'in', 'notIn', 'exists', 'known', 'anyInNetworks', 'exactlyOneInNetworks', 'count'] as const;

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

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

const TYPE_WORDS: Record<string, string> = { array: 'a list', object: 'an object', string: 'a text', boolean: 'true or false', integer: 'a whole number' };

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? 'nothing');

type Place = 'condition' | 'forward' | 'target' | 'rule' | 'table';

/** What part of a table a JSON pointer designates (ajv's schemaPath is relative to $refs, the instance path is not). */
function placeOf(pointer: string): Place {
  if (/\/when\/\d+(\/anyOf\/\d+)*$/.test(pointer)) return 'condition';
  if (/\/then\/forward$/.test(pointer)) return 'forward';
  if (/\/then$/.test(pointer)) return 'target';
  if (/^\/rules\/\d+$/.test(pointer)) return 'rule';
  return 'table';
}

/** One plain sentence per schema error, or null for errors that only repeat another one. */
function describe(e: ErrorObject, data: unknown): ErrorDetail | null {
  const at = e.instancePath || '/';
  const value = valueAt(data, e.instancePath);
  const place = placeOf(e.instancePath);
  const inCondition = place === 'condition';
  switch (e.keyword) {
    case 'if':
      return null; // the branch's own errors say what is wrong
    case 'enum':
      if (/\/when\/\d+(\/anyOf\/\d+)*\/fact$/.test(e.instancePath) && !e.schemaPath.includes('propertyNames')) {
        return { path: at, message: `unknown fact ${show(value)}; known facts: ${FACT_NAMES.join(', ')}` };
      }
      if (e.schemaPath.includes('propertyNames')) return null; // reported as 'propertyNames' below
      return { path: at, message: `${show(value)} is not one of ${(e.params.allowedValues as unknown[]).map(show).join(', ')}` };
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      if (inCondition) return { path: at, message: `unknown operator "${name}"; operators: ${OPERATORS.join(', ')}` };
      const kind = place === 'forward' ? 'forward target' : place === 'target' ? 'target' : 'field';
      return { path: at, message: `unknown ${kind} "${name}"` };
    }
    case 'propertyNames': {
      const name = String(e.params.propertyName);
      if (!(OPERATORS as readonly string[]).includes(name) && name !== 'fact') return null; // already "unknown operator"
      const fact = (value as { fact?: unknown } | undefined)?.fact;
      return { path: at, message: `operator "${name}" does not apply to fact ${show(fact)}` };
    }
    case 'minProperties':
    case 'maxProperties':
      if (inCondition) return { path: at, message: 'a condition names one fact and exactly one operator, e.g. {"fact": "sector", "in": ["S", "AW"]}' };
      if (place === 'forward') return { path: at, message: 'forward needs exactly one of institutionId, territoryFund, reference, caseRoute' };
      if (place === 'target') return { path: at, message: 'then needs exactly one of forward or triage' };
      return { path: at, message: e.keyword === 'minProperties' ? 'must not be empty' : 'has too many fields' };
    case 'required':
      return { path: at, message: `missing "${String(e.params.missingProperty)}"` };
    case 'format':
      return { path: at, message: `${show(value)} is not a calendar date YYYY-MM-DD` };
    case 'pattern':
      if (e.instancePath.endsWith('/id')) return { path: at, message: `${show(value)} is not a rule id (capitals, digits and dashes, e.g. SA-RESIDENCE)` };
      return { path: at, message: `${show(value)} does not have the expected form (${String(e.params.pattern)})` };
    case 'type':
      return { path: at, message: `must be ${String(e.params.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ')}, got ${show(value)}` };
    case 'const':
      return { path: at, message: `must be ${show(e.params.allowedValue)}` };
    case 'maxItems':
      return { path: at, message: `holds ${Array.isArray(value) ? value.length : 'too many'} items; at most ${String(e.params.limit)} are allowed` };
    default:
      return { path: at, message: e.message ?? `fails ${e.keyword}` };
  }
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
    for (const n of list ?? []) if (networks && !networks.has(n)) errors.push({ path: p, message: `no institution of the directory is in network "${n}"` });
  };
  const seen = new Map<string, number>();
  table.rules.forEach((rule, i) => {
    const p = `/rules/${i}`;
    if (seen.has(rule.id)) errors.push({ path: `${p}/id`, message: `rule id "${rule.id}" is already used by /rules/${seen.get(rule.id)}` });
    else seen.set(rule.id, i);
    if (rule.validFrom && rule.validTo && rule.validFrom > rule.validTo) errors.push({ path: `${p}/validTo`, message: `ends (${rule.validTo}) before it starts (${rule.validFrom})` });
    eachCondition(rule.when, `${p}/when`, (c, cp) => {
      if (c.count?.min !== undefined && c.count.max !== undefined && c.count.min > c.count.max) errors.push({ path: `${cp}/count`, message: `min ${c.count.min} is above max ${c.count.max}: the condition can never hold` });
      checkNetworks(c.anyInNetworks ?? c.exactlyOneInNetworks, `${cp}`);
    });
    const forward = 'forward' in rule.then ? rule.then.forward : null;
    if (forward && 'institutionId' in forward && directory && !directory.institution(forward.institutionId)) {
      errors.push({ path: `${p}/then/forward/institutionId`, message: `${forward.institutionId} is not in the institution directory` });
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
    const errors = (validate.errors ?? []).map((e) => describe(e, json)).filter((d): d is ErrorDetail => d !== null);
    const unique = errors.filter((d, i) => errors.findIndex((o) => o.path === d.path && o.message === d.message) === i);
    return { valid: false, errors: unique.length > 0 ? unique : [{ path: '/', message: 'does not match the rule table schema' }] };
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
