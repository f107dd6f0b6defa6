/**
 * docs/openapi.yaml stays in step with the code:
 * - every route the routers of src/web register is documented, and nothing else is (method + path);
 * - each operation's `security` names the roles its requireRole guard lets through;
 * - every error code the document mentions is in the catalogue (src/shared/errors.ts), with the status it is
 *   listed under;
 * - every `$ref` resolves (files under schemas/ and pointers inside them, and the document's own components).
 *
 * The routes are read from the express Router stacks: each router factory is called with empty stub dependencies
 * (factories only register handlers; nothing is invoked). A new *-router.ts file must be added to FACTORIES below.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Router } from 'express';
import { load } from 'js-yaml';
import { ROLES, type Role } from '../../src/access/access';
import { ERRORS, isAppError } from '../../src/shared/errors';
import { accessRouter } from '../../src/web/access-router';
import { adminRouter } from '../../src/web/admin-router';
import { requireRole } from '../../src/web/auth';
import { casesRouter } from '../../src/web/cases-router';
import { healthRouter } from '../../src/web/health-router';
import { helpdeskRouter } from '../../src/web/helpdesk-router';
import { intakeRouter } from '../../src/web/intake-router';
import { learningRouter } from '../../src/web/learning-router';
import { catalogueRouter } from '../../src/web/catalogue-router';
import { reportsRouter } from '../../src/web/reports-router';
import { routingRouter } from '../../src/web/routing-router';
import { x007Router } from '../../src/web/x007-router';
import { rinaRouter } from '../../src/web/rina-router';

const ROOT = path.resolve(__dirname, '../..');
const DOC_PATH = path.join(ROOT, 'docs/openapi.yaml');
const DOC_DIR = path.dirname(DOC_PATH);
const SCHEMAS_DIR = path.join(ROOT, 'schemas');
const WEB_DIR = path.join(ROOT, 'src/web');

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A dependency the factory stores but never calls while registering routes. */
function stub<T>(): T {
  return {} as T;
}

