/**
 * Intake through RabbitMQ (liaison.intake) on PGlite and PostgreSQL: ack only after the commit, quarantine
 * without blocking, broker connections lost mid-stream, and 1,000 envelopes that end as exactly 1,000 rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from 'amqplib';
import type { TopologyNames } from '../../src/bus/topology';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { silentLogger } from '../../src/shared/logger';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import { Inspector, killConnections, testNames, waitFor } from '../bus/support';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { FlakyDatabase } from '../helpers/flaky-db';
import { amqpEnv } from '../helpers/service-env';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { TcpProxy } from '../helpers/tcp-proxy';

const AMQP_URL = amqpUrlOrSkip();

describeIf(AMQP_URL).each(storageDrivers())('AMQP intake on %s', (driver, open) => {
  let tdb: TestDatabase;
  let flaky: FlakyDatabase;
  let svc: Service;
  let names: TopologyNames;
  let inspector: Inspector;
  let connectionName: string;

  beforeAll(async () => {
    tdb = await open();
    inspector = await Inspector.open(AMQP_URL!);
  });
  afterAll(async () => {
    await inspector.close();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    names = testNames();
    connectionName = `test-intake-${names.intake}`;
    flaky = new FlakyDatabase(tdb.db);
    svc = await startService(loadConfig(amqpEnv(AMQP_URL!, names, connectionName)), { db: flaky, logger: silentLogger(), listen: false });
    await waitFor(() => svc.amqp!.broker.isConnected(), 10_000, 'broker connection');
  });
  afterEach(async () => {
    await svc.stop();
    await inspector.deleteTopology(names);
  });

  const count = async (sql: string) => (await tdb.db.query<{ n: number }>(sql))[0].n;
  const rows = () => count('SELECT (SELECT count(*) FROM envelopes) + (SELECT count(*) FROM quarantine) AS n');

  it('stores a valid envelope, quarantines an invalid one, and acks both', async () => {
    const env = makeEnvelope();
    await inspector.sendToQueue(names.intake, Buffer.from(JSON.stringify(env)), env.envelopeId);
    await inspector.sendToQueue(names.intake, Buffer.from('{"not": "an envelope"'), 'broken-1');
    await waitFor(async () => (await rows()) === 2, 10_000, 'two rows');
    expect(await count(`SELECT count(*)::int AS n FROM envelopes WHERE via = 'amqp'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM quarantine WHERE error_code = 'VAL_NOT_JSON'`)).toBe(1);
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 0, 5000, 'queue drained');
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });

  it('leaves the message in the queue while the database fails, and stores it once when it is back', async () => {
    flaky.failing = /INSERT INTO (envelopes|quarantine)/;
    const env = makeEnvelope();
    await inspector.sendToQueue(names.intake, Buffer.from(JSON.stringify(env)), env.envelopeId);
    await waitFor(() => flaky.failures >= 2, 15_000, 'two failed attempts');
    expect(await rows()).toBe(0);
    flaky.failing = null;
    await waitFor(async () => (await rows()) === 1, 30_000, 'stored after recovery');
    expect(await count(`SELECT count(*)::int AS n FROM envelopes`)).toBe(1);
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });

  it('keeps every NAV fixture (accepted or quarantined) and never stops consuming', async () => {
    const dir = path.join(__dirname, '..', 'fixtures', 'nav');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    for (const f of files) await inspector.sendToQueue(names.intake, readFileSync(path.join(dir, f)), f);
    const after = makeEnvelope();
    await inspector.sendToQueue(names.intake, Buffer.from(JSON.stringify(after)), after.envelopeId);
    await waitFor(async () => (await rows()) === files.length + 1, 20_000, 'all fixtures handled');
    expect(await count(`SELECT count(*)::int AS n FROM quarantine`)).toBe(files.length);
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });

  it('loses nothing and stores nothing twice when the broker goes away for seconds while consuming', async () => {
    // The service reaches RabbitMQ through a proxy that is cut and restored: for the service, a broker restart.
    await svc.stop();
    const u = new URL(AMQP_URL!);
    const proxy = new TcpProxy(u.hostname, Number(u.port || 5672));
    await proxy.up();
    svc = await startService(loadConfig({ ...amqpEnv(proxy.urlThrough(AMQP_URL!), names, connectionName), INTAKE_PREFETCH: '5' }), { db: flaky, logger: silentLogger(), listen: false });
    try {
      await waitFor(() => svc.amqp!.broker.isConnected(), 10_000, 'broker connection');
      const envs = Array.from({ length: 300 }, (_, i) => makeEnvelope({ caseId: `C-RST-${i}`, documentId: `rst${i}` }));
      const conn = await connect(AMQP_URL!);
      const ch = await conn.createConfirmChannel();
      for (const e of envs) ch.sendToQueue(names.intake, Buffer.from(JSON.stringify(e)), { messageId: e.envelopeId, persistent: true });
      await ch.waitForConfirms();
      await conn.close();
      await waitFor(async () => (await rows()) >= 50, 30_000, 'consuming');
      await proxy.down();
      const during = await rows();
      await new Promise((r) => setTimeout(r, 2000));
      await proxy.up();
      await waitFor(async () => (await rows()) === 300, 60_000, 'all 300 stored after the broker came back');
      await waitFor(async () => (await inspector.messageCount(names.intake)) === 0, 30_000, 'queue drained');
      expect(during).toBeLessThan(300);
      expect(await count('SELECT count(*)::int AS n FROM envelopes')).toBe(300);
      expect(await count('SELECT count(*)::int AS n FROM quarantine')).toBe(0);
      expect(await inspector.messageCount(names.dead)).toBe(0);
    } finally {
      await proxy.down();
    }
  }, 120_000);

  it('1,000 envelopes through liaison.intake end as exactly 1,000 stored or quarantined rows, across a lost connection', async () => {
    const items = generateEnvelopes({ count: 1000, seed: `amqp-${driver}`, from: '2026-10-01', to: '2026-11-01', malformedShare: 0.03 });
    // Unique envelope ids: a generated follow-up SED is a new document, so no id repeats.
    const ids = new Set(items.filter((i) => !isMalformed(i)).map((i) => (i as { envelopeId: string }).envelopeId));
    const bodies = items.map((i) => Buffer.from(isMalformed(i) ? i.raw : JSON.stringify(i)));
    expect(new Set(bodies.map((b) => b.toString('base64'))).size).toBe(1000);
    const started = Date.now();
    const conn = await connect(AMQP_URL!);
    const ch = await conn.createConfirmChannel();
    for (const [n, b] of bodies.entries()) {
      ch.sendToQueue(names.intake, b, { messageId: `m${n}`, persistent: true });
      if (n % 100 === 99) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
    await conn.close();
    // The service loses its broker connection while it works through the queue.
    await waitFor(async () => (await rows()) >= 300, 60_000, '300 rows');
    expect(killConnections(connectionName)).toBeGreaterThan(0);
    await waitFor(async () => (await rows()) >= 1000, 120_000, '1,000 rows');
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 0, 30_000, 'queue drained');
    const stored = await count('SELECT count(*)::int AS n FROM envelopes');
    const quarantined = await count('SELECT count(*)::int AS n FROM quarantine');
    const duplicates = await count('SELECT coalesce(sum(duplicates), 0)::int AS n FROM envelopes');
    console.log(`[${driver}] 1,000 via AMQP in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stored} stored, ${quarantined} quarantined, ${duplicates} redelivered duplicate(s) recognised`);
    expect(stored).toBe(ids.size);
    expect(stored + quarantined).toBe(1000);
    expect(await inspector.messageCount(names.dead)).toBe(0);
  }, 240_000);
});
