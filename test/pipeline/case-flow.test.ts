/**
 * The case pipeline through the HTTP API, on PGlite and PostgreSQL: intake → routing → forward or triage,
 * institution pull and acknowledgement, bounce → triage → reassign → accepted, return, affinity.
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

/** A P_BUC_01 claimant living in Lyon (69): P-RESIDENCE → Carsat Rhône-Alpes. */
const lyon = (caseId: string, documentId: string) => makeEnvelope({ caseId, documentId });
/** No residence, no reference: FALLBACK → triage NO_RULE. */
const orphan = (caseId: string, documentId: string, sedType = 'P2000') => makeEnvelope({
  caseId, documentId, sedType,
  person: { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } },
});

describe.each(storageDrivers())('case flow on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    await svc.routingConfig.seed({ directory: (await import('../../src/routing/config-files')).loadDirectoryFromConfig('config'), ruleTable: (await import('../../src/routing/config-files')).loadRuleTableFromConfig('config') });
  });

  const send = async (env: object) => {
    const res = await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(env));
    expect([200, 202]).toContain(res.status);
    await svc.routingWorker.drain();
  };
  const getCase = async (caseId: string) => (await request(svc.app).get(`/api/cases/${caseId}`).set(auth)).body;
  const institutionToken = async (institutionId: string) =>
    (await request(svc.app).post('/api/admin/tokens').set(auth).send({ role: 'institution', institutionId })).body.token as string;

  it('forwards a routable envelope, keeps legalDeliveryAt, and the institution pulls and accepts it', async () => {
    await send(lyon('C-LYON', 'd1'));
    const c = await getCase('C-LYON');
    expect(c.status).toBe('forwarded');
    expect(c.institutionId).toBe('FR:CARSATRA1');
    expect(c.decisions[0]).toEqual(expect.objectContaining({ ruleId: 'P-RESIDENCE', ruleSetVersion: 1, outcome: 'forward' }));
    const token = await institutionToken('FR:CARSATRA1');
    const pending = await request(svc.app).get('/api/institutions/FR:CARSATRA1/forwards?status=pending').set('Authorization', `Bearer ${token}`);
    expect(pending.status).toBe(200);
    expect(pending.body.items).toHaveLength(1);
    const f = pending.body.items[0];
    expect(f.legalDeliveryAt).toBe('2026-11-20T09:14:03Z');
    expect(f.sed.P2000).toBeDefined();
    const ack = await request(svc.app).post(`/api/forwards/${f.forwardId}/ack`).set('Authorization', `Bearer ${token}`).send({ status: 'accepted' });
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('accepted');
    const after = await request(svc.app).get('/api/institutions/FR:CARSATRA1/forwards?status=pending').set('Authorization', `Bearer ${token}`);
    expect(after.body.items).toHaveLength(0);
    expect((await getCase('C-LYON')).history.map((h: { kind: string }) => h.kind)).toEqual(['routed', 'forwarded', 'accepted']);
  });

  it('never shows an institution another institution\'s forwards', async () => {
    await send(lyon('C-SCOPE', 'd2'));
    const other = await institutionToken('FR:CARSATSE1');
    expect((await request(svc.app).get('/api/institutions/FR:CARSATRA1/forwards').set('Authorization', `Bearer ${other}`)).status).toBe(403);
    const own = await request(svc.app).get('/api/institutions/FR:CARSATSE1/forwards').set('Authorization', `Bearer ${other}`);
    expect(own.body.items).toHaveLength(0);
    const fwdId = (await getCase('C-SCOPE')).forwards[0].forwardId;
    const ack = await request(svc.app).post(`/api/forwards/${fwdId}/ack`).set('Authorization', `Bearer ${other}`).send({ status: 'accepted' });
    expect(ack.status).toBe(404);
  });

  it('sends a later SED of a forwarded case to the same institution (affinity)', async () => {
    await send(lyon('C-AFF', 'd3'));
    await send(orphan('C-AFF', 'd4', 'P5000'));
    const c = await getCase('C-AFF');
    expect(c.forwards.map((f: { institutionId: string }) => f.institutionId)).toEqual(['FR:CARSATRA1', 'FR:CARSATRA1']);
    expect(c.decisions[1].ruleId).toBe('AFFINITY');
  });

  it('holds every SED of an orphan case in triage, and one assignment forwards them all', async () => {
    clock.set('2026-11-20T10:00:00Z');
    await send(orphan('C-ORPH', 'd5'));
    clock.set('2026-11-20T11:00:00Z');
    await send(orphan('C-ORPH', 'd6', 'P5000'));
    const list = await request(svc.app).get('/api/triage?reason=NO_RULE').set(auth);
    expect(list.body.items.map((i: { caseId: string }) => i.caseId)).toEqual(['C-ORPH']);
    expect(list.body.items[0].envelopesHeld).toBe(2);
    const bad = await request(svc.app).post('/api/triage/C-ORPH/assign').set(auth).send({ institutionId: 'FR:NOPE0001' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('FWD_TARGET_INVALID');
    const ok = await request(svc.app).post('/api/triage/C-ORPH/assign').set(auth).send({ institutionId: 'FR:CNAVIDF01', note: 'Paris career' });
    expect(ok.status).toBe(200);
    expect(ok.body.forwardIds).toHaveLength(2);
    const c = await getCase('C-ORPH');
    expect(c.status).toBe('forwarded');
    expect(c.envelopes.every((e: { state: string }) => e.state === 'forwarded')).toBe(true);
    expect((await request(svc.app).post('/api/triage/C-ORPH/assign').set(auth).send({ institutionId: 'FR:CNAVIDF01' })).body.error.code).toBe('TRI_NOT_IN_TRIAGE');
  });

  it('bounce → triage BOUNCED → reassign → accepted', async () => {
    await send(lyon('C-BNC', 'd7'));
    const ra = await institutionToken('FR:CARSATRA1');
    const f1 = (await getCase('C-BNC')).forwards[0].forwardId;
    const missingReason = await request(svc.app).post(`/api/forwards/${f1}/ack`).set('Authorization', `Bearer ${ra}`).send({ status: 'rejected' });
    expect(missingReason.status).toBe(422);
    await request(svc.app).post(`/api/forwards/${f1}/ack`).set('Authorization', `Bearer ${ra}`).send({ status: 'rejected', reason: 'claimant moved to Marseille' }).expect(200);
    let c = await getCase('C-BNC');
    expect(c.status).toBe('triage');
    expect(c.triage).toEqual(expect.objectContaining({ reason: 'BOUNCED', detail: expect.objectContaining({ institutionId: 'FR:CARSATRA1', ruleId: 'P-RESIDENCE' }) }));
    const triage = await request(svc.app).get('/api/triage?reason=BOUNCED').set(auth);
    expect(triage.body.items.map((i: { caseId: string }) => i.caseId)).toEqual(['C-BNC']);
    await request(svc.app).post('/api/triage/C-BNC/assign').set(auth).send({ institutionId: 'FR:CARSATSE1' }).expect(200);
    clock.advance(10_000); // past the operator's undo window (TRIAGE_UNDO_SECONDS): the forward is released
    const se = await institutionToken('FR:CARSATSE1');
    const pending = await request(svc.app).get('/api/institutions/FR:CARSATSE1/forwards?status=pending').set('Authorization', `Bearer ${se}`);
    expect(pending.body.items).toHaveLength(1);
    await request(svc.app).post(`/api/forwards/${pending.body.items[0].forwardId}/ack`).set('Authorization', `Bearer ${se}`).send({ status: 'accepted' }).expect(200);
    c = await getCase('C-BNC');
    expect(c.status).toBe('forwarded');
    expect(c.institutionId).toBe('FR:CARSATSE1');
    expect(c.history.map((h: { kind: string }) => h.kind)).toEqual(['routed', 'forwarded', 'bounced', 'assigned', 'forwarded', 'accepted']);
  });

  it('returns a case that is not for France, and reports quarantined-only cases', async () => {
    await send(orphan('C-RET', 'd8'));
    expect((await request(svc.app).post('/api/triage/C-RET/return').set(auth).send({})).status).toBe(422);
    await request(svc.app).post('/api/triage/C-RET/return').set(auth).send({ reason: 'not a French case' }).expect(200);
    expect((await getCase('C-RET')).status).toBe('returned');
    const broken = { ...orphan('C-QTN', 'd9'), bucType: 'P_BUC_99' };
    await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(broken)).expect(422);
    expect((await getCase('C-QTN')).status).toBe('quarantined');
    expect((await request(svc.app).get('/api/cases/NOPE').set(auth)).status).toBe(404);
  });

  it('exposes intake, routing, bounce and queue figures on /metrics', async () => {
    await send(lyon('C-MET', 'd11'));
    await request(svc.app).post('/api/envelopes').set(auth).send('not json');
    const f = (await getCase('C-MET')).forwards[0].forwardId;
    await request(svc.app).post(`/api/forwards/${f}/ack`).set(auth).send({ status: 'rejected', reason: 'not ours' }).expect(200);
    const text = (await request(svc.app).get('/metrics')).text;
    expect(text).toMatch(/liaison_envelopes_received_total\{via="http"\} [1-9]/);
    expect(text).toMatch(/liaison_envelopes_quarantined_total\{via="http",reason="VAL_NOT_JSON"\} [1-9]/);
    expect(text).toMatch(/liaison_routing_decisions_total\{rule="P-RESIDENCE",outcome="forward",institution="FR:CARSATRA1",reason=""\} [1-9]/);
    expect(text).toMatch(/liaison_forward_bounces_total\{rule="P-RESIDENCE",institution="FR:CARSATRA1"\} [1-9]/);
    expect(text).toMatch(/liaison_outbox_backlog 0/); // the bounce rejected the only pending forward
    expect(text).toContain('liaison_intake_duration_seconds_bucket');
  });

  it('simulates without storing anything', async () => {
    const res = await request(svc.app).post('/api/routing/simulate').set(auth).send(lyon('C-SIM', 'd10'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ outcome: 'forward', institutionId: 'FR:CARSATRA1', ruleId: 'P-RESIDENCE' }));
    expect(res.body.trace.length).toBeGreaterThan(3);
    expect((await tdb.db.query('SELECT 1 FROM envelopes')).length).toBe(0);
  });
});
