/**
 * The security review's session, login and audit findings (issue #21), each test named after its finding, on PGlite
 * and PostgreSQL through the service's HTTP API: password change and other sessions, logins on record, the throttle
 * counting before it checks, lockouts a stranger cannot impose, the password policy, login CSRF, reads of personal
 * data on record, the audit trail's pages, and TRUST_PROXY.
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { ADMIN, bearer, login, ownPassword, person, startTestService, type TestService } from './support';

describe.each(storageDrivers())('login security on %s', (_name, open) => {
  let tdb: TestDatabase;
  let t: TestService;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    tdb = await open();
    // Trusts the loopback proxy only, so a test can speak from several addresses through X-Forwarded-For.
    t = await startTestService(tdb.db, clock, { TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES_PER_ADDRESS: '40' });
  }, 180_000);
  afterAll(async () => {
    await t.svc.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    t.logs.length = 0;
    clock.set('2026-11-20T10:00:00Z');
    await t.svc.routingConfig.seed(loadRoutingConfig('config'));
    await t.svc.accounts.ensureBootstrapAdmin(ADMIN.username, ADMIN.password);
  });

  const post = (body: unknown, from = '203.0.113.7') => request(t.svc.app).post('/api/session').set('X-Forwarded-For', from).send(body as object);
  const auditOf = async (action: string) => (await t.svc.audit.list({ action, limit: 100 }));

  it('a password change leaves the other sessions alive and keeps the session id: now it ends them and rotates the session', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    const olga = await person(t.svc, admin, 'olga', 'operator');
    const elsewhere = await login(t.svc, 'olga', ownPassword('olga'));
    const res = await request(t.svc.app).post('/api/session/password').set(olga.headers).send({ currentPassword: ownPassword('olga'), newPassword: 'Quiet-river-stones-2026' });
    expect(res.status).toBe(204);
    const fresh = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    expect(fresh).not.toBe(olga.cookie);
    expect((await request(t.svc.app).get('/api/session').set({ Cookie: olga.cookie })).status).toBe(401);
    expect((await request(t.svc.app).get('/api/session').set({ Cookie: elsewhere.cookie })).status).toBe(401);
    const me = await request(t.svc.app).get('/api/session').set({ Cookie: fresh }).expect(200);
    expect(me.body.csrfToken).not.toBe(olga.csrf);
    // The old CSRF token no longer goes with the new session.
    expect((await request(t.svc.app).post('/api/session/password').set({ Cookie: fresh, 'X-CSRF-Token': olga.csrf }).send({})).status).toBe(403);
    expect((await auditOf('account.password-change'))[0]).toEqual(expect.objectContaining({ subjectId: 'olga', data: { sessionsEnded: true } }));
  });

  it('logins leave no trace: success, failure, throttling and logout are now logged and audited with the address, never the password', async () => {
    await post({ username: ADMIN.username, password: 'Wrong-secret-value-1' }).expect(401);
    await post({ username: 'nobody-here', password: 'Wrong-secret-value-2' }).expect(401);
    const ok = await post(ADMIN).expect(201);
    const cookie = (ok.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    await request(t.svc.app).delete('/api/session').set({ Cookie: cookie, 'X-CSRF-Token': ok.body.csrfToken, 'X-Forwarded-For': '203.0.113.7' }).expect(204);
    const failed = await auditOf('session.login-failed');
    expect(failed.map((e) => [e.subjectId, e.sourceIp, e.data])).toEqual([
      ['(unknown)', '203.0.113.7', { reason: 'unknown-account' }], ['root', '203.0.113.7', { reason: 'wrong-password' }],
    ]);
    expect((await auditOf('session.login'))[0]).toEqual(expect.objectContaining({ actor: 'operator:root', sourceIp: '203.0.113.7', data: { failuresSinceLastLogin: 1 } }));
    expect((await auditOf('session.logout'))[0]).toEqual(expect.objectContaining({ actor: 'operator:root', sourceIp: '203.0.113.7' }));
    expect(ok.body.failedLoginsSinceLastLogin).toBe(1);
    for (let i = 0; i < 10; i += 1) {
      await post({ username: ADMIN.username, password: `Wrong-secret-${i}` }, '198.51.100.9');
      clock.advance(60_000);
    }
    expect((await post(ADMIN, '198.51.100.9')).status).toBe(429);
    expect((await auditOf('session.login-throttled'))[0]).toEqual(expect.objectContaining({ subjectId: 'root', sourceIp: '198.51.100.9' }));
    const logs = t.logs.join('');
    for (const event of ['auth.login"', 'auth.login_failed', 'auth.login_throttled', 'auth.logout']) expect(logs).toContain(event);
    expect(logs).toMatch(/"clientIp":\s*"203\.0\.113\.7"/);
    expect(logs).not.toMatch(/Wrong-secret|bootstrap-pass-0123|nobody-here/);
    const trail = JSON.stringify(await t.svc.audit.list({ limit: 500 }));
    expect(trail).not.toMatch(/Wrong-secret|bootstrap-pass-0123|nobody-here/);
  });

  it('concurrent tries pass the per-account limit: now 10 means at most 10 password checks', async () => {
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => post({ username: ADMIN.username, password: `Wrong-concurrent-${i}` }, '198.51.100.20')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('ten bad tries from anywhere lock any known account: now only that address waits (progressive delay), the owner gets in and is told', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i += 1) codes.push((await post({ username: ADMIN.username, password: `Wrong-stranger-${i}` }, '192.0.2.66')).status);
    // From the 5th failure each next try waits (1 s, 2 s…): the 6th try came at once and waits.
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    for (let i = 6; i < 12; i += 1) {
      clock.advance(120_000);
      await post({ username: ADMIN.username, password: `Wrong-stranger-${i}` }, '192.0.2.66');
    }
    const stranger = await post(ADMIN, '192.0.2.66');
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers['retry-after'])).toBeGreaterThan(60);
    const owner = await post(ADMIN, '203.0.113.50').expect(201);
    expect(owner.body.failedLoginsSinceLastLogin).toBe(10);
    expect((await auditOf('account.login-alert'))).toEqual([expect.objectContaining({ subjectId: 'root', data: { failures: 10 } })]);
    expect(t.logs.join('')).toContain('auth.account_alert');
  });

  it('wrong current-password tries on a password change are never counted: now they are, and throttle like logins', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      statuses.push((await request(t.svc.app).post('/api/session/password').set(admin.headers).send({ currentPassword: `Not-it-${i}`, newPassword: 'Quiet-river-stones-2026' })).status);
      clock.advance(60_000);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect((await auditOf('session.login-failed')).every((e) => (e.data as { reason: string }).reason === 'wrong-current-password')).toBe(true);
  });

  it('only length is checked (aaaaaaaaaa accepted): now common, breached, repetitive passwords and the username are refused (ACC_PASSWORD_WEAK)', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    const change = (newPassword: string) => request(t.svc.app).post('/api/session/password').set(admin.headers).send({ currentPassword: ADMIN.password, newPassword });
    for (const [pw, reason] of [['aaaaaaaaaa', 'repetitive'], ['password123!', 'common'], ['Motdepasse2024', 'common'], ['azertyuiop12', 'repetitive'], ['my-root-secret-x', 'contains-username'], ['short', 'too-short']]) {
      const res = await change(pw);
      expect([pw, res.status, res.body.error.code, res.body.reason]).toEqual([pw, 422, 'ACC_PASSWORD_WEAK', reason]);
      expect(res.body.error.details[0]).toEqual({ path: '/newPassword', message: reason });
    }
    expect((await change('Quiet-river-stones-2026')).status).toBe(204);
  });

  it('a cross-site text/plain login answers 201 with a cookie (login CSRF): now 415, and a cross-site Origin or Sec-Fetch-Site 403', async () => {
    const plain = await request(t.svc.app).post('/api/session').set('Content-Type', 'text/plain').send(JSON.stringify(ADMIN));
    expect([plain.status, plain.body.error.code, plain.headers['set-cookie']]).toEqual([415, 'AUTH_LOGIN_MEDIA_TYPE', undefined]);
    const form = await request(t.svc.app).post('/api/session').type('form').send(ADMIN);
    expect(form.status).toBe(415);
    const evil = await request(t.svc.app).post('/api/session').set('Origin', 'https://evil.example').send(ADMIN);
    expect([evil.status, evil.body.error.code, evil.headers['set-cookie']]).toEqual([403, 'AUTH_CROSS_SITE', undefined]);
    const site = await request(t.svc.app).post('/api/session').set('Sec-Fetch-Site', 'cross-site').send(ADMIN);
    expect([site.status, site.body.error.code]).toEqual([403, 'AUTH_CROSS_SITE']);
    const same = await request(t.svc.app).post('/api/session').set('Host', 'liaison.example.org').set('Origin', 'https://liaison.example.org').set('Sec-Fetch-Site', 'same-origin').send(ADMIN);
    expect(same.status).toBe(201);
  });

  it('reads of personal data that leave no audit entry: the raw quarantined input and an operator\'s read of an institution\'s forwards are now audited', async () => {
    const bad = await request(t.svc.app).post('/api/envelopes').set(bearer).set('Content-Type', 'application/json').send('{"not": "an envelope"');
    const quarantineId = bad.body.quarantineId as string;
    expect(quarantineId).toEqual(expect.any(String));
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    await request(t.svc.app).get(`/api/quarantine/${quarantineId}`).set(admin.headers).expect(200);
    await request(t.svc.app).get('/api/institutions/FR:CPAM075/forwards').set(admin.headers).expect(200);
    expect((await auditOf('quarantine.read-raw-input'))[0]).toEqual(expect.objectContaining({ actor: 'operator:root', subjectId: quarantineId }));
    expect((await auditOf('institution.read-forwards'))[0]).toEqual(expect.objectContaining({ actor: 'operator:root', subjectId: 'FR:CPAM075', data: { forwards: 0 } }));
  });

  it('the audit trail cannot be paged (nextCursor refused with 400): now its pages follow each other', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    for (let i = 0; i < 5; i += 1) await request(t.svc.app).post('/api/admin/tokens').set(admin.headers).send({ role: 'intake', label: `t${i}` }).expect(201);
    const seen: number[] = [];
    let cursor: string | null = '';
    for (let pages = 0; cursor !== null && pages < 20; pages += 1) {
      const res: request.Response = await request(t.svc.app).get(`/api/admin/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(admin.headers);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((e: { id: number }) => e.id));
      cursor = res.body.nextCursor;
    }
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await request(t.svc.app).get('/api/admin/audit?cursor=bm90LWEtY3Vyc29y').set(admin.headers)).status).toBe(400);
  });

  it('TRUST_PROXY=true trusts any X-Forwarded-For: now refused at start, and a forged header from a client outside the proxy ranges changes nothing', async () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY=true would trust any X-Forwarded-For/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY: "10.0.0.0\/33"/);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.10' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.10']);
    const behind = await startTestService(tdb.db, clock, { TRUST_PROXY: '10.0.0.0/8', LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        // The test client connects from 127.0.0.1, not from 10.x: its X-Forwarded-For is not believed.
        const res = await request(behind.svc.app).post('/api/session').set('X-Forwarded-For', `198.18.0.${i}`).send({ username: `user${i}`, password: 'Wrong-secret-value' });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const trail = await t.svc.audit.list({ action: 'session.login-failed', limit: 10 });
      expect(new Set(trail.map((e) => e.sourceIp))).toEqual(new Set(['127.0.0.1']));
    } finally {
      await behind.svc.stop();
    }
  });
});
