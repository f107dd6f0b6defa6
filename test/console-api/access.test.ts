/**
 * Accounts, sessions and tokens through the HTTP API (the security review's access findings), on PGlite and
 * PostgreSQL: roles, CSRF, throttled logins with Retry-After, stale cookies, idle and absolute expiry, the
 * timing of unknown users, tokens listed and revoked, institutions outside the directory refused, the bootstrap
 * admin's changed password taking effect, the first run's password file, and every route refusing strangers.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService } from '../../src/app/service';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { Writable } from 'node:stream';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { ADMIN, bearer, login, ownPassword, person, startTestService, type TestService } from './support';

describe.each(storageDrivers())('console access on %s', (_name, open) => {
  let tdb: TestDatabase;
  let t: TestService;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    tdb = await open();
    t = await startTestService(tdb.db, clock);
  }, 180_000); // PGlite and the service start slowly on a busy machine
  afterAll(async () => {
    await t.svc.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set('2026-11-20T10:00:00Z');
    await t.svc.routingConfig.seed(loadRoutingConfig('config'));
    await t.svc.accounts.ensureBootstrapAdmin(ADMIN.username, ADMIN.password);
  });

  it('gives each account role its roles, and an operator cannot administer accounts', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    expect(admin.body).toEqual(expect.objectContaining({ username: 'root', role: 'admin', roles: ['admin', 'helpdesk', 'operator', 'supervisor'] }));
    const op = await person(t.svc, admin, 'olga', 'operator');
    const sup = await person(t.svc, admin, 'sami', 'supervisor');
    const agent = await person(t.svc, admin, 'anna', 'agent');
    expect(op.body.roles).toEqual(['operator']);
    expect(sup.body.roles).toEqual(['operator', 'supervisor']);
    expect(agent.body.roles).toEqual(['helpdesk']);
    const me = await request(t.svc.app).get('/api/session').set({ Cookie: op.cookie });
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.body).toEqual(expect.objectContaining({ username: 'olga', role: 'operator', csrfToken: op.csrf, idleExpiresAt: '2026-11-20T10:30:00.000Z', expiresAt: '2026-11-20T22:00:00.000Z' }));
    for (const [method, url] of [['get', '/api/admin/accounts'], ['post', '/api/admin/accounts'], ['post', '/api/admin/accounts/root/disable'], ['get', '/api/admin/tokens'], ['get', '/api/admin/audit']] as const) {
      const res = await request(t.svc.app)[method](url).set(op.headers).send({ username: 'x1', role: 'admin' });
      expect([url, res.status]).toEqual([url, 403]);
    }
    expect((await request(t.svc.app).get('/api/triage').set({ Cookie: agent.cookie })).status).toBe(403);
    expect((await request(t.svc.app).get('/api/tickets').set({ Cookie: agent.cookie })).status).toBe(200);
  });

  it('refuses a state change without the CSRF token, and forces a new password after a reset', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    const noCsrf = await request(t.svc.app).post('/api/admin/accounts').set({ Cookie: admin.cookie }).send({ username: 'eve', role: 'operator' });
    expect(noCsrf.status).toBe(403);
    const wrong = await request(t.svc.app).post('/api/admin/accounts').set({ Cookie: admin.cookie, 'X-CSRF-Token': 'guess' }).send({ username: 'eve', role: 'operator' });
    expect(wrong.status).toBe(403);
    const created = await request(t.svc.app).post('/api/admin/accounts').set(admin.headers).send({ username: 'eve', role: 'operator' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const eve = await login(t.svc, 'eve', created.body.temporaryPassword);
    expect(eve.body.mustChangePassword).toBe(true);
    const blocked = await request(t.svc.app).get('/api/triage').set(eve.headers);
    expect(blocked.body.error.code).toBe('AUTH_PASSWORD_CHANGE_REQUIRED');
    const rows = await tdb.db.query<{ csrf_token: string | null }>('SELECT csrf_token FROM operator_sessions');
    expect(rows.every((r) => r.csrf_token === null)).toBe(true); // the CSRF token is derived, never stored
  });

  it('throttles an account after 10 failed logins (429 + Retry-After), even with the right password', async () => {
    for (let i = 0; i < 10; i += 1) {
      const res = await request(t.svc.app).post('/api/session').send({ username: ADMIN.username, password: `wrong-${i}` });
      expect(res.status).toBe(401);
      clock.advance(60_000); // past the progressive delay (up to 32 s after the 9th failure)
    }
    const right = await request(t.svc.app).post('/api/session').send(ADMIN);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('AUTH_THROTTLED');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same address is not throttled by this one's failures.
    await t.svc.access.ensureOperator('bob', 'bob-password-123', 'operator');
    expect((await request(t.svc.app).post('/api/session').send({ username: 'bob', password: 'bob-password-123' })).status).toBe(201);
  });

  it('lets a login replace a stale cookie, ends sessions on logout, idle and absolute expiry', async () => {
    const first = await login(t.svc, ADMIN.username, ADMIN.password);
    const stale = 'liaison_session=not-a-session-at-all';
    const res = await request(t.svc.app).post('/api/session').set('Cookie', stale).send(ADMIN);
    expect(res.status).toBe(201);
    expect(res.headers['set-cookie'][0]).toMatch(/HttpOnly/);
    expect(res.headers['set-cookie'][0]).toMatch(/SameSite=Strict/);
    await request(t.svc.app).delete('/api/session').set(first.headers).expect(204);
    expect((await request(t.svc.app).get('/api/session').set({ Cookie: first.cookie })).status).toBe(401);
    expect((await request(t.svc.app).delete('/api/session').set({ Cookie: first.cookie })).status).toBe(204);
    const s = await login(t.svc, ADMIN.username, ADMIN.password);
    clock.advance(29 * 60_000);
    expect((await request(t.svc.app).get('/api/session').set({ Cookie: s.cookie })).status).toBe(200);
    clock.advance(29 * 60_000); // used 29 minutes ago: still alive
    expect((await request(t.svc.app).get('/api/session').set({ Cookie: s.cookie })).status).toBe(200);
    clock.advance(31 * 60_000);
    expect((await request(t.svc.app).get('/api/session').set({ Cookie: s.cookie })).status).toBe(401);
    const long = await login(t.svc, ADMIN.username, ADMIN.password);
    for (let h = 0; h < 26; h += 1) { // 26 × 29 min > 12 h, never idle 30 min
      clock.advance(29 * 60_000);
      await request(t.svc.app).get('/api/session').set({ Cookie: long.cookie });
    }
    expect((await request(t.svc.app).get('/api/session').set({ Cookie: long.cookie })).status).toBe(401);
  });

  it('marks the cookie Secure over TLS (trust proxy) and off a loopback host', async () => {
    const secure = await startTestService(tdb.db, clock, { TRUST_PROXY: 'loopback' });
    try {
      const tls = await request(secure.svc.app).post('/api/session').set('X-Forwarded-Proto', 'https').send(ADMIN);
      expect(tls.headers['set-cookie'][0]).toMatch(/; Secure/);
      const remote = await request(secure.svc.app).post('/api/session').set('Host', 'liaison.example.org').send(ADMIN);
      expect(remote.headers['set-cookie'][0]).toMatch(/; Secure/);
      const local = await request(secure.svc.app).post('/api/session').set('Host', '127.0.0.1:8080').send(ADMIN);
      expect(local.headers['set-cookie'][0]).not.toMatch(/; Secure/);
    } finally {
      await secure.svc.stop();
    }
  });

  it('takes about as long for an unknown user as for a wrong password (no timing oracle)', async () => {
    const time = async (username: string) => {
      const started = process.hrtime.bigint();
      await request(t.svc.app).post('/api/session').send({ username, password: 'not-the-password' }).expect(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      known.push(await time(ADMIN.username));
      unknown.push(await time(`nobody-${i}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // Both pay one scrypt; without the dummy hash the unknown user was about 7 times faster.
    expect(median(unknown) / median(known)).toBeGreaterThan(0.5);
  });

  it('lists and revokes tokens (revoked tokens answer 401), refuses institutions outside the directory, audits it all', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    for (const institutionId of ['XX:doesnotexist', 'FR:CLEISS0002', 'FR:NOPE0001']) {
      const res = await request(t.svc.app).post('/api/admin/tokens').set(admin.headers).send({ role: 'institution', institutionId });
      expect([institutionId, res.status]).toEqual([institutionId, 422]);
    }
    const issued = await request(t.svc.app).post('/api/admin/tokens').set(admin.headers).send({ role: 'institution', institutionId: 'FR:CARSATRA1', label: 'Carsat RA' });
    expect(issued.status).toBe(201);
    const asInstitution = { Authorization: `Bearer ${issued.body.token}` };
    expect((await request(t.svc.app).get('/api/institutions/FR:CARSATRA1/forwards').set(asInstitution)).status).toBe(200);
    const list = await request(t.svc.app).get('/api/admin/tokens').set(admin.headers);
    expect(list.body.items).toEqual([expect.objectContaining({ id: issued.body.id, role: 'institution', institutionId: 'FR:CARSATRA1', state: 'active', createdBy: 'operator:root' })]);
    expect(JSON.stringify(list.body)).not.toContain(issued.body.token);
    const revoked = await request(t.svc.app).post(`/api/admin/tokens/${issued.body.id}/revoke`).set(admin.headers);
    expect(revoked.body.state).toBe('revoked');
    const after = await request(t.svc.app).get('/api/institutions/FR:CARSATRA1/forwards').set(asInstitution);
    expect(after.status).toBe(401);
    expect((await request(t.svc.app).post('/api/admin/tokens/tok_nope/revoke').set(admin.headers)).status).toBe(404);
    const audit = await request(t.svc.app).get('/api/admin/audit?subjectType=token').set(admin.headers);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['token.revoke', 'token.issue']);
  });

  it('disables, enables and resets accounts; disabling ends the sessions; the last admin stays', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    const op = await person(t.svc, admin, 'olga', 'operator');
    expect((await request(t.svc.app).post('/api/admin/accounts/olga/disable').set(admin.headers)).body.state).toBe('disabled');
    expect((await request(t.svc.app).get('/api/session').set({ Cookie: op.cookie })).status).toBe(401);
    expect((await request(t.svc.app).post('/api/session').send({ username: 'olga', password: ownPassword('olga') })).status).toBe(401);
    await request(t.svc.app).post('/api/admin/accounts/olga/enable').set(admin.headers).expect(200);
    await login(t.svc, 'olga', ownPassword('olga'));
    const reset = await request(t.svc.app).post('/api/admin/accounts/olga/reset-password').set(admin.headers);
    expect(reset.body.mustChangePassword).toBe(true);
    expect((await request(t.svc.app).post('/api/session').send({ username: 'olga', password: ownPassword('olga') })).status).toBe(401);
    await login(t.svc, 'olga', reset.body.temporaryPassword);
    expect((await request(t.svc.app).post('/api/admin/accounts/root/disable').set(admin.headers)).body.error.code).toBe('ACC_LAST_ADMIN');
    const audit = await request(t.svc.app).get('/api/admin/audit?subjectId=olga').set(admin.headers);
    expect(audit.body.items.map((e: { action: string }) => e.action).filter((a: string) => a.startsWith('account.'))).toEqual(['account.reset', 'account.enable', 'account.disable', 'account.password-change', 'account.create']);
  });

  it('applies a changed BOOTSTRAP_ADMIN_PASSWORD at the next start, and leaves console changes alone otherwise', async () => {
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    await request(t.svc.app).post('/api/session/password').set(admin.headers).send({ currentPassword: ADMIN.password, newPassword: 'changed-in-console-1' }).expect(204);
    const again = await startTestService(tdb.db, clock); // same variable: the console's password stays
    await again.svc.stop();
    await login(t.svc, ADMIN.username, 'changed-in-console-1');
    const changed = await startTestService(tdb.db, clock, { BOOTSTRAP_ADMIN_PASSWORD: 'a-new-bootstrap-pass' });
    await changed.svc.stop();
    await login(t.svc, ADMIN.username, 'a-new-bootstrap-pass');
    expect((await request(t.svc.app).post('/api/session').send({ username: ADMIN.username, password: 'changed-in-console-1' })).status).toBe(401);
  });

  it('answers 401 on every route of the OpenAPI file without credentials', async () => {
    const doc = load(readFileSync(path.join(__dirname, '../../docs/openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const checked: string[] = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!Array.isArray(op.security) || op.security.length === 0) continue;
        const url = p.replace(/\{[^}]+\}/g, 'C-1');
        const res = await (request(t.svc.app) as unknown as Record<string, (u: string) => request.Test>)[method](url).set('Content-Type', 'application/json').send('{}');
        expect([method, url, res.status]).toEqual([method, url, 401]);
        checked.push(`${method} ${url}`);
      }
    }
    expect(checked.length).toBeGreaterThan(30);
  });
});

describe('first run without BOOTSTRAP_* variables', () => {
  it('writes a generated admin password to a 0600 file in DATA_DIR and says where in the log, never what', async () => {
    const { openPglite } = await import('../helpers/db');
    const tdb = await openPglite();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'liaison-first-run-'));
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', stream: new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }) });
    const svc = await startService(loadConfig({ DATA_DIR: dataDir }), { db: tdb.db, clock: new FixedClock('2026-11-20T10:00:00Z'), logger, listen: false, workers: false });
    try {
      const file = path.join(dataDir, 'initial-admin-password.txt');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = /password: (\S+)/.exec(readFileSync(file, 'utf8'))![1];
      expect(lines.join('\n')).toContain(file);
      expect(lines.join('\n')).not.toContain(password);
      const s = await login(svc, 'admin', password);
      expect(s.body.mustChangePassword).toBe(true);
      // A second start with an admin in place writes nothing new.
      const again = await startService(loadConfig({ DATA_DIR: dataDir }), { db: tdb.db, logger, listen: false, workers: false });
      await again.stop();
      expect(readFileSync(file, 'utf8')).toContain(password);
      void bearer;
    } finally {
      await svc.stop();
      await tdb.close();
    }
  });
});

describe('personal data in URLs', () => {
  it('is asked for by no path or query parameter of the API (cases are named by id only)', () => {
    const doc = load(readFileSync(path.join(__dirname, '../../docs/openapi.yaml'), 'utf8')) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name?: string; in?: string; $ref?: string }> }>>;
      components: { parameters: Record<string, { name: string; in: string }> };
    };
    const personal = /name|birth|pin|nir|address|street|town|postal|person|sex/i;
    const offenders: string[] = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      if (personal.test(p.replace(/\{username\}/, ''))) offenders.push(p);
      for (const [method, op] of Object.entries(item)) {
        for (const raw of op.parameters ?? []) {
          const param = raw.$ref ? doc.components.parameters[raw.$ref.split('/').pop()!] : raw;
          if (param?.in !== 'header' && param?.name && param.name !== 'username' && personal.test(param.name)) offenders.push(`${method} ${p} ?${param.name}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
