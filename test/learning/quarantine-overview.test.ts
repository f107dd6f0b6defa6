/**
 * The quarantine's life cycle and the overview, on PGlite and PostgreSQL: a BUC type unknown to the catalogue is
 * quarantined, re-submitted (rejected again), added to the catalogue by a supervisor at run time, re-submitted
 * (accepted, routed); another entry is dismissed with a reason; both are audited. The overview's figures are
 * the counts of what happened.
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

describe.each(storageDrivers())('quarantine and overview on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  const clock = new FixedClock('2026-11-20T10:00:00Z');
  let admin: { Cookie: string; 'x-csrf-token': string };
  let operator: { Cookie: string; 'x-csrf-token': string };

  const login = async (username: string, role: 'operator' | 'admin') => {
    await svc.access.ensureOperator(username, 'correct-horse-battery', role);
    const res = await request(svc.app).post('/api/session').send({ username, password: 'correct-horse-battery' }).expect(201);
    return { Cookie: String(res.headers['set-cookie'][0]).split(';')[0], 'x-csrf-token': res.body.csrfToken as string };
  };

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
    admin = await login('sam', 'admin');
    operator = await login('olga', 'operator');
  }, 180_000);
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  const post = (body: string) => request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(body);
  let unknownBuc = '';
  let garbage = '';

  it('re-submits a quarantined input after its BUC type is added to the catalogue', async () => {
    const envelope = makeEnvelope({ caseId: 'Q-NEWBUC', documentId: 'qnew', bucType: 'P_BUC_11' });
    const rejected = await post(JSON.stringify(envelope));
    expect(rejected.status).toBe(422);
    expect(rejected.body.error.code).toBe('VAL_UNKNOWN_BUC');
    unknownBuc = rejected.body.quarantineId;

    const again = await request(svc.app).post(`/api/quarantine/${unknownBuc}/resubmit`).set(operator);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(expect.objectContaining({ outcome: 'rejected', status: 'open', error: expect.objectContaining({ code: 'VAL_UNKNOWN_BUC' }) }));
    expect((await request(svc.app).get('/api/quarantine').set(auth)).body.items).toHaveLength(1); // no second entry

    const buc = { buc: { titleEn: 'Test pension BUC', titleFr: 'BUC pension de test', starterSeds: 'P2000' }, reason: 'added to EESSI in November' };
    expect((await request(svc.app).put('/api/bucs/P_BUC_11').set(operator).send(buc)).status).toBe(403);
    const bad = await request(svc.app).put('/api/bucs/P_BUC_11').set(admin).send({ buc: { sector: 'S', titleEn: 'x' }, reason: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe('/buc/sector');
    const added = await request(svc.app).put('/api/bucs/P_BUC_11').set(admin).send(buc);
    expect(added.status).toBe(201);
    expect(added.body.version).toBe(2);
    const listed = await request(svc.app).get('/api/bucs?q=P_BUC_11').set(auth);
    expect(listed.body).toEqual(expect.objectContaining({ version: 2, items: [expect.objectContaining({ bucType: 'P_BUC_11', sector: 'P' })] }));

    const accepted = await request(svc.app).post(`/api/quarantine/${unknownBuc}/resubmit`).set(operator);
    expect(accepted.body).toEqual(expect.objectContaining({ outcome: 'accepted', status: 'resubmitted', envelopeId: envelope.envelopeId, error: null }));
    await svc.routingWorker.drain();
    const c = (await request(svc.app).get('/api/cases/Q-NEWBUC').set(auth)).body;
    expect(c.status).toBe('forwarded');
    const entry = (await request(svc.app).get(`/api/quarantine/${unknownBuc}`).set(auth)).body;
    expect(entry.status).toBe('resubmitted');
    expect(entry.resubmissionHistory.map((h: { outcome: string }) => h.outcome)).toEqual(['rejected', 'accepted']);
    expect(entry.resubmissionHistory[0].error.code).toBe('VAL_UNKNOWN_BUC');
    expect((await request(svc.app).post(`/api/quarantine/${unknownBuc}/resubmit`).set(operator)).body.error.code).toBe('ITK_QUARANTINE_CLOSED');

    const audited = await svc.audit.list({ action: 'quarantine.resubmit', limit: 10 });
    expect(audited.map((a) => a.data?.outcome)).toEqual(['accepted', 'rejected']);
    expect(audited[0].actor).toBe('operator:olga');
    expect((await svc.audit.list({ action: 'catalogue.publish', limit: 10 }))).toHaveLength(1);
  });

  it('dismisses an entry with a reason, once', async () => {
    const rejected = await post('{"not": "an envelope"');
    expect(rejected.status).toBe(400);
    garbage = rejected.body.quarantineId;
    const noReason = await request(svc.app).post(`/api/quarantine/${garbage}/dismiss`).set(operator).send({});
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.details[0].path).toBe('/reason');
    const done = await request(svc.app).post(`/api/quarantine/${garbage}/dismiss`).set(operator).send({ reason: 'test message from the RINA team' });
    expect(done.body).toEqual({ quarantineId: garbage, status: 'dismissed' });
    const twice = await request(svc.app).post(`/api/quarantine/${garbage}/dismiss`).set(operator).send({ reason: 'again' });
    expect(twice.status).toBe(409);
    expect((await request(svc.app).post(`/api/quarantine/${garbage}/resubmit`).set(operator)).status).toBe(409);
    expect((await request(svc.app).post('/api/quarantine/qtn_nope/dismiss').set(operator).send({ reason: 'x' })).status).toBe(404);
    const dismissed = (await request(svc.app).get('/api/quarantine?status=dismissed').set(auth)).body.items;
    expect(dismissed).toEqual([expect.objectContaining({ id: garbage, status: 'dismissed', resolution: expect.objectContaining({ by: 'operator:olga', note: 'test message from the RINA team' }) })]);
    expect((await request(svc.app).get('/api/quarantine?status=resubmitted').set(auth)).body.items.map((i: { id: string }) => i.id)).toEqual([unknownBuc]);
    expect((await request(svc.app).get('/api/quarantine?status=open').set(auth)).body.items).toEqual([]);
    expect((await request(svc.app).get('/api/quarantine?status=gone').set(auth)).status).toBe(400);
    expect((await svc.audit.list({ action: 'quarantine.dismiss', limit: 10 }))).toEqual([expect.objectContaining({ subjectId: garbage, actor: 'operator:olga' })]);
  });

  it("gives today's, this month's and the last 30 days' flows", async () => {
    // Yesterday (Paris): one envelope to triage; today: the re-submitted one (forwarded) and one more orphan, assigned.
    clock.set('2026-11-19T10:00:00Z');
    await post(JSON.stringify(makeEnvelope({ caseId: 'Q-Y', documentId: 'qy', person: { PersonIdentification: { familyName: 'A', forename: 'B', dateBirth: '1960-01-01' } } }))).expect(202);
    await svc.routingWorker.drain();
    clock.set('2026-11-20T10:00:00Z');
    await request(svc.app).post('/api/triage/Q-Y/assign').set(operator).send({ institutionId: 'FR:CARSATRA1' }).expect(200);
    const res = await request(svc.app).get('/api/overview').set(operator);
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('Europe/Paris');
    expect(res.body.today).toEqual({ date: '2026-11-20', received: 1, forwardedAutomatically: 1, forwardedAfterTriage: 1, toTriage: 0, quarantined: 2, bounced: 0 });
    expect(res.body.month).toEqual({ month: '2026-11', received: 2, forwardedAutomatically: 1, forwardedAfterTriage: 1, toTriage: 1, quarantined: 2, bounced: 0 });
    expect(res.body.now).toEqual({ inTriage: 0, quarantineOpen: 0, ticketsAtRisk: 0, x007Failed: 0 });
    expect(res.body.days).toHaveLength(30);
    expect(res.body.days[0].date).toBe('2026-10-22');
    expect(res.body.days.at(-2)).toEqual(expect.objectContaining({ date: '2026-11-19', received: 1, toTriage: 1 }));
    expect((await request(svc.app).get('/api/overview')).status).toBe(401);
  });
});
