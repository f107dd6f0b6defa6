/**
 * Forwarding through RabbitMQ on PGlite and PostgreSQL: the outbox relay with publisher confirms, a broker that
 * goes away while forwards accumulate, institutions' replies (accepted / bounced), and a 1,000-envelope run from
 * liaison.intake to the institution queues whose counts add up.
 */
import { institutionsWithQueues } from '../../src/forwarding/messages';
import { connect, type GetMessage } from 'amqplib';
import request from 'supertest';
import { institutionQueueName, type TopologyNames } from '../../src/bus/topology';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { silentLogger } from '../../src/shared/logger';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import { Inspector, testNames, waitFor } from '../bus/support';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { amqpEnv, TEST_TOKEN } from '../helpers/service-env';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { TcpProxy } from '../helpers/tcp-proxy';

const AMQP_URL = amqpUrlOrSkip();
const auth = { Authorization: `Bearer ${TEST_TOKEN}` };

describeIf(AMQP_URL).each(storageDrivers())('forwarding over AMQP on %s', (driver, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  let names: TopologyNames;
  let inspector: Inspector;
  let proxy: TcpProxy;

  beforeAll(async () => {
    tdb = await open();
    inspector = await Inspector.open(AMQP_URL!);
    const u = new URL(AMQP_URL!);
    proxy = new TcpProxy(u.hostname, Number(u.port || 5672));
    await proxy.up();
  });
  afterAll(async () => {
    await proxy.down();
    await inspector.close();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    await proxy.up();
    names = testNames();
    svc = await startService(loadConfig(amqpEnv(proxy.urlThrough(AMQP_URL!), names, `test-fwd-${names.intake}`)), { db: tdb.db, logger: silentLogger(), listen: false });
    await waitFor(() => svc.amqp!.broker.isConnected(), 10_000, 'broker connection');
  });
  afterEach(async () => {
    await svc.stop();
    const institutionQueues = institutionsWithQueues((await svc.routingConfig.current()).directory).map((id) => institutionQueueName(names, id));
    await inspector.deleteTopology(names, institutionQueues);
  });

  const post = (env: object) => request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(env));
  const count = async (sql: string) => (await tdb.db.query<{ n: number }>(sql))[0].n;
  const queueOf = (id: string) => institutionQueueName(names, id);

  it('publishes a forward with its id, legal receipt time and decision, and the X007 instruction once per case', async () => {
    const first = makeEnvelope({ caseId: 'C-AMQP-1', documentId: 'a1', legalDeliveryAt: '2026-11-20T10:14:03+01:00' });
    const second = makeEnvelope({ caseId: 'C-AMQP-1', documentId: 'a2' });
    await post(first).expect(202);
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NOT NULL')) === 1, 10_000, 'first published');
    await post(second).expect(202);
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NOT NULL')) === 2, 10_000, 'second published');
    const msgs = await inspector.drain(queueOf('FR:CARSATRA1'));
    expect(msgs).toHaveLength(2);
    const m = msgs.find((x) => JSON.parse(x.content.toString()).envelopeId === first.envelopeId)!;
    const body = JSON.parse(m.content.toString());
    expect(m.properties.messageId).toBe(body.forwardId);
    expect(m.properties.deliveryMode).toBe(2);
    expect(m.properties.headers?.['x-legal-delivery-at']).toBe('2026-11-20T10:14:03+01:00');
    expect(m.fields.routingKey).toBe('FR:CARSATRA1');
    expect(body).toEqual(expect.objectContaining({
      caseId: 'C-AMQP-1', bucType: 'P_BUC_01', sedType: 'P2000', institutionId: 'FR:CARSATRA1', legalDeliveryAt: '2026-11-20T10:14:03+01:00',
      decision: expect.objectContaining({ ruleId: 'P-RESIDENCE' }),
    }));
    expect(body.sed.P2000).toBeDefined();
    const rina = await inspector.drain(names.rinaForwardCase);
    expect(rina).toHaveLength(1);
    expect(JSON.parse(rina[0].content.toString())).toEqual(expect.objectContaining({ caseId: 'C-AMQP-1', targetInstitutionId: 'FR:CARSATRA1', sedType: 'X007' }));
  });

  it('keeps forwards while the broker is down and delivers each once it is back', async () => {
    await proxy.down();
    await waitFor(() => !svc.amqp!.broker.isConnected(), 10_000, 'disconnected');
    for (let i = 0; i < 20; i++) await post(makeEnvelope({ caseId: `C-DOWN-${i}`, documentId: `dn${i}` })).expect(202);
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM forwards')) === 20, 15_000, 'forwards committed');
    expect(await count('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NOT NULL')).toBe(0);
    await proxy.up();
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NOT NULL')) === 20, 60_000, 'all published');
    expect(await count('SELECT count(*)::int AS n FROM forwards')).toBe(20);
    const msgs = await inspector.drain(queueOf('FR:CARSATRA1'));
    expect(new Set(msgs.map((m: GetMessage) => m.properties.messageId)).size).toBe(20);
  }, 120_000);

  it('closes a forward on an accepted reply and sends the case back to triage on a rejection', async () => {
    await post(makeEnvelope({ caseId: 'C-REPLY-1', documentId: 'r1' })).expect(202);
    await post(makeEnvelope({ caseId: 'C-REPLY-2', documentId: 'r2' })).expect(202);
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NOT NULL')) === 2, 10_000, 'published');
    const [f1, f2] = (await tdb.db.query<{ forward_id: string }>('SELECT forward_id FROM forwards ORDER BY case_id')).map((r) => r.forward_id);
    const conn = await connect(AMQP_URL!);
    const ch = await conn.createConfirmChannel();
    ch.sendToQueue(names.forwardReplies, Buffer.from(JSON.stringify({ forwardId: f1, status: 'accepted' })), { persistent: true });
    ch.sendToQueue(names.forwardReplies, Buffer.from(JSON.stringify({ forwardId: f2, status: 'rejected', reason: 'not competent' })), { persistent: true });
    ch.sendToQueue(names.forwardReplies, Buffer.from('{"forwardId": 12'), { persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    await waitFor(async () => (await count(`SELECT count(*)::int AS n FROM forwards WHERE status <> 'pending'`)) === 2, 10_000, 'replies applied');
    expect((await request(svc.app).get('/api/cases/C-REPLY-1').set(auth)).body.forwards[0].status).toBe('accepted');
    const bounced = (await request(svc.app).get('/api/cases/C-REPLY-2').set(auth)).body;
    expect(bounced.status).toBe('triage');
    expect(bounced.triage.reason).toBe('BOUNCED');
    await waitFor(async () => (await inspector.messageCount(names.dead)) === 1, 10_000, 'malformed reply dead-lettered');
    const [dead] = await inspector.drain(names.dead);
    expect(dead.properties.headers?.['x-error-code']).toBe('VAL_NOT_JSON');
  });

  it('1,000 envelopes from liaison.intake to the institution queues: received = forwarded + in triage + quarantined', async () => {
    const items = generateEnvelopes({ count: 1000, seed: `e2e-${driver}`, from: '2026-10-01', to: '2026-11-01', malformedShare: 0.02 });
    const started = Date.now();
    const conn = await connect(AMQP_URL!);
    const ch = await conn.createConfirmChannel();
    for (const [n, item] of items.entries()) {
      ch.sendToQueue(names.intake, Buffer.from(isMalformed(item) ? item.raw : JSON.stringify(item)), { messageId: `e${n}`, persistent: true });
      if (n % 100 === 99) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
    await conn.close();
    const state = async () => (await tdb.db.query<{ forwarded: number; triage: number; received: number; quarantined: number; published: number; forwards: number }>(
      `SELECT (SELECT count(*)::int FROM envelopes WHERE state = 'forwarded') AS forwarded,
              (SELECT count(*)::int FROM envelopes WHERE state = 'triage') AS triage,
              (SELECT count(*)::int FROM envelopes WHERE state = 'received') AS received,
              (SELECT count(*)::int FROM quarantine) AS quarantined,
              (SELECT count(*)::int FROM forwards WHERE published_at IS NOT NULL) AS published,
              (SELECT count(*)::int FROM forwards) AS forwards`))[0];
    await waitFor(async () => {
      const s = await state();
      return s.forwarded + s.triage + s.quarantined === 1000 && s.received === 0 && s.published === s.forwards;
    }, 180_000, 'every envelope routed and every forward published');
    const s = await state();
    const institutions = (await svc.routingConfig.current()).directory.institutions.filter((i) => i.id.startsWith('FR:'));
    let queued = 0;
    // Institution queues are declared on their first forward here (AMQP_DECLARE_INSTITUTION_QUEUES=false).
    for (const i of institutions) queued += await inspector.messageCount(queueOf(i.id)).catch(() => 0);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`[${driver}] 1,000 end to end in ${seconds} s: ${s.forwarded} forwarded (${queued} messages in institution queues), ${s.triage} in triage, ${s.quarantined} quarantined`);
    expect(s.forwarded + s.triage + s.quarantined).toBe(1000);
    expect(s.forwards).toBe(s.forwarded);
    expect(queued).toBe(s.forwarded);
    expect(s.forwarded / 1000).toBeGreaterThan(0.5);
  }, 240_000);
});
