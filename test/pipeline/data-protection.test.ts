/**
 * Data protection (#14): the retention job purges the SED bodies of closed cases and old quarantined bytes while
 * keeping the figures and the decisions; over a realistic run through HTTP and AMQP no log line and no metric
 * label carries personal data, and identifiers (case, envelope, ticket ids) survive redaction unchanged.
 */
import { institutionsWithQueues } from '../../src/forwarding/messages';
import request from 'supertest';
import { connect } from 'amqplib';
import type { TopologyNames } from '../../src/bus/topology';
import { institutionQueueName } from '../../src/bus/topology';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { capturingLogger, Inspector, testNames, waitFor } from '../bus/support';
import { openPglite, type TestDatabase } from '../helpers/db';
import { makeEnvelope, PERSONAL_VALUES } from '../helpers/envelopes';
import { amqpEnv, TEST_TOKEN } from '../helpers/service-env';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';

const auth = { Authorization: `Bearer ${TEST_TOKEN}` };

describe('retention job', () => {
  let tdb: TestDatabase;
  let svc: Service;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    tdb = await openPglite();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TEST_TOKEN, RETENTION_DAYS: '30' }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  const post = (body: string) => request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(body);

  it('purges bodies of closed cases and old quarantined bytes after RETENTION_DAYS, keeping metadata, decisions, events and forwards', async () => {
    const closed = makeEnvelope({ caseId: 'C-RET-CLOSED', documentId: 'ret1' });
    const open = makeEnvelope({ caseId: 'C-RET-OPEN', documentId: 'ret2' });
    expect((await post(JSON.stringify(closed))).status).toBe(202);
    expect((await post(JSON.stringify(open))).status).toBe(202);
    const rejected = await post('{"familyName": "Dupontel", ');
    await svc.routingWorker.drain();
    const forwards = await tdb.db.query<{ forward_id: string; case_id: string }>('SELECT forward_id, case_id FROM forwards ORDER BY case_id');
    const closedForward = forwards.find((f) => f.case_id === 'C-RET-CLOSED')!;
    expect(closedForward).toBeDefined();
    expect((await request(svc.app).post(`/api/forwards/${closedForward.forward_id}/ack`).set(auth).send({ status: 'accepted' })).status).toBe(200);
    const before = await tdb.db.query<{ n: number }>('SELECT (SELECT count(*) FROM decisions) + (SELECT count(*) FROM case_events) + (SELECT count(*) FROM forwards) AS n');

    // Not yet old enough: nothing goes.
    expect(await svc.retention(new Date('2026-12-10T10:00:00Z'))).toMatchObject({ bodies: 0, quarantined: 0 });
    const later = await svc.retention(new Date('2026-12-25T10:00:00Z'));
    expect(later).toEqual({ bodies: 1, quarantined: 1, ran: true });

    const rows = await tdb.db.query<{ case_id: string; body: unknown; body_purged_at: Date | null; sed_type: string; legal_delivery_at: Date }>(
      'SELECT case_id, body, body_purged_at, sed_type, legal_delivery_at FROM envelopes ORDER BY case_id');
    const byCase = Object.fromEntries(rows.map((r) => [r.case_id, r]));
    expect(byCase['C-RET-CLOSED'].body).toBeNull();
    expect(byCase['C-RET-CLOSED'].body_purged_at?.toISOString()).toBe('2026-12-25T10:00:00.000Z');
    expect(byCase['C-RET-CLOSED'].sed_type).toBe('P2000');
    expect(byCase['C-RET-CLOSED'].legal_delivery_at.toISOString()).toBe('2026-11-20T09:14:03.000Z');
    // The open case (its forward not acknowledged) keeps its body.
    expect(byCase['C-RET-OPEN'].body).not.toBeNull();
    const after = await tdb.db.query<{ n: number }>('SELECT (SELECT count(*) FROM decisions) + (SELECT count(*) FROM case_events) + (SELECT count(*) FROM forwards) AS n');
    expect(after).toEqual(before);

    const q = await request(svc.app).get(`/api/quarantine/${rejected.body.quarantineId}`).set(auth);
    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ raw: null, errorCode: 'VAL_NOT_JSON', receipts: 1 });
    expect(q.body.rawPurgedAt).toBe('2026-12-25T10:00:00.000Z');
    // Idempotent: a second run finds nothing.
    expect(await svc.retention(new Date('2026-12-25T10:00:00Z'))).toMatchObject({ bodies: 0, quarantined: 0 });
  });
});

const AMQP_URL = amqpUrlOrSkip();

