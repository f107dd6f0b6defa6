/**
 * The request schemas of docs/openapi.yaml, compiled once per process with ajv (JSON Schema 2020-12, as OpenAPI
 * 3.1 says): one validator per operation that takes a JSON body. The document is the one source of what a body
 * may hold; web/ checks every body against it before a handler runs, and the services take typed commands.
 *
 * `$ref`s are resolved as the document writes them: `#/components/schemas/X` inside the document, and
 * `../schemas/<file>.json[#pointer]` to the JSON Schemas of schemas/ (added under their own `$id`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { AppError, type ErrorDetail } from '../shared/errors';
import { describeErrors, loadSchema } from './schemas';

/**
 * Where the document is: next to the compiled code in dist/ (`npm run build` copies it there), else in docs/ of the
 * project (running from src/ under ts-jest or tsx).
 */
export function openApiFile(): string {
  const beside = path.resolve(__dirname, '../openapi.yaml');
  return existsSync(beside) ? beside : path.resolve(__dirname, '../../docs/openapi.yaml');
}

const COMPONENTS_ID = 'https://eessi-liaison.cleiss.fr/openapi/components';
const SCHEMA_BASE = 'https://eessi-liaison.cleiss.fr/schemas/';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** OpenAPI's own keywords beside JSON Schema's (annotations: ajv checks nothing with them). */
const OPENAPI_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];

/** One operation that takes a JSON body: `POST /api/triage/{caseId}/assign`. */
export interface BodyOperation {
  method: string;
  /** The path as the document writes it (`{caseId}`). */
  path: string;
  /**
   * Set when the route reads and checks its body itself with the input's own schema and reader, because the
   * contract says what happens to a bad one (an envelope or a RINA event is quarantined, not refused): the value
   * says who checks it. The web validator leaves these alone.
   */
  ownValidation?: string;
}

type Json = unknown;

/** The document's refs rewritten to ids ajv knows (the components schema, the schemas/ files). */
/**
 * A property whose contents a domain checker owns (`x-checked-by`, e.g. a rule table: RTE_RULESET_INVALID with a
 * RULE_* code per problem, checked against the directory too) is checked here for its shape only (`x-shape`), so
 * that its problems reach the client in the checker's words, not as REQ_INVALID_BODY.
 */
function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const checkedBy = (node as Record<string, Json>)['x-checked-by'];
  if (typeof checkedBy === 'string') return rewriteRefs((node as Record<string, Json>)['x-shape'] ?? {});
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node as Record<string, Json>)) {
    if (k === '$ref' && typeof v === 'string') out[k] = refTarget(v);
    else if (k.startsWith('x-')) continue;
    else out[k] = rewriteRefs(v);
  }
  return out;
}

function refTarget(ref: string): string {
  if (ref.startsWith('#/components/schemas/')) return `${COMPONENTS_ID}#/$defs/${ref.slice('#/components/schemas/'.length)}`;
  const external = /^\.\.\/schemas\/([a-z0-9-]+\.schema\.json)(#.*)?$/.exec(ref);
  if (external) return `${SCHEMA_BASE}${external[1]}${external[2] ?? ''}`;
  throw new AppError('CFG_INVALID', `docs/openapi.yaml: the $ref "${ref}" is neither a component schema nor a file of schemas/.`);
}

/** The names of the component schemas `roots` refer to, directly or through other components. */
function reachableComponents(roots: Json[], components: Record<string, Json>): Set<string> {
  const found = new Set<string>();
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, Json>)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!found.has(name)) {
          found.add(name);
          visit(components[name]);
        }
      } else visit(v);
    }
  };
  roots.forEach(visit);
  return found;
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: Json }> };
  'x-own-validation'?: string;
}

let compilations = 0;

/** How many times the document was compiled in this process (a test proves it is once). */
export function openApiCompilations(): number {
  return compilations;
}

export class OpenApiRequests {
  private readonly validators = new Map<string, ValidateFunction>();
  /** Operations whose route checks its body with the input's own reader and schema (`x-own-validation`). */
  private readonly ownValidation = new Set<string>();
  /**
   * Operations whose body is a file of schemas/ (a new ticket): its problems read as its other readers (the AMQP
   * consumer) report them, an unexpected key at the object that holds it.
   */
  private readonly fileSchemas = new Set<string>();
  readonly operations: readonly BodyOperation[];

