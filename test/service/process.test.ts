/**
 * The service as a process: starts on the embedded default, serves health and readiness, refuses a bad
 * configuration naming each bad key, and exits 0 on SIGTERM after finishing what it holds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { waitFor } from '../bus/support';
import { makeEnvelope } from '../helpers/envelopes';

const ROOT = path.join(__dirname, '..', '..');
const TOKEN = 'process-test-token-0123456789';

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += String(d); });
  child.stderr.on('data', (d) => { output += String(d); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('service process', () => {
  it('starts on PGlite, accepts an envelope, and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'liaison-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const p = run({ PORT: String(port), DATA_DIR: dataDir, BOOTSTRAP_TOKEN: TOKEN });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)), 45_000, 'ready');
      const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
      expect(health).toEqual({ status: 'ok' });
      const res = await fetch(`http://127.0.0.1:${port}/api/envelopes`, {
        method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(makeEnvelope()),
      });
      expect(res.status).toBe(202);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('refuses to start with a bad configuration, naming each bad key', async () => {
    const p = run({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/PORT="eighty"/);
    expect(p.output()).toMatch(/LOG_LEVEL="loud"/);
    expect(p.output()).toMatch(/DATABASE_URL must start with postgres:/);
  }, 30_000);

  it.each([
    ['a short BOOTSTRAP_TOKEN', { BOOTSTRAP_TOKEN: 'short' }, /BOOTSTRAP_TOKEN/],
    ['an admin user without password', { BOOTSTRAP_ADMIN_USER: 'ops' }, /go together/],
    ['a breached BOOTSTRAP_ADMIN_PASSWORD', { BOOTSTRAP_ADMIN_USER: 'ops', BOOTSTRAP_ADMIN_PASSWORD: 'password123' }, /BOOTSTRAP_ADMIN_PASSWORD is refused by the password policy \(common\)/],
    ['a bad boolean', { AMQP_DECLARE_INSTITUTION_QUEUES: 'maybe' }, /AMQP_DECLARE_INSTITUTION_QUEUES/],
    ['a bad cron', { HELPDESK_ESCALATION_CRON: 'every minute' }, /HELPDESK_ESCALATION_CRON/],
  ])('rejects %s', (_n, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('maps AMQP name overrides to the topology keys', () => {
    expect(loadConfig({ AMQP_NAME_FORWARD_REPLIES: 'x.replies', AMQP_NAME_INTAKE: 'x.in' }).amqpNames).toEqual({ forwardReplies: 'x.replies', intake: 'x.in' });
  });
});