describeIf(AMQP_URL)('no personal data in logs or metrics over a realistic run (HTTP and AMQP)', () => {
  let tdb: TestDatabase;
  let svc: Service;
  let names: TopologyNames;
  let inspector: Inspector;
  const log = capturingLogger();

  beforeAll(async () => {
    tdb = await openPglite();
    inspector = await Inspector.open(AMQP_URL!);
    names = testNames();
    svc = await startService(loadConfig({ ...amqpEnv(AMQP_URL!, names, `test-pii-${names.intake}`), LOG_LEVEL: 'debug' }), { db: tdb.db, logger: log.logger, listen: false });
    await waitFor(() => svc.amqp!.broker.isConnected(), 10_000, 'broker connection');
  });
  afterAll(async () => {
    await svc.stop();
    const institutionQueues = institutionsWithQueues((await svc.routingConfig.current()).directory).map((id) => institutionQueueName(names, id));
    await inspector.deleteTopology(names, institutionQueues);
    await inspector.close();
    await tdb.close();
  });

  it('scans every log line and /metrics: no name, birth date, PIN or address; ids unchanged', async () => {
    // RINA case ids are long numbers: they must survive the PIN scrubbing by field name.
    const viaHttp = Array.from({ length: 10 }, (_, i) => makeEnvelope({ caseId: `88${String(i).padStart(8, '0')}`, documentId: `pii-h${i}` }));
    const viaAmqp = Array.from({ length: 10 }, (_, i) => makeEnvelope({ caseId: `C-PII-A${i}`, documentId: `pii-a${i}` }));
    for (const e of viaHttp) expect((await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(e))).status).toBe(202);
    const bad = [
      '{"familyName": "Dupontel", "dateBirth": "1958-03-14"',
      JSON.stringify(makeEnvelope({ caseId: 'C-PII-BAD', bucType: 'P_BUC_99' })),
      JSON.stringify(viaHttp[0]).replace('"Dupontel"', '"Dupon\\u0000tel"'),
    ];
    for (const b of bad) await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(b);
    const conn = await connect(AMQP_URL!);
    const ch = await conn.createConfirmChannel();
    for (const e of viaAmqp) ch.sendToQueue(names.intake, Buffer.from(JSON.stringify(e)), { messageId: e.envelopeId, persistent: true });
    for (const [i, b] of bad.entries()) ch.sendToQueue(names.intake, Buffer.from(b.replace('C-PII-BAD', 'C-PII-BAD2')), { messageId: `bad${i}`, persistent: true });
    ch.sendToQueue(names.helpdesk, Buffer.from('{"subject": "Dupontel Marianne 1958-03-14"'), { messageId: 'bad-ticket', persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    await waitFor(async () => (await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM envelopes WHERE state <> 'received'`))[0].n === 20, 60_000, 'all routed');
    await waitFor(async () => (await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NULL'))[0].n === 0, 30_000, 'all published');
    const metrics = (await request(svc.app).get('/metrics')).text;

    const lines = log.lines.map((l) => JSON.stringify(l));
    expect(lines.length).toBeGreaterThan(50);
    for (const value of [...PERSONAL_VALUES, '2580375112233 24']) {
      expect(lines.filter((l) => l.includes(value))).toEqual([]);
      expect(metrics).not.toContain(value);
    }
    // Identifiers survive unchanged, in the lines about them (long numeric RINA ids: see the next test).
    for (const e of viaAmqp) {
      const accepted = log.lines.find((l) => l.event === 'intake.accepted' && l.envelopeId === e.envelopeId);
      expect(accepted).toMatchObject({ envelopeId: e.envelopeId, caseId: e.caseId });
      expect(log.lines.some((l) => l.event === 'routing.decided' && l.caseId === e.caseId)).toBe(true);
    }
    const quarantinedLine = log.lines.find((l) => l.event === 'intake.quarantined' && typeof l.quarantineId === 'string');
    expect(String(quarantinedLine?.quarantineId)).toMatch(/^qtn_/);
    numericCases = viaHttp;
  }, 120_000);

  let numericCases: Array<{ envelopeId: string; caseId: string }> = [];
  it('keeps long numeric case ids (RINA style, 10 digits) unchanged where a field names them', () => {
    expect(numericCases).toHaveLength(10);
    for (const e of numericCases) {
      const accepted = log.lines.find((l) => l.event === 'intake.accepted' && l.envelopeId === e.envelopeId);
      expect(accepted).toMatchObject({ envelopeId: e.envelopeId, caseId: e.caseId });
      expect(log.lines.some((l) => l.event === 'routing.decided' && l.caseId === e.caseId)).toBe(true);
    }
  });
});
