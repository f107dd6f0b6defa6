/**
 * A service process killed (SIGKILL) after committing forwards and before publishing them: the next process
 * publishes every one of them, once in the outbox. Real PostgreSQL, real RabbitMQ, a real child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { institutionQueueName, type TopologyNames } from '../../src/bus/topology';
import { loadConfig } from '../../src/config/env';
import { startService } from '../../src/app/service';
import { silentLogger } from '../../src/shared/logger';
import { Inspector, testNames, waitFor } from '../bus/support';
import { openPostgres, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { amqpEnv, TEST_TOKEN } from '../helpers/service-env';
import { amqpUrlOrSkip, describeIf, pgUrlOrSkip } from '../helpers/services';
import { TcpProxy } from '../helpers/tcp-proxy';

const AMQP_URL = amqpUrlOrSkip();
const PG = pgUrlOrSkip();
const ROOT = path.join(__dirname, '..', '..');

describeIf(AMQP_URL && PG)('crash between commit and publish', () => {
  let tdb: TestDatabase;
  let names: TopologyNames;
  let inspector: Inspector;
  let proxy: TcpProxy;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    tdb = await openPostgres();
    inspector = await Inspector.open(AMQP_URL!);
    const u = new URL(AMQP_URL!);
    proxy = new TcpProxy(u.hostname, Number(u.port || 5672));
    await proxy.up();
    names = testNames();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await proxy.down();
    await inspector.deleteTopology(names, [institutionQueueName(names, 'FR:CARSATRA1')]);
    await inspector.close();
    await tdb.close();
  });

  const count = async (sql: string) => (await tdb.db.query<{ n: number }>(sql))[0].n;

  it('publishes after restart what the killed process had committed', async () => {
    await proxy.down(); // the first process never reaches the broker: its forwards stay in the outbox
    const port = 20000 + Math.floor(Math.random() * 20000);
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', ...amqpEnv(proxy.urlThrough(AMQP_URL!), names, `crash-${names.intake}`), DATABASE_URL: tdb.url!, PORT: String(port), LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)), 30_000, 'child service up');
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/api/envelopes`, {
        method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(makeEnvelope({ caseId: `C-CRASH-${i}`, documentId: `k${i}` })),
      });
      expect(res.status).toBe(202);
    }
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM forwards')) === 10, 20_000, 'forwards committed');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    expect(await count('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NULL')).toBe(10);

    await proxy.up();
    const svc = await startService(loadConfig(amqpEnv(AMQP_URL!, names, `restart-${names.intake}`)), { db: tdb.db, logger: silentLogger(), listen: false });
    try {
      await waitFor(async () => (await count('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NOT NULL')) === 10, 30_000, 'published after restart');
      expect(await count('SELECT count(*)::int AS n FROM forwards')).toBe(10);
      const msgs = await inspector.drain(institutionQueueName(names, 'FR:CARSATRA1'));
      expect(new Set(msgs.map((m) => m.properties.messageId)).size).toBe(10);
    } finally {
      await svc.stop();
    }
  }, 120_000);
});