const FACTORIES: Record<string, () => Router> = {
  healthRouter: () => healthRouter([], stub(), () => false),
  accessRouter: () => accessRouter(stub(), false),
  adminRouter: () => adminRouter(stub()),
  intakeRouter: () => intakeRouter(stub(), stub(), stub()),
  routingRouter: () => routingRouter(stub()),
  casesRouter: () => casesRouter(stub()),
  helpdeskRouter: () => helpdeskRouter(stub()),
  learningRouter: () => learningRouter(stub()),
  catalogueRouter: () => catalogueRouter(stub()),
  reportsRouter: () => reportsRouter(stub()),
  x007Router: () => x007Router(stub()),
  rinaRouter: () => rinaRouter(stub(), stub()),
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Handler = (req: unknown, res: unknown, next: () => void) => unknown;

interface RouteLayer {
  route?: { path: unknown; methods: Record<string, boolean>; stack: Array<{ handle: Handler }> };
}

/** Who a route lets in: nobody needs credentials, any authenticated caller, or one of these roles. */
type Access = { kind: 'public' } | { kind: 'any' } | { kind: 'roles'; roles: Role[] };

function describeAccess(a: Access): string {
  return a.kind === 'roles' ? a.roles.join(', ') : a.kind;
}

interface CodeRoute {
  key: string;
  router: string;
  access: Access;
}

const GUARD_SOURCE = requireRole('any').toString();

function lets(guard: Handler, roles: Role[]): boolean {
  let passed = false;
  try {
    guard({ principal: { kind: 'token', id: 'openapi-test', roles: new Set(roles) } }, {}, () => {
      passed = true;
    });
  } catch (e) {
    if (isAppError(e) && e.code === 'AUTH_FORBIDDEN') return false;
    throw e;
  }
  return passed;
}

/** The roles the requireRole guards of a route let through, found by calling them with one-role principals. */
function accessOf(handlers: Handler[]): Access {
  const guards = handlers.filter((h) => h.toString() === GUARD_SOURCE);
  if (guards.length === 0) return { kind: 'public' };
  if (guards.every((g) => lets(g, []))) return { kind: 'any' };
  return { kind: 'roles', roles: ROLES.filter((r) => guards.every((g) => lets(g, [r]))) };
}

/** `/api/tickets/:id/actions` → `/api/tickets/{id}/actions`; anything fancier must be documented by hand first. */
function openApiPath(expressPath: string, where: string): string {
  if (/[*?(){}]/.test(expressPath)) throw new Error(`${where}: route path ${expressPath} uses express syntax this test does not translate`);
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function codeRoutes(): CodeRoute[] {
  const out: CodeRoute[] = [];
  for (const [name, make] of Object.entries(FACTORIES)) {
    for (const layer of make().stack as unknown as RouteLayer[]) {
      // Router-level middleware or a nested router would hide routes from this walk.
      if (!layer.route) throw new Error(`${name} has a layer that is not a route (router.use?): extend this test to walk it`);
      const { path: p, methods, stack } = layer.route;
      if (typeof p !== 'string') throw new Error(`${name}: route path ${String(p)} is not a plain string`);
      const verbs = Object.keys(methods).filter((m) => methods[m]);
      if (verbs.includes('_all')) throw new Error(`${name}: ${p} is registered for all methods (router.all): document it by hand`);
      for (const verb of verbs) {
        out.push({ key: `${verb.toUpperCase()} ${openApiPath(p, name)}`, router: name, access: accessOf(stack.map((l) => l.handle)) });
      }
    }
  }
  return out;
}

function loadDoc(): JsonObject {
  const doc = load(readFileSync(DOC_PATH, 'utf8'));
  if (!isObject(doc)) throw new Error('docs/openapi.yaml is not a YAML mapping');
  return doc;
}

interface DocOperation {
  key: string;
  path: string;
  method: string;
  op: JsonObject;
  pathItem: JsonObject;
}

function operations(doc: JsonObject): DocOperation[] {
  const out: DocOperation[] = [];
  const paths = doc.paths;
  if (!isObject(paths)) return out;
  for (const [p, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (isObject(op)) out.push({ key: `${method.toUpperCase()} ${p}`, path: p, method, op, pathItem: item });
    }
  }
  return out;
}

/** What one set has that the other lacks, as a readable failure message ('' when equal). */
function routeDiff(inCode: string[], inDoc: string[]): string {
  const code = new Set(inCode);
  const documented = new Set(inDoc);
  const missing = [...code].filter((k) => !documented.has(k)).sort();
  const extra = [...documented].filter((k) => !code.has(k)).sort();
  const lines: string[] = [];
  if (missing.length) lines.push(`registered by the routers but not in docs/openapi.yaml:\n  ${missing.join('\n  ')}`);
  if (extra.length) lines.push(`in docs/openapi.yaml but registered by no router:\n  ${extra.join('\n  ')}`);
  return lines.join('\n');
}

function decodePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '' ? [] : [''];
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON pointer`);
  return pointer.slice(1).split('/').map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolvePointer(root: Json, pointer: string): Json | undefined {
  let cur: Json | undefined = root;
  for (const token of decodePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(token)];
    else if (isObject(cur)) cur = Object.prototype.hasOwnProperty.call(cur, token) ? cur[token] : undefined;
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Every value of `key` anywhere in the tree, with where it was found. */
function collect(node: Json, key: string, at = '#'): Array<{ at: string; value: Json }> {
  const found: Array<{ at: string; value: Json }> = [];
  if (Array.isArray(node)) node.forEach((v, i) => found.push(...collect(v, key, `${at}/${i}`)));
  else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push({ at, value: v });
      found.push(...collect(v, key, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
    }
  }
  return found;
}

/** A component reached through a local `$ref` (responses, parameters), or the object itself. */
function deref(doc: JsonObject, node: Json): Json | undefined {
  if (isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#')) return resolvePointer(doc, node.$ref.slice(1));
  return node;
}

/** How the document says who may call an operation (see info.description: one role per requirement). */
function documentedAccess(doc: JsonObject, o: DocOperation, problems: string[]): Access | undefined {
  const security = o.op.security;
  if (!Array.isArray(security)) {
    problems.push(`${o.key}: no security (write security: [] for an endpoint without credentials)`);
    return undefined;
  }
  if (security.length === 0) return { kind: 'public' };
  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const roles = new Set<string>();
  let anyCaller = 0;
  for (const requirement of security) {
    if (!isObject(requirement) || Object.keys(requirement).length !== 1) {
      problems.push(`${o.key}: each security requirement must name exactly one scheme`);
      continue;
    }
    const [scheme, list] = Object.entries(requirement)[0];
    if (!(scheme in schemes)) problems.push(`${o.key}: security scheme ${scheme} is not in components.securitySchemes`);
    if (!Array.isArray(list) || list.length > 1) {
      problems.push(`${o.key}: ${scheme} must list at most one role per requirement (any one of the requirements suffices)`);
      continue;
    }
    if (list.length === 0) {
      anyCaller += 1;
      continue;
    }
    const role = String(list[0]);
    if (!(ROLES as readonly string[]).includes(role)) problems.push(`${o.key}: ${role} is not a role (${ROLES.join(', ')})`);
    if (scheme === 'consoleSession' && !['operator', 'supervisor', 'admin', 'helpdesk'].includes(role)) problems.push(`${o.key}: a console session never holds the role ${role}`);
    roles.add(role);
  }
  if (anyCaller > 0 && roles.size > 0) problems.push(`${o.key}: mixes "any caller" (empty role list) with named roles`);
  if (anyCaller > 0) return { kind: 'any' };
  // Each role must be offered by each way of holding it: bearer tokens (the bootstrap token holds every role)
  // and, for operator, supervisor and admin, the console session.
  for (const role of roles) {
    const has = (scheme: string) => security.some((r) => isObject(r) && Array.isArray(r[scheme]) && (r[scheme] as Json[])[0] === role);
    if (!has('bearerAuth')) problems.push(`${o.key}: role ${role} is listed without bearerAuth: [${role}]`);
    if (['operator', 'supervisor', 'admin'].includes(role) && !has('consoleSession')) problems.push(`${o.key}: role ${role} is listed without consoleSession: [${role}]`);
  }
  return { kind: 'roles', roles: ROLES.filter((r) => roles.has(r)) };
}

/** Base URI under which the document's components are compiled (components.schemas become $defs). */
const DOC_ID = 'https://openapi.test/docs/openapi.yaml';

/**
 * An ajv (JSON Schema 2020-12, strict) holding schemas/ under their $id and the document's component schemas,
 * with the document's references rewritten accordingly: `#/components/schemas/X` → `DOC_ID#/$defs/X`,
 * `../schemas/f.json#p` → `<$id of f>#p`.
 */
function schemaCompiler(doc: JsonObject): { ajv: Ajv2020; rewrite: (node: Json) => Json } {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  // The document's own schema extensions (src/validation/openapi-requests.ts): a property whose contents a domain
  // checker owns, and the shape the web layer checks of it. Any other unknown keyword is still an error.
  ajv.addVocabulary(['x-checked-by', 'x-shape']);
  const idOf = new Map<string, string>();
  for (const f of readdirSync(SCHEMAS_DIR).filter((n) => n.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, f), 'utf8')) as JsonObject;
    idOf.set(path.join(SCHEMAS_DIR, f), String(schema.$id));
    ajv.addSchema(schema);
  }
  const rewriteRef = (ref: string): string => {
    if (ref.startsWith('#/components/schemas/')) return `${DOC_ID}#/$defs/${ref.slice('#/components/schemas/'.length)}`;
    const [file, pointer = ''] = ref.split('#');
    const id = idOf.get(path.resolve(DOC_DIR, file));
    if (!id) throw new Error(`no schema under schemas/ for ${ref}`);
    return pointer ? `${id}#${pointer}` : id;
  };
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!isObject(node)) return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? rewriteRef(v) : rewrite(v)]));
  };
  const components = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  ajv.addSchema({ $id: DOC_ID, $defs: rewrite(components) } as JsonObject);
  return { ajv, rewrite };
}

