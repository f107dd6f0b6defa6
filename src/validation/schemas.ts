/** ajv (JSON Schema 2020-12) compiled once from schemas/, with errors in words an operator understands. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ErrorDetail } from '../shared/errors';

/** schemas/ sits at the project root, two levels above both src/validation and dist/validation. */
export const SCHEMAS_DIR = path.resolve(__dirname, '../../schemas');

let ajv: Ajv2020 | undefined;

function instance(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true, verbose: true });
    addFormats(ajv);
  }
  return ajv;
}

export function loadSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')) as Record<string, unknown>;
}

const compiled = new Map<string, ValidateFunction>();

/** The validator of one schema file of schemas/, compiled once (schemas it $refs are added first). */
export function validatorFor(file: string, refs: string[] = []): ValidateFunction {
  const key = file;
  const v = compiled.get(key);
  if (!v) {
    const a = instance();
    for (const ref of refs) {
      const s = loadSchema(ref);
      if (!a.getSchema(String(s.$id))) a.addSchema(s);
    }
    const schema = loadSchema(file);
    const known = schema.$id ? a.getSchema(String(schema.$id)) : undefined;
    const fn: ValidateFunction = known ?? a.compile(schema);
    compiled.set(key, fn);
    return fn;
  }
  return v;
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? 'nothing' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A detail's parameter: text and numbers only, so every catalogue can put it in a sentence. */
function param(value: unknown): string | number {
  return typeof value === 'number' ? value : typeof value === 'string' ? value : show(value);
}

/** The English sentence (for machines and logs) and the parameters of one schema error; null when it adds nothing. */
function explain(e: ErrorObject): { message: string; params: Record<string, string | number> } | null {
  const p = e.params as Record<string, unknown>;
  const value = show(e.data);
  switch (e.keyword) {
    case 'type':
      return { message: `must be ${p.type === 'object' ? 'an object' : p.type === 'array' ? 'a list' : `a ${String(p.type)}`}, got ${value}`, params: { type: String(p.type), value } };
    case 'pattern':
      return { message: `has an invalid format: ${value} does not match ${String(p.pattern)}`, params: { pattern: String(p.pattern), value } };
    case 'format': {
      const message = p.format === 'date' ? `must be a date YYYY-MM-DD, got ${value}`
        : p.format === 'date-time' ? `must be an RFC 3339 date-time with offset, got ${value}`
        : `must be a valid ${String(p.format)}, got ${value}`;
      return { message, params: { format: String(p.format), value } };
    }
    case 'enum': {
      const allowedValues = (p.allowedValues as unknown[]).map((v) => show(v)).join(', ');
      return { message: `must be one of ${allowedValues}, got ${value}`, params: { allowedValues, value } };
    }
    case 'maxProperties':
    case 'minProperties': {
      const keys = Object.keys(e.data as object).join(', ');
      return { message: `must have ${e.keyword === 'maxProperties' ? 'at most' : 'at least'} ${String(p.limit)} key(s), got ${keys || 'none'}`, params: { limit: param(p.limit), keys } };
    }
    case 'propertyNames':
      return null; // reported by the pattern error on the name itself
    case 'if':
      return null; // reported by the errors of its `then` branch (what is missing or wrong there)
    case 'additionalProperties':
      return { message: `has an unexpected key "${String(p.additionalProperty)}"`, params: { additionalProperty: String(p.additionalProperty) } };
    case 'maxLength':
    case 'minLength':
      return { message: `must be ${e.keyword === 'maxLength' ? 'at most' : 'at least'} ${String(p.limit)} characters long`, params: { limit: param(p.limit) } };
    case 'maxItems':
      return { message: `must have at most ${String(p.limit)} item(s)`, params: { limit: param(p.limit) } };
    default:
      return { message: e.message ?? 'is invalid', params: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, param(v)])) };
  }
}

/**
 * One plain sentence per schema error; anyOf noise is folded into the most specific message. Each detail also
 * carries `code` (the JSON Schema keyword: `required`, `type`, `enum`…) and `params`, from which the console
 * writes the problem in its own languages (issue #20); the English `message` stays for machines.
 */
export function describeErrors(errors: ErrorObject[] | null | undefined, root = ''): ErrorDetail[] {
  if (!errors) return [];
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  // anyOf alternatives produce one error per branch; keep the branch errors, not the summary, unless alone.
  const hasBranchErrors = new Set(errors.filter((e) => e.keyword !== 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword === 'anyOf' && hasBranchErrors.has(e.instancePath)) continue;
    if (e.keyword === 'required') {
      const missingProperty = String((e.params as { missingProperty: unknown }).missingProperty);
      out.push({ path: `${root}${e.instancePath}/${missingProperty}`, message: 'is required but missing', code: 'required', params: { missingProperty } });
      continue;
    }
    const explained = explain(e);
    if (!explained) continue;
    const at = root + e.instancePath || '/';
    const message = e.propertyName === undefined ? explained.message : `key "${e.propertyName}" ${explained.message}`;
    const params = e.propertyName === undefined ? explained.params : { ...explained.params, propertyName: e.propertyName };
    const key = `${at}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: at, message, code: e.keyword, params });
  }
  return out;
}