  constructor(file: string = openApiFile()) {
    compilations += 1;
    const doc = load(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, OpenApiOperation>>; components?: { schemas?: Record<string, Json> } };
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true, verbose: true });
    addFormats(ajv);
    ajv.addVocabulary(OPENAPI_KEYWORDS);
    for (const file of ['envelope.schema.json', 'sed.schema.json', 'ticket.schema.json', 'rina-event.schema.json', 'rule-table.schema.json']) ajv.addSchema(loadSchema(file));
    const operations: Array<BodyOperation & { schema: Json }> = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const method of HTTP_METHODS) {
        const op = item[method];
        const schema = op?.requestBody?.content?.['application/json']?.schema;
        if (!op || schema === undefined) continue;
        const own = op['x-own-validation'];
        operations.push({ method: method.toUpperCase(), path: p, schema, ...(own !== undefined && { ownValidation: own }) });
      }
    }
    for (const o of operations) if (o.ownValidation !== undefined) this.ownValidation.add(key(o.method, o.path));
    const checked = operations.filter((o) => o.ownValidation === undefined);
    // Only the components request bodies use (the response schemas are the larger part and are never checked here).
    const components = doc.components?.schemas ?? {};
    const used = reachableComponents(checked.map((o) => o.schema), components);
    ajv.addSchema({ $id: COMPONENTS_ID, $defs: Object.fromEntries([...used].map((n) => [n, rewriteRefs(components[n])])) });
    for (const o of checked) {
      this.validators.set(key(o.method, o.path), ajv.compile(rewriteRefs(o.schema) as object));
      if (isFileSchema(o.schema, components)) this.fileSchemas.add(key(o.method, o.path));
    }
    this.operations = Object.freeze(operations.map(({ schema: _schema, ...o }) => o));
  }

  /** Whether the document describes a JSON body for this operation. */
  has(method: string, openApiPath: string): boolean {
    return this.validators.has(key(method, openApiPath));
  }

  /**
   * Checks `body` against the operation's schema: REQ_INVALID_BODY (422) naming each wrong field by its JSON
   * pointer. An operation the document does not describe is a programming error (every route is documented).
   */
  checkBody(method: string, openApiPath: string, body: unknown): void {
    if (this.ownValidation.has(key(method, openApiPath))) return;
    const validate = this.validators.get(key(method, openApiPath));
    if (!validate) throw new AppError('INT_UNEXPECTED', `docs/openapi.yaml describes no JSON body for ${method.toUpperCase()} ${openApiPath}.`);
    if (validate(body)) return;
    const details: ErrorDetail[] = describeErrors(validate.errors).map((d) => (this.fileSchemas.has(key(method, openApiPath)) ? d : plainer(d)));
    throw new AppError('REQ_INVALID_BODY', headline(details), details);
  }
}

/** Whether a body schema is (through components) one file of schemas/. */
function isFileSchema(schema: Json, components: Record<string, Json>): boolean {
  const ref = (schema as { $ref?: unknown } | null)?.$ref;
  if (typeof ref !== 'string') return false;
  if (ref.startsWith('#/components/schemas/')) return isFileSchema(components[ref.slice('#/components/schemas/'.length)], components);
  return ref.startsWith('../schemas/') && !ref.includes('#');
}

/**
 * Problems said plainly: an unexpected key named where it is (`/colour`), not at the object that holds it; a
 * blank text "must not be blank" rather than the `\S` pattern; a nullable type "a string or null".
 */
function plainer(d: ErrorDetail): ErrorDetail {
  const m = /^has an unexpected key "(.*)"$/.exec(d.message);
  if (m) return { path: `${d.path === '/' ? '' : d.path}/${m[1]}`, message: 'is not a known key', code: 'additionalProperties', params: { additionalProperty: m[1] } };
  if (/ does not match \\S$/.test(d.message)) return { path: d.path, message: 'must not be blank', code: 'blank', params: {} };
  return { ...d, message: d.message.replace(/^must be (an? [a-z]+),null,/, 'must be $1 or null,') };
}

/**
 * The error's sentence, field by field: `note must be a string (got an object).`, `reason is required but missing.`
 * (the field named by its JSON pointer without the leading slash; `details` carries the pointers).
 */
function headline(details: ErrorDetail[]): string {
  const parts = details.slice(0, 5).map((d) => `${d.path === '/' ? 'the body' : d.path.slice(1)} ${d.message.replace(WRONG_TYPE, (_m, want: string, got: string) => `must be ${want} (got ${kindOfShown(got)})`)}`);
  const more = details.length > 5 ? `; and ${details.length - 5} more problem(s)` : '';
  return `${parts.join('; ')}${more}.`;
}

const WRONG_TYPE = /^must be (an? [a-z]+|a list|an object)(?:,null| or null)?, got (.*)$/;

/** What kind of JSON value describeErrors showed (`{"a":1}` → an object). */
function kindOfShown(shown: string): string {
  const c = shown[0];
  if (c === '{') return 'an object';
  if (c === '[') return 'an array';
  if (c === '"') return 'a string';
  if (shown === 'null') return 'null';
  if (shown === 'true' || shown === 'false') return 'a boolean';
  return 'a number';
}

function key(method: string, p: string): string {
  return `${method.toUpperCase()} ${p}`;
}

/** express's `/api/triage/:caseId/assign` as the document writes it: `/api/triage/{caseId}/assign`. */
export function openApiPathOf(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

let shared: OpenApiRequests | undefined;

/** The process's one compiled instance (start-up builds it; every router's body reader uses it). */
export function openApiRequests(): OpenApiRequests {
  shared ??= new OpenApiRequests();
  return shared;
}
