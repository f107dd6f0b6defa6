/**
 * Scale-out: two service processes on one PostgreSQL and one RabbitMQ share the same intake stream (competing
 * consumers, SKIP LOCKED routing batches, leased outbox). One is killed with SIGKILL mid-stream; the other
 * finishes the work: received = forwarded + in triage + quarantined, every forward reaches its institution's
 * queue, and no forward is published twice by the relays beyond the one batch the killed relay may have had
 * confirmed and not yet marked (republished with the same messageId once its lease expired).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { connect } from 'amqplib';
import { institutionQueueName, type TopologyNames } from '../../src/bus/topology';
import { DEFAULT_RELAY_BATCH } from '../../src/forwarding/outbox-relay';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import { Inspector, testNames, waitFor } from '../bus/support';
import { openPostgres, type TestDatabase } from '../helpers/db';
import { amqpEnv } from '../helpers/service-env';
import { amqpUrlOrSkip, describeIf, pgUrlOrSkip } from '../helpers/services';

const AMQP_URL = amqpUrlOrSkip();
const PG = pgUrlOrSkip();
const ROOT = path.join(__dirname, '..', '..');
const TOTAL = 600;

describeIf(AMQP_URL && PG)('two instances, one killed mid-stream', () => {
  let tdb: TestDatabase;
  let names: TopologyNames;
  let inspector: Inspector;
  const children: ChildProcess[] = [];

  const startInstance = async (label: string): Promise<ChildProcess> => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      // A short lease, so that the survivor takes over the killed relay's batch within the test.
      env: { ...process.env, NODE_OPTIONS: '', ...amqpEnv(AMQP_URL!, names, `${label}-${names.intake}`), DATABASE_URL: tdb.url!, PORT: String(port), LOG_LEVEL: 'error', OUTBOX_LEASE_MS: '3000' },
      stdio: 'ignore',
    });
    children.push(child);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)), 60_000, `${label} ready`);
    return child;
  };

  beforeAll(async () => {
    tdb = await openPostgres();
    inspector = await Inspector.open(AMQP_URL!);
    names = testNames();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    const ids = (await tdb.db.query<{ institution_id: string }>('SELECT DISTINCT institution_id FROM forwards')).map((r) => r.institution_id);
    await inspector.deleteTopology(names, ids.map((id) => institutionQueueName(names, id)));
    await inspector.close();
    await tdb.close();
  });

  const state = async () => (await tdb.db.query<{ forwarded: number; triage: number; received: number; quarantined: number; published: number; forwards: number; work: number }>(
    `SELECT (SELECT count(*)::int FROM envelopes WHERE state = 'forwarded') AS forwarded,
            (SELECT count(*)::int FROM envelopes WHERE state = 'triage') AS triage,
            (SELECT count(*)::int FROM envelopes WHERE state = 'received') AS received,
            (SELECT count(*)::int FROM quarantine) AS quarantined,
            (SELECT count(*)::int FROM forwards WHERE published_at IS NOT NULL) AS published,
            (SELECT count(*)::int FROM forwards) AS forwards,
            (SELECT count(*)::int FROM work_queue) AS work`))[0];

  it('the survivor finishes: counts add up, every forward in its queue, no double publication by the relays', async () => {
    const first = await startInstance('a');
    await startInstance('b');
    const items = generateEnvelopes({ count: TOTAL, seed: 'scale-out', from: '2026-10-01', to: '2026-11-01', malformedShare: 0.03 });
    const conn = await connect(AMQP_URL!);
    const ch = await conn.createConfirmChannel();
    const publish = async (from: number, to: number) => {
      for (let n = from; n < to; n += 1) {
        const item = items[n];
        ch.sendToQueue(names.intake, Buffer.from(isMalformed(item) ? item.raw : JSON.stringify(item)), { messageId: `e${n}`, persistent: true });
      }
      await ch.waitForConfirms();
    };
    await publish(0, TOTAL / 2);
    // Mid-stream: both instances are storing, routing and publishing when one dies.
    await waitFor(async () => (await state()).published >= 50, 120_000, 'forwards flowing');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await publish(TOTAL / 2, TOTAL);
    await conn.close();

    await waitFor(async () => {
      const s = await state();
      return s.forwarded + s.triage + s.quarantined === TOTAL && s.received === 0 && s.work === 0 && s.published === s.forwards;
    }, 240_000, 'the survivor routed every envelope and published every forward');
    const s = await state();
    expect(s.forwarded + s.triage + s.quarantined).toBe(TOTAL);
    expect(s.forwards).toBe(s.forwarded);

    const forwards = await tdb.db.query<{ forward_id: string; institution_id: string }>('SELECT forward_id, institution_id FROM forwards');
    const messages: string[] = [];
    for (const id of new Set(forwards.map((f) => f.institution_id))) {
      messages.push(...(await inspector.drain(institutionQueueName(names, id))).map((m) => String(m.properties.messageId)));
    }
    expect(new Set(messages)).toEqual(new Set(forwards.map((f) => f.forward_id)));
    const duplicates = messages.length - new Set(messages).size;
    console.log(`[scale-out] ${TOTAL} envelopes, one of two instances killed: ${s.forwarded} forwarded, ${s.triage} in triage, ${s.quarantined} quarantined; ${duplicates} forwards republished after the kill`);
    expect(duplicates).toBeLessThanOrEqual(DEFAULT_RELAY_BATCH);
    // Each decision once per envelope: two instances never decided the same SED.
    const [{ decided }] = await tdb.db.query<{ decided: number }>(`SELECT count(DISTINCT envelope_id)::int AS decided FROM decisions WHERE decided_by = 'router'`);
    const [{ decisions }] = await tdb.db.query<{ decisions: number }>(`SELECT count(*)::int AS decisions FROM decisions WHERE decided_by = 'router'`);
    expect(decisions).toBe(decided);
  }, 420_000);
});
