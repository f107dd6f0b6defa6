/** A service on a test database for the console API tests, and a logged-in person's headers. */
import { Writable } from 'node:stream';
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import type { Clock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import type { Database } from '../../src/store/database';

export const TOKEN = 'test-bootstrap-token-0123456789';
export const bearer = { Authorization: `Bearer ${TOKEN}` };
export const ADMIN = { username: 'root', password: 'bootstrap-pass-0123' };

export interface TestService {
  svc: Service;
  logs: string[];
}

export async function startTestService(db: Database, clock: Clock, env: Record<string, string> = {}): Promise<TestService> {
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } });
  const logger = createLogger({ level: 'debug', stream: sink });
  const config = loadConfig({ BOOTSTRAP_TOKEN: TOKEN, BOOTSTRAP_ADMIN_USER: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, ...env });
  const svc = await startService(config, { db, clock, logger, listen: false, workers: false });
  return { svc, logs };
}

export interface Login {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export async function login(svc: Service, username: string, password: string): Promise<Login> {
  const res = await request(svc.app).post('/api/session').send({ username, password });
  if (res.status !== 201) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  return { cookie, csrf: res.body.csrfToken, headers: { Cookie: cookie, 'X-CSRF-Token': res.body.csrfToken }, body: res.body };
}

/** The password person() chooses: passes the password policy, and never holds the username. */
export const ownPassword = (username: string) => `Harbour-lantern-${username.length}-quietly-47`;

/** Creates an account through the admin API and logs it in with a password of its own. */
export async function person(svc: Service, admin: Login, username: string, role: string): Promise<Login> {
  const created = await request(svc.app).post('/api/admin/accounts').set(admin.headers).send({ username, role });
  if (created.status !== 201) throw new Error(`create ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  const first = await login(svc, username, created.body.temporaryPassword);
  const own = ownPassword(username);
  await request(svc.app).post('/api/session/password').set(first.headers).send({ currentPassword: created.body.temporaryPassword, newPassword: own }).expect(204);
  return login(svc, username, own);
}
