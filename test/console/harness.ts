/**
 * The browser-test harness of the console: the real service (startService) on a real database, listening on an
 * ephemeral port and serving the built console; Debian's Chromium driven by playwright-core (never a downloaded
 * browser); seeded accounts; screenshots of every step in test-artifacts/screenshots/<test>/<step>.png; axe-core
 * on every page visited (serious or critical violations fail the test). See console/README.md.
 *
 *   const h = await startConsoleHarness();                    // once per file (beforeAll)
 *   const op = await h.open(ACCOUNTS.operator);                // a browser context logged in as that account
 *   await h.step(op.page, 'queue');                            // screenshot + axe
 *   await h.close();                                           // afterAll
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startService, type Service } from '../../src/app/service';
import { loadConfig } from '../../src/config/env';
import type { Envelope } from '../../src/intake/envelope';
import { loadDirectoryFromConfig, loadRuleTableFromConfig } from '../../src/routing/config-files';
import type { Clock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { openPglite, openPostgres, type TestDatabase } from '../helpers/db';
import { pgUrlOrSkip } from '../helpers/services';

const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const BOOTSTRAP_TOKEN = 'console-test-bootstrap-token-0123456789';
/** Starting a harness may build the console first and opens a database: give beforeAll this long. */
export const HARNESS_START_MS = 240_000;
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'screenshots');

export interface Account {
  username: string;
  password: string;
  role: 'operator' | 'supervisor' | 'agent' | 'admin';
}

/** The seeded accounts (synthetic people; the passwords exist only in tests). */
export const ACCOUNTS = {
  operator: { username: 'o.martin', password: 'operator-password-1', role: 'operator' },
  operator2: { username: 'c.bernard', password: 'operator-password-2', role: 'operator' },
  admin: { username: 'a.admin', password: 'admin-password-123', role: 'admin' },
  supervisor: { username: 's.lefevre', password: 'supervisor-password-1', role: 'supervisor' },
  agent: { username: 'h.moreau', password: 'agent-password-1234', role: 'agent' },
} satisfies Record<string, Account>;

/** Real time, shifted: seeding "three days ago" then coming back to now keeps cookies and sessions valid. */
export class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

export interface BrowserUser {
  context: BrowserContext;
  page: Page;
  /** Errors the page raised (uncaught exceptions, console errors such as a CSP refusal). */
  errors: string[];
}

export interface ConsoleHarness {
  svc: Service;
  tdb: TestDatabase;
  driver: 'pglite' | 'postgres';
  baseUrl: string;
  clock: ShiftedClock;
  browser: Browser;
  /** A fresh browser context on the console, logged in as `account` unless `login` is false. */
  open(account?: Account, opts?: { login?: boolean; path?: string }): Promise<BrowserUser>;
  login(page: Page, account: Account): Promise<void>;
  /** Screenshot as test-artifacts/screenshots/<current test>/<NN-step>.png, then axe (fails on serious/critical). */
  step(page: Page, name: string): Promise<void>;
  /** POST an envelope with the bootstrap token and route it. */
  send(envelope: Envelope): Promise<void>;
  /** A call to the API with a bearer token (bootstrap by default). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of many shapes
  api(method: string, apiPath: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  institutionToken(institutionId: string): Promise<string>;
  /** Empties the database and seeds the directory, the rule table and the accounts again. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Builds dist/console once when its sources changed (a lock keeps parallel test files from building twice). */
export function ensureConsoleBuilt(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-if-stale.mjs'), 'console'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.status !== 0) throw new Error(`console build failed:\n${r.stdout}\n${r.stderr}`);
}

/** The drivers a browser test runs on: PGlite always; PostgreSQL too when reachable (REQUIRE_SERVICES=1: required). */
export function consoleDrivers(): Array<'pglite' | 'postgres'> {
  return pgUrlOrSkip() ? ['pglite', 'postgres'] : ['pglite'];
}

async function seed(svc: Service, accounts: Account[]): Promise<void> {
  await svc.routingConfig.seed({ directory: loadDirectoryFromConfig(path.join(ROOT, 'config')), ruleTable: loadRuleTableFromConfig(path.join(ROOT, 'config')) });
  for (const a of accounts) await svc.access.ensureOperator(a.username, a.password, a.role);
}

let stepCounter = new Map<string, number>();

function testDir(): string {
  const name = expect.getState().currentTestName ?? 'outside-a-test';
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 120);
}

export async function startConsoleHarness(opts: { driver?: 'pglite' | 'postgres'; accounts?: Account[]; env?: Record<string, string> } = {}): Promise<ConsoleHarness> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (browser tests never download a browser)`);
  ensureConsoleBuilt();
  const driver = opts.driver ?? 'pglite';
  const accounts = opts.accounts ?? Object.values(ACCOUNTS);
  const tdb = driver === 'postgres' ? await openPostgres() : await openPglite();
  const clock = new ShiftedClock();
  const svc = await startService(loadConfig({ BOOTSTRAP_TOKEN, PORT: '0', LOG_LEVEL: 'warn', ...opts.env }), {
    db: tdb.db, clock, logger: silentLogger(), workers: false, consoleDir: path.join(ROOT, 'dist', 'console'),
  });
  await seed(svc, accounts);
  const baseUrl = `http://127.0.0.1:${(svc.server!.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  stepCounter = new Map();

  const api: ConsoleHarness['api'] = async (method, apiPath, body, token = BOOTSTRAP_TOKEN) => {
    const res = await fetch(`${baseUrl}${apiPath}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  const login: ConsoleHarness['login'] = async (page, account) => {
    await page.getByLabel(/^(Identifiant|Username)$/).fill(account.username);
    await page.getByLabel(/^(Mot de passe|Password)$/).fill(account.password);
    await page.getByRole('button', { name: /^(Se connecter|Log in)$/ }).click();
    await page.getByRole('navigation').waitFor();
  };

  const h: ConsoleHarness = {
    svc, tdb, driver, baseUrl, clock, browser, api, login,
    async open(account, o = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1360, height: 860 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        // A 401/404 the page expects (GET /api/session without a session) is logged by Chromium as a failed load.
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
      });
      await page.goto(o.path ?? '/');
      if (account && o.login !== false) await login(page, account);
      return { context, page, errors };
    },
    async step(page, name) {
      const dir = testDir();
      const n = (stepCounter.get(dir) ?? 0) + 1;
      stepCounter.set(dir, n);
      const out = path.join(ARTIFACTS, dir);
      mkdirSync(out, { recursive: true });
      await page.screenshot({ path: path.join(out, `${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
      const result = await new AxeBuilder({ page }).analyze();
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      if (bad.length) {
        const lines = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).map((x) => x.target.join(' ')).join('\n    ')}`);
        throw new Error(`axe found ${bad.length} serious/critical violation(s) on "${name}" (${page.url()}):\n  ${lines.join('\n  ')}`);
      }
    },
    async send(envelope) {
      const r = await api('POST', '/api/envelopes', envelope);
      if (r.status !== 202 && r.status !== 200) throw new Error(`intake answered ${r.status}: ${JSON.stringify(r.body)}`);
      await svc.routingWorker.drain();
    },
    async institutionToken(institutionId) {
      const r = await api('POST', '/api/admin/tokens', { role: 'institution', institutionId });
      if (r.status !== 201) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    async reset() {
      await tdb.reset();
      await seed(svc, accounts);
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await svc.stop();
      await tdb.close();
    },
  };
  return h;
}
