/**
 * Every operation of docs/openapi.yaml that takes a JSON body, enumerated from the document itself (a new operation
 * is covered without editing this file), receives an invalid body from a caller of the right role: the answer is a
 * 4xx with a catalogue code and a `details[].path` naming the field, never a 2xx or a 5xx. The operations that read
 * their own body (`x-own-validation`: an envelope, a RINA event, quarantined rather than refused) are sent one too.
 * And the document is compiled once per process, at start-up, however many apps are built. On PGlite and PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import request from 'supertest';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { ERRORS } from '../../src/shared/errors';
import { createApp } from '../../src/web/app';
import { openApiCompilations, openApiRequests } from '../../src/validation/openapi-requests';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { ADMIN, bearer, login, startTestService, type TestService } from '../console-api/support';

type Json = unknown;
type Schema = Record<string, Json>;

const ROOT = path.resolve(__dirname, '../..');
const DOC = load(readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
};

/** A `$ref` of the document followed: to a component, or into a file of schemas/ (with its JSON pointer). */
function resolve(schema: Schema, file?: Schema): { schema: Schema; file?: Schema } {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return { schema, file };
  if (ref.startsWith('#/components/schemas/')) return resolve(DOC.components.schemas[ref.slice('#/components/schemas/'.length)]);
  const [target, pointer = ''] = ref.split('#');
  const root = target ? JSON.parse(readFileSync(path.join(ROOT, 'schemas', path.basename(target)), 'utf8')) as Schema : file!;
  let node: Json = root;
  for (const part of pointer.split('/').filter(Boolean)) node = (node as Record<string, Json>)[part];
  return resolve(node as Schema, root);
}

/** A value of another JSON type than the property's. */
function wrongValue(prop: Schema, file?: Schema): Json {
  const { schema } = resolve(prop, file);
  const types = ([] as Json[]).concat(schema.type ?? (schema.properties ? 'object' : 'string'));
  if (types.includes('object') || types.includes('array')) return 42;
  if (types.includes('string')) return { not: 'a string' };
  return 'not a number';
}

/** The body to send: the first required property (else the first property) with a value of the wrong type. */
function invalidBody(schema: Schema): { body: Record<string, Json>; field: string } {
  const { schema: s, file } = resolve(schema);
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const field = ((s.required as string[] | undefined) ?? Object.keys(props))[0];
  if (!field) throw new Error(`the body schema ${JSON.stringify(schema).slice(0, 80)} names no property: describe it`);
  return { body: { [field]: wrongValue(props[field] ?? {}, file) }, field };
}

const OPERATIONS = openApiRequests().operations;

/** Path parameters: body validation comes before any look-up, so any well-formed value will do. */
const urlOf = (p: string) => p.replace(/\{[^}]+\}/g, 'T-4410023');

describe.each(storageDrivers())('request bodies against docs/openapi.yaml on %s', (_name, open) => {
  let tdb: TestDatabase;
  let t: TestService;
  let session: Record<string, string>;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    tdb = await open();
    // RINA configured (never reached: no worker runs) so that its event endpoint takes bodies.
    t = await startTestService(tdb.db, clock, { RINA_URL: 'http://127.0.0.1:9', RINA_USER: 'liaison', RINA_PASSWORD: 'liaison-secret' });
    await t.svc.routingConfig.seed(loadRoutingConfig('config'));
    await t.svc.accounts.ensureBootstrapAdmin(ADMIN.username, ADMIN.password);
    session = (await login(t.svc, ADMIN.username, ADMIN.password)).headers;
  }, 180_000);
  afterAll(async () => {
    await t.svc.stop();
    await tdb.close();
  });

  it('enumerates the operations from the document', () => {
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(20);
    expect(OPERATIONS.map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['POST /api/tickets', 'POST /api/triage/{caseId}/assign', 'POST /api/envelopes']));
  });

  it.each(OPERATIONS.map((o) => [`${o.method} ${o.path}`, o] as const))('%s refuses an invalid body with a 4xx naming the field', async (_label, op) => {
    const schema = DOC.paths[op.path][op.method.toLowerCase()].requestBody!.content!['application/json'].schema!;
    const { body, field } = invalidBody(schema);
    // The console session for what only a person does (a password), the bootstrap token (every scope) otherwise.
    const headers = op.path === '/api/session/password' ? session : op.path === '/api/session' ? {} : bearer;
    const res = await request(t.svc.app)[op.method.toLowerCase() as 'post' | 'put'](urlOf(op.path)).set(headers).send(body);
    const shown = `${op.method} ${op.path} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    expect([shown, res.status >= 400 && res.status < 500]).toEqual([shown, true]);
    const code = res.body.error?.code as keyof typeof ERRORS;
    expect([shown, ERRORS[code]?.status]).toEqual([shown, res.status]);
    if (!op.ownValidation) expect([shown, code]).toEqual([shown, 'REQ_INVALID_BODY']);
    const paths = (res.body.error.details as Array<{ path: string; message: string }>).map((d) => d.path);
    expect([shown, paths.some((p) => p === `/${field}` || p.startsWith(`/${field}/`))]).toEqual([shown, true]);
    expect(typeof res.body.error.message).toBe('string');
  });

  it('compiles the document once, at start-up, however many apps are built', async () => {
    expect(openApiCompilations()).toBe(1);
    createApp({ access: t.svc.access, logger: t.svc.logger, publicRouters: [], routers: [] });
    const res = await request(t.svc.app).post('/api/triage/T-1/return').set(bearer).send({});
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: '/reason', message: 'is required but missing', code: 'required', params: { missingProperty: 'reason' } }]);
    expect(openApiCompilations()).toBe(1);
  });
});
