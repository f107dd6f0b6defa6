/**
 * Regression (#14): a database failover killed the service. The service runs as its own process and reaches the
 * shared PostgreSQL through a TCP proxy that the test cuts for 20 s in the middle of a 2,000-envelope stream, as a
 * Patroni switchover would (the shared PostgreSQL itself is never stopped). Meanwhile /readyz answers 503 and the
 * process stays alive; afterwards every envelope is routed, every forward published, nothing is in liaison.dead.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { connect } from 'amqplib';
import type { TopologyNames } from '../../src/bus/topology';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import { Inspector, sleep, testNames, waitFor } from '../bus/support';
import { openPostgres, type TestDatabase } from '../helpers/db';
import { amqpEnv } from '../helpers/service-env';
import { amqpUrlOrSkip, describeIf, pgUrlOrSkip } from '../helpers/services';
import { TcpProxy } from '../helpers/tcp-proxy';

const AMQP_URL = amqpUrlOrSkip();
const PG = pgUrlOrSkip();
const ROOT = path.join(__dirname, '..', '..');
const TOTAL = 2000;
const OUTAGE_MS = 20_000;

describeIf(AMQP_URL && PG)('database failover under a stream of envelopes (PostgreSQL through a proxy)', () => {
  let tdb: TestDatabase;
  let names: TopologyNames;
  let inspector: Inspector;
  let proxy: TcpProxy;

  beforeAll(async () => {
    tdb = await openPostgres();
    inspector = await Inspector.open(AMQP_URL!);
    const u = new URL(tdb.url!);
    proxy = new TcpProxy(u.hostname, Number(u.port || 5432));
    await proxy.up();
    names = testNames();
  });
  afterAll(async () => {
    await proxy.down();
    await inspector.deleteTopology(names);
    await inspector.close();
    await tdb.close();
  });

  const state = async () => (await tdb.db.query<{ routed: number; received: number; stored: number; quarantined: number; unpublished: number }>(
    `SELECT (SELECT count(*)::int FROM envelopes WHERE state <> 'received') AS routed,
            (SELECT count(*)::int FROM envelopes WHERE state = 'received') AS received,
            (SELECT count(*)::int FROM envelopes) AS stored,
            (SELECT count(*)::int FROM quarantine) AS quarantined,
            (SELECT count(*)::int FROM forwards WHERE published_at IS NULL) AS unpublished`))[0];

  it(`rides out a ${OUTAGE_MS / 1000} s database outage mid-stream: not ready meanwhile, alive, nothing lost`, async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env = {
      ...amqpEnv(AMQP_URL!, names, `test-failover-${names.intake}`), PORT: String(port), DATABASE_URL: proxy.urlThrough(tdb.url!),
      LOG_LEVEL: 'warn', INTAKE_PREFETCH: '50',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += String(d); });
    child.stderr.on('data', (d) => { output += String(d); });
    let exitCode: number | null | undefined;
    child.once('exit', (code) => { exitCode = code; });
    const ready = async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0));
    try {
      await waitFor(async () => (await ready()) === 200, 60_000, 'service ready');
      const items = generateEnvelopes({ count: TOTAL, seed: 'failover', from: '2026-10-01', to: '2026-11-01', malformedShare: 0 });
      const conn = await connect(AMQP_URL!);
      const ch = await conn.createConfirmChannel();
      for (const [n, item] of items.entries()) {
        ch.sendToQueue(names.intake, Buffer.from(isMalformed(item) ? item.raw : JSON.stringify(item)), { messageId: `f${n}`, persistent: true });
        if (n % 200 === 199) await ch.waitForConfirms();
      }
      await ch.waitForConfirms();
      await conn.close();

      await waitFor(async () => (await state()).stored >= 100, 60_000, 'the stream under way');
      await proxy.down();
      const cutAt = Date.now();
      const during: number[] = [];
      while (Date.now() - cutAt < OUTAGE_MS) {
        during.push(await ready());
        expect(exitCode).toBeUndefined();
        await sleep(1_000);
      }
      const storedAtCut = (await state()).stored;
      await proxy.up();

      await waitFor(async () => {
        const s = await state();
        return s.stored + s.quarantined === TOTAL && s.received === 0 && s.unpublished === 0;
      }, 300_000, 'every envelope routed and every forward published after the outage');
      const s = await state();
      console.log(`failover: ${storedAtCut} of ${TOTAL} stored when the database came back; readiness during the cut: ${[...new Set(during)].join(', ')}`);
      // Readiness: 503 while the database is away (the first probe may still ride on a live connection).
      expect(during.slice(3).every((status) => status === 503)).toBe(true);
      expect(exitCode).toBeUndefined();
      expect(output).not.toMatch(/Emitted 'error' event|Unhandled|uncaught/i);
      expect(s.quarantined).toBe(0);
      expect(s.stored).toBe(TOTAL);
      expect(s.routed).toBe(TOTAL);
      expect(storedAtCut).toBeLessThan(TOTAL);
      expect(await inspector.messageCount(names.dead)).toBe(0);
      expect(await inspector.messageCount(names.intake)).toBe(0);
      await waitFor(async () => (await ready()) === 200, 30_000, 'ready again');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (exitCode !== undefined ? resolve(undefined) : child.once('exit', resolve)));
    }
  }, 480_000);
});
