/**
 * HTTP hardening (#14 security review): hostile ids and filters are 400/404 never 500 (with or without
 * credentials), request bodies say what is wrong, personal-data answers are not cached, a strict CSP, per-route
 * body limits, and no stack trace or SQL ever reaches a client.
 */
import type { AddressInfo, Server } from 'node:net';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { makeCursor } from '../../src/shared/paging';
import { openPglite, type TestDatabase } from '../helpers/db';
import { TEST_TOKEN } from '../helpers/service-env';

describe('HTTP hardening', () => {
  let tdb: TestDatabase;
  let svc: Service;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    tdb = await openPglite();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TEST_TOKEN }), { db: tdb.db, clock: new FixedClock('2026-11-20T10:00:00Z'), logger: silentLogger(), listen: false, workers: false });
    server = await new Promise<Server>((resolve) => {
      const s = svc.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await svc.stop();
    await tdb.close();
  });

  const call = async (path: string, init: RequestInit & { auth?: boolean } = {}) => {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (init.auth !== false) headers.authorization = `Bearer ${TEST_TOKEN}`;
    const res = await fetch(`${base}${path}`, { ...init, headers });
    const text = await res.text();
    let body: { error?: { code: string; message: string; details: Array<{ path: string; message: string }> } } & Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      body = { text } as never;
    }
    return { status: res.status, headers: res.headers, body, text };
  };
  const postJson = (path: string, body: string) => call(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it.each([
    ['/api/cases/%FF%FE', false],
    ['/api/cases/%FF%FE', true],
    ['/api/cases/%00', true],
    ['/api/cases/%00', false],
    ['/api/tickets/%00', true],
    ['/api/institutions/%00/forwards', true],
    ['/api/quarantine/%00', true],
    ['/api/quarantine?errorCode=%00', true],
    ['/api/triage?senderCountry=%00', true],
    ['/api/quarantine?errorCode=%FF%FE', true],
    ['/api/rules/versions/99999999999999999999', true],
    ['/api/rules/versions/1e3', true],
    ['/api/institutions/FR%3ACPAM75%00/forwards', true],
    ['/api/quarantine?limit=1e2', true],
    ['/api/quarantine?limit=10&limit=20', true],
  ])('GET %s (credentials: %s) is 4xx with a catalogue error, never 500', async (path, auth) => {
    const res = await call(path, { auth });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error?.code).toMatch(/^[A-Z]{3,4}_[A-Z_]+$/);
  });

  it('refuses a cursor that decodes to a non-date before it reaches SQL', async () => {
    for (const cursor of [makeCursor('not-a-date', 'x'), Buffer.from('["2026-13-45T99:99:99Z","x"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), 'a'.repeat(5000)]) {
      const res = await call(`/api/quarantine?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('REQ_INVALID_QUERY');
    }
    expect((await call(`/api/institutions/FR:CARSATRA1/forwards?cursor=${makeCursor('nope', 'x')}`)).status).toBe(400);
  });

  it('says what is wrong with a body: wrong types are not "required", non-objects are "not a JSON object"', async () => {
    const note = await postJson('/api/triage/C-1/assign', JSON.stringify({ institutionId: 'FR:CARSATRA1', note: { a: 1 } }));
    expect(note.status).toBe(422);
    expect(note.body.error?.message).toBe('note must be a string (got an object).');
    const ne = await postJson('/api/triage/C-1/assign', JSON.stringify({ institutionId: { $ne: 1 } }));
    expect(ne.status).toBe(422);
    expect(ne.body.error?.message).toMatch(/^institutionId must be a string/);
    expect(ne.body.error?.message).not.toMatch(/required/);
    for (const body of ['"x"', 'null', '[1]']) {
      const res = await postJson('/api/triage/C-1/return', body);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('VAL_NOT_OBJECT');
      expect(res.body.error?.message).toMatch(/not a JSON object/);
      expect(res.body.error?.message).not.toMatch(/not valid JSON/);
    }
    const broken = await postJson('/api/triage/C-1/return', '{"reason": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error?.code).toBe('VAL_NOT_JSON');
    const nul = await postJson('/api/triage/C-1/return', '{"reason":"a\\u0000b"}');
    expect(nul.body.error?.code).toBe('VAL_UNSTORABLE_TEXT');
  });

  it('limits bodies per route: 64 kB for small bodies, with a 413 that names the limit', async () => {
    const res = await postJson('/api/triage/C-1/return', JSON.stringify({ reason: 'x'.repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('VAL_TOO_LARGE');
    expect(res.body.error?.message).toMatch(/65536 bytes/);
  });

  it('sends Cache-Control: no-store on answers carrying personal data', async () => {
    const forwards = await call('/api/institutions/FR:CARSATRA1/forwards');
    expect(forwards.status).toBe(200);
    expect(forwards.headers.get('cache-control')).toBe('no-store');
    const bad = await postJson('/api/envelopes', '{"envelopeId": 1');
    const item = await call(`/api/quarantine/${String(bad.body.quarantineId)}`);
    expect(item.status).toBe(200);
    expect(item.headers.get('cache-control')).toBe('no-store');
  });

  it('serves a strict Content-Security-Policy: self only, nothing inline, no framing', async () => {
    const csp = (await call('/healthz', { auth: false })).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https:/);
  });

  it('never shows a stack trace, SQL or a driver message to a client', async () => {
    const probes = ['/api/cases/%FF%FE', '/api/rules/versions/99999999999999999999', "/api/cases/1'%20OR%201=1--", '/api/quarantine?cursor=%00'];
    for (const p of probes) {
      const res = await call(p);
      expect(res.text).not.toMatch(/\bat [\w.<>]+ \(|SELECT|INSERT|syntax error|node_modules|\.ts:\d+/);
    }
  });
});
