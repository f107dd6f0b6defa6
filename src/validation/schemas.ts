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

/** One plain sentence per schema error; anyOf noise is folded into the most specific message. */
export function describeErrors(errors: ErrorObject[] | null | undefined, root = ''): ErrorDetail[] {
  if (!errors) return [];
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  // anyOf alternatives produce one error per branch; keep the branch errors, not the summary, unless alone.
  const hasBranchErrors = new Set(errors.filter((e) => e.keyword !== 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword === 'anyOf' && hasBranchErrors.has(e.instancePath)) continue;
    const at = root + e.instancePath || '/';
    const p = e.params as Record<string, unknown>;
    let message: string;
    switch (e.keyword) {
      case 'required':
        out.push({ path: `${root}${e.instancePath}/${String(p.missingProperty)}`, message: `is required but missing` });
        continue;
      case 'type':
        message = `must be ${p.type === 'object' ? 'an object' : p.type === 'array' ? 'a list' : `a ${String(p.type)}`}, got ${show(e.data)}`;
        break;
      case 'pattern':
        message = `has an invalid format: ${show(e.data)} does not match ${String(p.pattern)}`;
        break;
      case 'format':
        message = p.format === 'date' ? `must be a date YYYY-MM-DD, got ${show(e.data)}`
          : p.format === 'date-time' ? `must be an RFC 3339 date-time with offset, got ${show(e.data)}`
          : `must be a valid ${String(p.format)}, got ${show(e.data)}`;
        break;
      case 'enum':
        message = `must be one of ${(p.allowedValues as unknown[]).map((v) => show(v)).join(', ')}, got ${show(e.data)}`;
        break;
      case 'maxProperties':
      case 'minProperties':
        message = `must have ${e.keyword === 'maxProperties' ? 'at most' : 'at least'} ${String(p.limit)} key(s), got ${Object.keys(e.data as object).join(', ') || 'none'}`;
        break;
      case 'propertyNames':
        continue; // reported by the pattern error on the name itself
      case 'if':
        continue; // reported by the errors of its `then` branch (what is missing or wrong there)
      case 'additionalProperties':
        message = `has an unexpected key "${String(p.additionalProperty)}"`;
        break;
      case 'maxLength':
      case 'minLength':
        message = `must be ${e.keyword === 'maxLength' ? 'at most' : 'at least'} ${String(p.limit)} characters long`;
        break;
      case 'maxItems':
        message = `must have at most ${String(p.limit)} item(s)`;
        break;
      default:
        message = e.message ?? 'is invalid';
    }
    if (e.propertyName !== undefined) message = `key "${e.propertyName}" ${message}`;
    const key = `${at}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: at, message });
  }
  return out;
}
