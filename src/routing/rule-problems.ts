/**
 * The problems of a rule table, each with its JSON path, a stable problem code and its parameters (issue #20: the
 * console says them in its own languages, next to the field the path points at) and an English sentence for
 * machines and logs. Codes are never renamed or reused: the console's catalogue (`ruleProblem.<CODE>`) follows them.
 */
import type { ErrorObject } from 'ajv/dist/2020';
import type { ErrorDetail } from '../shared/errors';
import { FACT_NAMES, OPERATORS } from './rule-vocabulary';

export const RULE_PROBLEM_CODES = [
  'RULE_UNKNOWN_FACT', 'RULE_VALUE_NOT_ALLOWED', 'RULE_UNKNOWN_OPERATOR', 'RULE_UNKNOWN_FIELD', 'RULE_UNKNOWN_FORWARD',
  'RULE_UNKNOWN_TARGET', 'RULE_OPERATOR_NOT_FOR_FACT', 'RULE_CONDITION_SHAPE', 'RULE_FORWARD_SHAPE', 'RULE_TARGET_SHAPE',
  'RULE_EMPTY', 'RULE_TOO_MANY_FIELDS', 'RULE_MISSING', 'RULE_NOT_A_DATE', 'RULE_BAD_ID', 'RULE_BAD_FORM', 'RULE_WRONG_TYPE',
  'RULE_MUST_BE', 'RULE_TOO_MANY_ITEMS', 'RULE_TOO_FEW_ITEMS', 'RULE_SCHEMA', 'RULE_ID_TAKEN', 'RULE_DATES_REVERSED', 'RULE_COUNT_NEVER_HOLDS',
  'RULE_UNKNOWN_NETWORK', 'RULE_UNKNOWN_INSTITUTION',
] as const;
export type RuleProblemCode = (typeof RULE_PROBLEM_CODES)[number];

export type ProblemParams = Record<string, string | number>;

export const problem = (path: string, code: RuleProblemCode, params: ProblemParams, message: string): ErrorDetail => ({ path, message, code, params });

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

function describeEnum(e: ErrorObject, at: string, value: unknown): ErrorDetail | null {
  if (/\/when\/\d+(\/anyOf\/\d+)*\/fact$/.test(e.instancePath) && !e.schemaPath.includes('propertyNames')) {
    return problem(at, 'RULE_UNKNOWN_FACT', { value: show(value) }, `unknown fact ${show(value)}; known facts: ${FACT_NAMES.join(', ')}`);
  }
  if (e.schemaPath.includes('propertyNames')) return null; // reported as 'propertyNames'
  const allowed = (e.params.allowedValues as unknown[]).map(show).join(', ');
  return problem(at, 'RULE_VALUE_NOT_ALLOWED', { value: show(value), allowed }, `${show(value)} is not one of ${allowed}`);
}

function describeUnknownProperty(e: ErrorObject, at: string, place: Place): ErrorDetail {
  const name = String(e.params.additionalProperty);
  if (place === 'condition') return problem(at, 'RULE_UNKNOWN_OPERATOR', { name }, `unknown operator "${name}"; operators: ${OPERATORS.join(', ')}`);
  if (place === 'forward') return problem(at, 'RULE_UNKNOWN_FORWARD', { name }, `unknown forward target "${name}"`);
  if (place === 'target') return problem(at, 'RULE_UNKNOWN_TARGET', { name }, `unknown target "${name}"`);
  return problem(at, 'RULE_UNKNOWN_FIELD', { name }, `unknown field "${name}"`);
}

function describeShape(e: ErrorObject, at: string, place: Place): ErrorDetail {
  if (place === 'condition') return problem(at, 'RULE_CONDITION_SHAPE', {}, 'a condition names one fact and exactly one operator, e.g. {"fact": "sector", "in": ["S", "AW"]}');
  if (place === 'forward') return problem(at, 'RULE_FORWARD_SHAPE', {}, 'forward needs exactly one of institutionId, territoryFund, reference, caseRoute');
  if (place === 'target') return problem(at, 'RULE_TARGET_SHAPE', {}, 'then needs exactly one of forward or triage');
  return e.keyword === 'minProperties' ? problem(at, 'RULE_EMPTY', {}, 'must not be empty') : problem(at, 'RULE_TOO_MANY_FIELDS', {}, 'has too many fields');
}

function describePattern(e: ErrorObject, at: string, value: unknown): ErrorDetail {
  if (e.instancePath.endsWith('/id')) return problem(at, 'RULE_BAD_ID', { value: show(value) }, `${show(value)} is not a rule id (capitals, digits and dashes, e.g. SA-RESIDENCE)`);
  const pattern = String(e.params.pattern);
  return problem(at, 'RULE_BAD_FORM', { value: show(value), pattern }, `${show(value)} does not have the expected form (${pattern})`);
}

/** One problem per schema error, or null for errors that only repeat another one. */
export function describeSchemaError(e: ErrorObject, data: unknown): ErrorDetail | null {
  const at = e.instancePath || '/';
  const value = valueAt(data, e.instancePath);
  const place = placeOf(e.instancePath);
  switch (e.keyword) {
    case 'if':
      return null; // the branch's own errors say what is wrong
    case 'enum':
      return describeEnum(e, at, value);
    case 'additionalProperties':
      return describeUnknownProperty(e, at, place);
    case 'propertyNames': {
      const name = String(e.params.propertyName);
      if (!(OPERATORS as readonly string[]).includes(name) && name !== 'fact') return null; // already "unknown operator"
      const fact = show((value as { fact?: unknown } | undefined)?.fact);
      return problem(at, 'RULE_OPERATOR_NOT_FOR_FACT', { operator: name, fact }, `operator "${name}" does not apply to fact ${fact}`);
    }
    case 'minProperties':
    case 'maxProperties':
      return describeShape(e, at, place);
    case 'required': {
      const name = String(e.params.missingProperty);
      return problem(at, 'RULE_MISSING', { name }, `missing "${name}"`);
    }
    case 'format':
      return problem(at, 'RULE_NOT_A_DATE', { value: show(value) }, `${show(value)} is not a calendar date YYYY-MM-DD`);
    case 'pattern':
      return describePattern(e, at, value);
    case 'type': {
      const expected = String(e.params.type);
      return problem(at, 'RULE_WRONG_TYPE', { expected, value: show(value) }, `must be ${expected.split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ')}, got ${show(value)}`);
    }
    case 'const':
      return problem(at, 'RULE_MUST_BE', { value: show(e.params.allowedValue) }, `must be ${show(e.params.allowedValue)}`);
    case 'maxItems': {
      const count = Array.isArray(value) ? value.length : 'too many';
      return problem(at, 'RULE_TOO_MANY_ITEMS', { count, limit: Number(e.params.limit) }, `holds ${count} items; at most ${String(e.params.limit)} are allowed`);
    }
    case 'minItems':
      return problem(at, 'RULE_TOO_FEW_ITEMS', { limit: Number(e.params.limit) }, `needs at least ${String(e.params.limit)} item(s)`);
    default:
      return problem(at, 'RULE_SCHEMA', { keyword: e.keyword }, e.message ?? `fails ${e.keyword}`);
  }
}