describe('docs/openapi.yaml', () => {
  const doc = loadDoc();
  const ops = operations(doc);
  const routes = codeRoutes();

  it('is an OpenAPI 3.1 document that points to the AMQP interface', () => {
    expect(String(doc.openapi)).toMatch(/^3\.1\.\d+$/);
    const info = doc.info as JsonObject;
    expect(typeof info.title).toBe('string');
    expect(typeof info.version).toBe('string');
    expect(String(info.description)).toMatch(/docs\/contract\.md §4/);
    expect(ops.length).toBeGreaterThan(0);
  });

  it('knows every router factory of src/web', () => {
    const declared = readdirSync(WEB_DIR)
      .filter((f) => f.endsWith('-router.ts'))
      .flatMap((f) => [...readFileSync(path.join(WEB_DIR, f), 'utf8').matchAll(/export function (\w+Router)\s*\(/g)].map((m) => m[1]));
    expect(declared.sort()).toEqual(Object.keys(FACTORIES).sort());
  });

  it('documents exactly the routes the routers register', () => {
    const diff = routeDiff(routes.map((r) => r.key), ops.map((o) => o.key));
    expect(diff).toBe('');
    expect(routes.length).toBe(new Set(routes.map((r) => r.key)).size); // no route registered twice
  });

  it('reports an undocumented route by name (the comparison itself)', () => {
    const keys = ops.map((o) => o.key);
    const dropped = keys[keys.length - 1];
    expect(routeDiff(routes.map((r) => r.key), keys.slice(0, -1))).toContain(dropped);
    expect(routeDiff(routes.map((r) => r.key), [...keys, 'GET /api/nowhere'])).toContain('GET /api/nowhere');
  });

  it('names, for each operation, the roles the code lets in', () => {
    const problems: string[] = [];
    const byKey = new Map(ops.map((o) => [o.key, o]));
    for (const route of routes) {
      const o = byKey.get(route.key);
      if (!o) continue; // reported by the route comparison
      const documented = documentedAccess(doc, o, problems);
      if (documented && describeAccess(documented) !== describeAccess(route.access)) {
        problems.push(`${route.key}: the code (${route.router}) lets in ${describeAccess(route.access)}, the document says ${describeAccess(documented)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes each operation: unique operationId, summary, description, a success response, declared path parameters', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const o of ops) {
      const id = String(o.op.operationId ?? '');
      if (!id) problems.push(`${o.key}: no operationId`);
      else if (ids.has(id)) problems.push(`${o.key}: operationId ${id} is used twice`);
      ids.add(id);
      if (!String(o.op.summary ?? '').trim()) problems.push(`${o.key}: no summary`);
      if (!String(o.op.description ?? '').trim()) problems.push(`${o.key}: no description`);
      const responses = isObject(o.op.responses) ? Object.keys(o.op.responses) : [];
      if (!responses.some((s) => /^2\d\d$/.test(s))) problems.push(`${o.key}: no 2xx response`);
      const params = [...(Array.isArray(o.pathItem.parameters) ? o.pathItem.parameters : []), ...(Array.isArray(o.op.parameters) ? o.op.parameters : [])]
        .map((p) => deref(doc, p))
        .filter(isObject);
      const declared = params.filter((p) => p.in === 'path');
      const inPath = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const name of inPath) {
        const p = declared.find((d) => d.name === name);
        if (!p) problems.push(`${o.key}: path parameter {${name}} is not declared`);
        else if (p.required !== true) problems.push(`${o.key}: path parameter {${name}} must be required: true`);
      }
      for (const p of declared) if (!inPath.includes(String(p.name))) problems.push(`${o.key}: path parameter ${String(p.name)} is not in the path`);
    }
    expect(problems).toEqual([]);
  });

  it('mentions only error codes of the catalogue, each under its own status', () => {
    const problems: string[] = [];
    const known = new Set(Object.keys(ERRORS));
    // Any word shaped like a code of the catalogue's areas (REQ_, AUTH_, VAL_…), anywhere in the text.
    const areas = [...new Set(Object.keys(ERRORS).map((c) => c.split('_')[0]))];
    const shaped = new RegExp(`\\b(?:${areas.join('|')})_[A-Z0-9_]*[A-Z0-9]\\b`, 'g');
    const mentioned = new Set(readFileSync(DOC_PATH, 'utf8').match(shaped) ?? []);
    for (const code of mentioned) if (!known.has(code)) problems.push(`${code} is mentioned but is not in src/shared/errors.ts`);

    for (const { at, value } of collect(doc, 'x-error-codes')) {
      if (!Array.isArray(value) || value.length === 0) {
        problems.push(`${at}: x-error-codes must be a non-empty list`);
        continue;
      }
      for (const code of value) if (!known.has(String(code))) problems.push(`${at}: ${String(code)} is not in src/shared/errors.ts`);
    }
    // Each error response lists its codes, and they have the status it is listed under.
    const errorSchemas = new Set(['Error', 'QuarantinedError', 'TransitionError'].map((n) => `#/components/schemas/${n}`));
    for (const o of ops) {
      for (const [status, raw] of Object.entries(isObject(o.op.responses) ? o.op.responses : {})) {
        const response = deref(doc, raw);
        if (!isObject(response)) {
          problems.push(`${o.key} ${status}: response ${JSON.stringify(raw)} does not resolve`);
          continue;
        }
        const codes = response['x-error-codes'];
        const schemaRef = collect(response.content ?? null, '$ref').map((r) => r.value)[0];
        if (codes === undefined) {
          if (typeof schemaRef === 'string' && errorSchemas.has(schemaRef)) problems.push(`${o.key} ${status}: an error response without x-error-codes`);
          continue;
        }
        if (!Array.isArray(codes)) continue;
        for (const code of codes) {
          const entry = ERRORS[String(code) as keyof typeof ERRORS];
          if (entry && String(entry.status) !== status) problems.push(`${o.key}: ${String(code)} is listed under ${status} but the catalogue answers it with ${entry.status}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('resolves every $ref: files under schemas/, pointers inside them, and its own components', () => {
    const problems: string[] = [];
    const files = new Map<string, Json>();
    const refs = collect(doc, '$ref');
    expect(refs.some((r) => String(r.value).startsWith('../schemas/'))).toBe(true);
    for (const { at, value } of refs) {
      const ref = String(value);
      const hash = ref.indexOf('#');
      const file = hash === -1 ? ref : ref.slice(0, hash);
      const pointer = hash === -1 ? '' : ref.slice(hash + 1);
      let target: Json = doc;
      if (file) {
        const full = path.resolve(DOC_DIR, file);
        if (!existsSync(full)) {
          problems.push(`${at}: ${ref}: ${path.relative(ROOT, full)} does not exist`);
          continue;
        }
        if (!files.has(full)) files.set(full, JSON.parse(readFileSync(full, 'utf8')) as Json);
        target = files.get(full)!;
      }
      if (resolvePointer(target, pointer) === undefined) problems.push(`${at}: ${ref}: ${pointer || '(document)'} does not resolve`);
    }
    expect(problems).toEqual([]);
  });
  it('has valid JSON Schemas (2020-12, strict) and examples that match them', () => {
    const problems: string[] = [];
    const { ajv, rewrite } = schemaCompiler(doc);
    const components = (doc.components as JsonObject).schemas as JsonObject;
    for (const name of Object.keys(components)) {
      try {
        ajv.getSchema(`${DOC_ID}#/$defs/${name}`);
      } catch (e) {
        problems.push(`components.schemas.${name}: ${(e as Error).message}`);
      }
    }
    // Inline schemas of parameters, bodies and responses, and the examples beside them.
    for (const { at, value } of collect(doc.paths as Json, 'schema', '#/paths')) {
      try {
        ajv.compile(rewrite(value) as JsonObject);
      } catch (e) {
        problems.push(`${at}: ${(e as Error).message}`);
      }
    }
    const examples = collect(doc as Json, 'example');
    expect(examples.length).toBeGreaterThan(0);
    for (const { at, value } of examples) {
      const media = resolvePointer(doc, at.slice(1));
      if (!isObject(media) || !isObject(media.schema)) {
        problems.push(`${at}: an example without a schema beside it`);
        continue;
      }
      const validate = ajv.compile(rewrite(media.schema) as JsonObject);
      if (!validate(value)) problems.push(`${at}: the example does not match its schema: ${ajv.errorsText(validate.errors)}`);
    }
    expect(problems).toEqual([]);
  });
});
