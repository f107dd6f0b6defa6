/**
 * SEDs in from RINA (CONTRACT §7 "Events in", #19), through the whole service on PGlite and PostgreSQL against the
 * RINA simulator: an event is stored and answered 202, its case and document read through the CPI and taken in as
 * the §2 envelope (via 'rina', receipt time kept), routed, and (the forward-out half) its X007 sent; the same event
 * twice is one envelope and one X007; the CPI's session ending, a 409, and the CPI down mid-stream lose nothing;
 * a malformed event is quarantined; the operator's import takes in what RINA never announced; an event's body is
 * read by the shared reader (Content-Length first, charset and encoding refused).
 * RINA_TEST_DOWN_SECONDS (default 2) sets how long the CPI goes down mid-stream: 20 for the realistic run.
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { loadDirectoryFromConfig, loadRuleTableFromConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger';
import { CpiClient } from '../../src/rina/cpi-client';
import { RinaEventService } from '../../src/rina/rina-event-service';
import { PgRinaEventStore } from '../../src/store/rina-event-repository';
import { RinaSimulator } from '../../scripts/rina-sim/server';
import { documentEvent, type SimCase } from '../../scripts/rina-sim/sim-cases';
import { storageDrivers, type TestDatabase } from '../helpers/db';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
const DOWN_SECONDS = Number(process.env.RINA_TEST_DOWN_SECONDS ?? 2);
const RECEIVED = '2026-11-20T09:14:03.000Z';

describe.each(storageDrivers())('RINA events in, on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  let sim: RinaSimulator;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    sim = new RinaSimulator({ seed: 'rina-events-test' });
    const url = await sim.start();
    tdb = await open();
    svc = await startService(loadConfig({
      BOOTSTRAP_TOKEN: TOKEN, RINA_URL: url, RINA_USER: 'liaison', RINA_PASSWORD: 'liaison-secret', RINA_MAX_ATTEMPTS: '2', RINA_TIMEOUT_MS: '2000',
      RINA_RETRY_INITIAL_MS: '20', RINA_RETRY_MAX_MS: '1000', RINA_EVENT_BATCH: '10',
    }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
    await sim.stop();
  });
  beforeEach(async () => {
    await tdb.reset();
    sim.reset();
    clock.set('2026-11-20T10:00:00Z');
    await svc.routingConfig.seed({ directory: loadDirectoryFromConfig('config'), ruleTable: loadRuleTableFromConfig('config') });
  });

  const inDoc = (c: SimCase) => c.documents.find((d) => d.direction === 'IN')!;
  const push = (body: unknown) => request(svc.app).post('/api/rina/events').set(auth).send(body as object);
  const pushCase = (c: SimCase) => push(documentEvent(c, inDoc(c), 'RECEIVE_DOCUMENT')).expect(202);
  const worker = () => svc.rina!.worker.drain(50);
  const envelopes = () => tdb.db.query<{ envelope_id: string; case_id: string; via: string; legal_delivery_at: Date; state: string; sender_institution_id: string }>(
    'SELECT envelope_id, case_id, via, legal_delivery_at, state, sender_institution_id FROM envelopes ORDER BY envelope_id');
  const eventStates = () => tdb.db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM rina_events GROUP BY state ORDER BY state');

  it('stores the event, takes the envelope in through intake (via rina, receipt time kept), routes it and sends its X007; twice is once', async () => {
    const cases = Array.from({ length: 6 }, () => sim.addCase({ receivedAt: RECEIVED }));
    for (const c of cases) expect((await pushCase(c)).body).toEqual(expect.objectContaining({ status: 'stored', caseId: c.id, documentVersion: '1' }));
    expect((await pushCase(cases[0])).body.status).toBe('duplicate');
    await worker();
    // The same event again after it was taken: still one event, one envelope.
    expect((await pushCase(cases[0])).body.status).toBe('duplicate');
    await svc.routingWorker.drain();
    const rows = await envelopes();
    expect(rows).toHaveLength(6);
    for (const c of cases) {
      const d = inDoc(c);
      const row = rows.find((r) => r.envelope_id === `${d.type}_${d.id}_1`)!;
      expect(row).toEqual(expect.objectContaining({ case_id: c.id, via: 'rina', sender_institution_id: c.participants[0].organisation.id }));
      expect(new Date(row.legal_delivery_at).toISOString()).toBe(RECEIVED);
      expect(['forwarded', 'triage']).toContain(row.state);
    }
    expect(await eventStates()).toEqual([{ state: 'done', n: 6 }]);
    // The forward-out half: one X007 per forwarded case, naming the institution routing chose (a 409 on the way).
    sim.conflictOnce();
    await svc.x007.relay!.drain(20);
    expect(sim.stats.conflictsServed).toBe(1);
    const forwards = await tdb.db.query<{ case_id: string; institution_id: string }>('SELECT case_id, institution_id FROM forwards ORDER BY case_id');
    expect(forwards.length).toBeGreaterThan(0);
    expect(sim.x007s.filter((x) => x.status === 'sent').map((x) => [x.caseId, x.institutionToAdd.institutionID]).sort())
      .toEqual(forwards.map((f) => [f.case_id, f.institution_id]).sort());
  });

  it('takes the sender from the case owner when the event has no creator, and logs in again when the session ends', async () => {
    const a = sim.addCase({ withoutCreator: true, receivedAt: RECEIVED });
    const b = sim.addCase({ receivedAt: RECEIVED });
    await pushCase(a);
    await worker();
    sim.expireSessions();
    await pushCase(b);
    await worker();
    expect(sim.stats.sessionRefusals).toBeGreaterThan(0);
    expect(sim.stats.logins).toBe(2);
    const rows = await envelopes();
    expect(rows.map((r) => r.case_id).sort()).toEqual([a.id, b.id].sort());
    expect(rows.find((r) => r.case_id === a.id)!.sender_institution_id).toBe(a.participants.find((p) => p.role === 'CaseOwner')!.organisation.id);
  });

  it(`loses nothing while the CPI is down ${DOWN_SECONDS} s mid-stream: events wait, then all are taken`, async () => {
    const cases = Array.from({ length: 30 }, () => sim.addCase({ receivedAt: RECEIVED }));
    for (const c of cases.slice(0, 10)) await pushCase(c);
    await worker();
    // Down until brought up DOWN_SECONDS later (however slow the machine, the checks below see it down).
    const downAt = Date.now();
    sim.goDown(3600);
    // RINA keeps pushing while its CPI is unreachable: every event is still stored and acknowledged.
    for (const c of cases.slice(10)) await pushCase(c);
    await worker();
    expect(await eventStates()).toEqual([{ state: 'done', n: 10 }, { state: 'waiting', n: 20 }]);
    clock.advance(16_000); // past the status page's cached reachability
    const status = (await request(svc.app).get('/api/rina/status').set(auth).expect(200)).body;
    expect(status).toEqual(expect.objectContaining({ cpi: expect.objectContaining({ reachable: false }), events: expect.objectContaining({ waiting: 20, failed: 0 }) }));
    await request(svc.app).get('/readyz').expect(200); // RINA is not the service's readiness
    await new Promise((r) => setTimeout(r, Math.max(0, downAt + DOWN_SECONDS * 1000 - Date.now())));
    sim.up();
    const until = Date.now() + 30_000;
    while (Date.now() < until && (await eventStates()).some((s) => s.state === 'waiting')) {
      clock.advance(2_000); // past every backoff
      await worker();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await eventStates()).toEqual([{ state: 'done', n: 30 }]);
    expect(await envelopes()).toHaveLength(30);
  }, 60_000 + DOWN_SECONDS * 1000);

  it('shares the events between two instances, takes over a crashed one\'s lease, takes each event once, logs no personal data', async () => {
    const cases = Array.from({ length: 30 }, () => sim.addCase({ receivedAt: RECEIVED }));
    for (const c of cases) await pushCase(c);
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', stream: new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }) });
    const store = new PgRinaEventStore(tdb.db);
    const other = new RinaEventService({
      store, intake: svc.intake, clock, logger,
      cpi: new CpiClient({ baseUrl: sim.url, user: 'liaison', password: 'liaison-secret', timeoutMs: 2000, maxAttempts: 2, retry: { initialMs: 10, maxMs: 50, factor: 2, jitter: 0 }, clock, logger }),
      settings: { ownInstitutionId: 'FR:CLEISS0002', batch: 4, leaseMs: 120_000, retry: { initialMs: 10, maxMs: 50, factor: 2, jitter: 0 }, maxNotFoundAttempts: 5, concurrency: 4, owner: 'instance-b' },
    });
    // An instance that leased five events and died.
    expect(await store.claim('instance-dead', clock.now(), 5, new Date(clock.now().getTime() + 120_000))).toHaveLength(5);
    const drainOther = async () => { while (await other.step()) { /* until none is due */ } };
    await Promise.all([worker(), drainOther()]);
    expect(await eventStates()).toEqual([{ state: 'done', n: 25 }, { state: 'waiting', n: 5 }]);
    clock.advance(121_000); // the dead instance's lease runs out
    await Promise.all([worker(), drainOther()]);
    expect(await eventStates()).toEqual([{ state: 'done', n: 30 }]);
    expect(await envelopes()).toHaveLength(30);
    // Each event taken by one instance only: intake saw every envelope once (no duplicate), every outcome is accepted.
    expect(await tdb.db.query('SELECT sum(duplicates)::int AS d FROM envelopes')).toEqual([{ d: 0 }]);
    expect(await tdb.db.query('SELECT outcome, count(*)::int AS n FROM rina_events GROUP BY outcome')).toEqual([{ outcome: 'accepted', n: 30 }]);
    const personal = new Set<string>();
    const collect = (v: unknown, key = ''): void => {
      if (typeof v === 'string' && /^(familyName|forename|dateBirth|personalIdentificationNumber|street|town)$/.test(key) && v.length >= 4) personal.add(v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, Array.isArray(v) ? key : k);
    };
    for (const c of cases) collect(inDoc(c).content);
    expect(personal.size).toBeGreaterThan(10);
    expect(lines.length).toBeGreaterThan(0);
    const log = lines.join('');
    expect([...personal].filter((p) => log.includes(p))).toEqual([]);
  });

  it('quarantines a malformed event (422, via rina), answers other types and OUT documents 202 ignored', async () => {
    const c = sim.addCase();
    const event = documentEvent(c, inDoc(c), 'RECEIVE_DOCUMENT') as { payLoad: { DOCUMENT_METADATA: Record<string, unknown> } };
    delete event.payLoad.DOCUMENT_METADATA.caseId;
    const bad = await push(event).expect(422);
    expect(bad.body.error.code).toBe('RIN_EVENT_INVALID');
    const q = (await request(svc.app).get(`/api/quarantine/${bad.body.quarantineId}`).set(auth).expect(200)).body;
    expect(q).toEqual(expect.objectContaining({ via: 'rina', errorCode: 'RIN_EVENT_INVALID' }));
    const notJson = await request(svc.app).post('/api/rina/events').set(auth).set('Content-Type', 'application/json').send('{"documentEventType":').expect(400);
    expect(notJson.body.error.code).toBe('VAL_NOT_JSON');
    expect((await push({ ...documentEvent(c, inDoc(c), 'SENT_DOCUMENT') }).expect(202)).body.status).toBe('ignored');
    const out = documentEvent(c, { ...inDoc(c), direction: 'OUT' }, 'RECEIVE_DOCUMENT');
    expect((await push(out).expect(202)).body.status).toBe('ignored');
    await request(svc.app).post('/api/rina/events').send(out).expect(401);
    expect(await eventStates()).toEqual([]);
  });

  it('reads an event with the shared body reader: a declared oversize is quarantined unread (413), another charset or a compressed body is 415, a good event is still 202 and idempotent', async () => {
    const c = sim.addCase();
    const event = documentEvent(c, inDoc(c), 'RECEIVE_DOCUMENT');
    // Declared over the limit: answered at once from its Content-Length (a part of the body sent, never the rest),
    // kept in quarantine with its declared size.
    const server = await new Promise<Server>((resolve) => {
      const srv = svc.app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    let big: { status: number; body: { error: { code: string }; quarantineId: string } };
    try {
      big = await new Promise((resolve, reject) => {
        const req = httpRequest({
          port: (server.address() as AddressInfo).port, host: '127.0.0.1', method: 'POST', path: '/api/rina/events',
          headers: { ...auth, 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk) => { body += String(chunk); });
          res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }); req.destroy(); });
        });
        req.on('error', reject);
        req.write(Buffer.alloc(64 * 1024, 0x20));
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('VAL_TOO_LARGE');
    const q = (await request(svc.app).get(`/api/quarantine/${big.body.quarantineId}`).set(auth).expect(200)).body;
    expect(q).toEqual(expect.objectContaining({ via: 'rina', errorCode: 'VAL_TOO_LARGE' }));
    // Another charset, or compressed: 415 before a byte is read.
    const latin1 = await request(svc.app).post('/api/rina/events').set(auth).set('Content-Type', 'application/json; charset=iso-8859-1').send(JSON.stringify(event)).expect(415);
    expect(latin1.body.error.code).toBe('VAL_UNSUPPORTED_ENCODING');
    const gzip = await request(svc.app).post('/api/rina/events').set(auth).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(JSON.stringify(event)).expect(415);
    expect(gzip.body.error.code).toBe('VAL_UNSUPPORTED_ENCODING');
    expect(await eventStates()).toEqual([]);
    // The contract holds: stored first (202), the same event again is the same one.
    expect((await push(event).expect(202)).body.status).toBe('stored');
    expect((await push(event).expect(202)).body.status).toBe('duplicate');
  });

  it('quarantines a document that is not a CDM SED through intake, and keeps the event done', async () => {
    const c = sim.addCase({ navFormat: true, receivedAt: RECEIVED });
    await pushCase(c);
    await worker();
    const [q] = await tdb.db.query<{ via: string; error_code: string; case_id: string }>('SELECT via, error_code, case_id FROM quarantine');
    expect(q).toEqual(expect.objectContaining({ via: 'rina', case_id: c.id }));
    expect(await tdb.db.query('SELECT state, outcome FROM rina_events')).toEqual([{ state: 'done', outcome: 'quarantined' }]);
  });

  it('imports a case RINA never announced (operator), once', async () => {
    const c = sim.addCase({ receivedAt: RECEIVED });
    const r = await request(svc.app).post(`/api/rina/cases/${c.id}/import`).set(auth).expect(200);
    expect(r.body).toEqual({ caseId: c.id, bucType: c.processDefinitionName, documents: [expect.objectContaining({ documentId: inDoc(c).id, queued: true })] });
    await worker();
    expect((await request(svc.app).post(`/api/rina/cases/${c.id}/import`).set(auth).expect(200)).body.documents[0].queued).toBe(false);
    expect(await envelopes()).toHaveLength(1);
    expect(await tdb.db.query(`SELECT action, subject_id, data FROM audit_log WHERE action = 'rina.import' ORDER BY id`)).toEqual([
      { action: 'rina.import', subject_id: c.id, data: { documents: 1, queued: 1 } }, { action: 'rina.import', subject_id: c.id, data: { documents: 1, queued: 0 } },
    ]);
    expect((await request(svc.app).post('/api/rina/cases/999999/import').set(auth).expect(404)).body.error.code).toBe('RIN_CASE_NOT_FOUND');
    sim.goDown(60);
    expect((await request(svc.app).post(`/api/rina/cases/${c.id}/import`).set(auth).expect(503)).body.error.code).toBe('RIN_CPI_UNAVAILABLE');
    sim.up();
  });
});
