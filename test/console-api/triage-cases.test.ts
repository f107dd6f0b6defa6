/**
 * The operators' workflow through the API, on PGlite and PostgreSQL: the triage queue (filters, repeated
 * reasons, unknown codes, counts, age classes, keyset paging), claims between two operators, the case view with
 * its SED facts (audited, no-store, never logged), notes, re-assignment (superseded forwards, a new X007) and
 * reopening, case and directory search.
 */
import request from 'supertest';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope, PERSONAL_VALUES } from '../helpers/envelopes';
import { ADMIN, bearer, login, person, startTestService, type Login, type TestService } from './support';

/** No residence, no reference: FALLBACK → triage NO_RULE. */
const orphan = (caseId: string, documentId: string, over: Record<string, unknown> = {}) => makeEnvelope({
  caseId, documentId, ...over,
  person: { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } },
});
/** Lives in Lyon: forwarded to FR:CARSATRA1. */
const lyon = (caseId: string, documentId: string) => makeEnvelope({ caseId, documentId });

describe.each(storageDrivers())('triage and cases API on %s', (_name, open) => {
  let tdb: TestDatabase;
  let t: TestService;
  let olga: Login;
  let omar: Login;
  const clock = new FixedClock('2026-11-23T08:00:00Z'); // Monday 09:00 Paris

  beforeAll(async () => {
    tdb = await open();
    t = await startTestService(tdb.db, clock);
  }, 180_000); // PGlite and the service start slowly on a busy machine
  afterAll(async () => {
    await t.svc.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set('2026-11-23T08:00:00Z');
    await t.svc.routingConfig.seed(loadRoutingConfig('config'));
    await t.svc.accounts.ensureBootstrapAdmin(ADMIN.username, ADMIN.password);
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    olga = await person(t.svc, admin, 'olga', 'operator');
    omar = await person(t.svc, admin, 'omar', 'operator');
  });

  const send = async (env: object) => {
    const res = await request(t.svc.app).post('/api/envelopes').set(bearer).set('Content-Type', 'application/json').send(JSON.stringify(env));
    expect([200, 202]).toContain(res.status);
    await t.svc.routingWorker.drain();
  };
  const queue = (query: string, who: Login = olga) => request(t.svc.app).get(`/api/triage${query}`).set({ Cookie: who.cookie });

  it('filters the queue (repeated reasons = any of), counts by reason, refuses unknown codes, pages oldest first', async () => {
    await send(orphan('C-1', 'd1'));
    clock.advance(10 * 60_000);
    await send(orphan('C-2', 'd2'));
    clock.advance(10 * 60_000);
    await send(makeEnvelope({ caseId: 'C-3', documentId: 'd3', person: {} }));
    const all = await queue('');
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: { caseId: string }) => i.caseId)).toEqual(['C-1', 'C-2', 'C-3']);
    const reasons = all.body.items.map((i: { triageReason: string }) => i.triageReason);
    expect(all.body.countsByReason).toEqual(Object.fromEntries([...new Set<string>(reasons)].map((r) => [r, reasons.filter((x: string) => x === r).length])));
    const c3 = all.body.items[2].triageReason;
    const anyOf = await queue(`?reason=NO_RULE&reason=${c3}`);
    expect(anyOf.body.items).toHaveLength(reasons.filter((r: string) => r === 'NO_RULE' || r === c3).length);
    const bogus = await queue('?reason=NO_RULE&reason=BOGUS');
    expect(bogus.status).toBe(400);
    expect(bogus.body.error.details).toEqual([{ path: 'reason', message: '"BOGUS" is not a triage reason' }]);
    expect((await queue('?senderCountry=%00')).status).toBe(400);
    expect((await queue('?sector=P')).body.items.every((i: { sector: string }) => i.sector === 'P')).toBe(true);
    expect((await queue('?minAgeHours=0.25')).body.items.map((i: { caseId: string }) => i.caseId)).toEqual(['C-1']);
    const first = await queue('?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await queue(`?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i: { caseId: string }) => i.caseId)).toEqual(['C-3']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('computes the age class in business hours: fresh, old, overdue', async () => {
    await send(orphan('C-AGE', 'd1'));
    // Days pass: the sessions would expire (idle); the bootstrap token reads the queue.
    const age = async () => (await request(t.svc.app).get('/api/triage').set(bearer)).body.items[0].age;
    expect(await age()).toEqual({ businessHours: 0, class: 'fresh' });
    clock.set('2026-11-23T16:00:00Z'); // 17:00 Paris: 8 business hours
    expect(await age()).toEqual({ businessHours: 8, class: 'old' });
    clock.set('2026-11-25T08:00:00Z'); // Wednesday 09:00: 16 business hours
    expect(await age()).toEqual({ businessHours: 16, class: 'overdue' });
  });

  it('lets one operator claim a case; the other sees the claim and cannot assign or return it until it ends', async () => {
    await send(orphan('C-CLM', 'd1'));
    const claim = await request(t.svc.app).post('/api/triage/C-CLM/claim').set(olga.headers);
    expect(claim.status).toBe(200);
    expect(claim.body.claim).toEqual({ by: 'operator:olga', until: '2026-11-23T08:05:00.000Z' });
    expect((await queue('', omar)).body.items[0].claim).toEqual(claim.body.claim);
    const taken = await request(t.svc.app).post('/api/triage/C-CLM/claim').set(omar.headers);
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual(expect.objectContaining({ error: expect.objectContaining({ code: 'TRI_CLAIMED' }), claim: claim.body.claim }));
    expect((await request(t.svc.app).post('/api/triage/C-CLM/assign').set(omar.headers).send({ institutionId: 'FR:CNAVIDF01' })).body.error.code).toBe('TRI_CLAIMED');
    expect((await request(t.svc.app).post('/api/triage/C-CLM/return').set(omar.headers).send({ reason: 'not French' })).status).toBe(409);
    expect((await request(t.svc.app).delete('/api/triage/C-CLM/claim').set(omar.headers)).status).toBe(409);
    clock.advance(6 * 60_000); // expired: free for others
    expect((await queue('', omar)).body.items[0].claim).toBeNull();
    await request(t.svc.app).post('/api/triage/C-CLM/claim').set(omar.headers).expect(200);
    await request(t.svc.app).delete('/api/triage/C-CLM/claim').set(omar.headers).expect(204);
    await request(t.svc.app).post('/api/triage/C-CLM/claim').set(olga.headers).expect(200);
    const ok = await request(t.svc.app).post('/api/triage/C-CLM/assign').set(olga.headers).send({ institutionId: 'FR:CNAVIDF01' });
    expect(ok.status).toBe(200);
    expect((await queue('')).body.items).toHaveLength(0);
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    const audit = await request(t.svc.app).get('/api/admin/audit?subjectType=case&subjectId=C-CLM').set({ Cookie: admin.cookie });
    expect(audit.body.items.map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`)).toEqual([
      'triage.assign operator:olga', 'triage.claim operator:olga', 'triage.release operator:omar', 'triage.claim operator:omar', 'triage.claim operator:olga',
    ]);
  });

  it('shows operators the SED facts, no-store, audited, never logged; history, decisions and versions', async () => {
    await send(lyon('C-VIEW', 'd1'));
    t.logs.length = 0;
    const res = await request(t.svc.app).get('/api/cases/C-VIEW').set({ Cookie: olga.cookie });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.facts).toEqual({
      sourceEnvelopeId: res.body.envelopes[0].envelopeId,
      person: { familyName: 'Dupontel', forename: 'Marianne', dateBirth: '1958-03-14', sex: '02' },
      residence: { street: '12 rue des Lilas', town: 'Lyon', postalCode: '69003', region: null, country: 'FR' },
      pins: [
        { country: 'FR', number: '2580375112233 24', sector: 'ALL', institutionId: null },
        { country: 'DE', number: '65140358D512', sector: 'ALL', institutionId: 'DE:DRV0000001' },
      ],
      frenchReferences: [],
    });
    expect(res.body.decisions[0]).toEqual(expect.objectContaining({ ruleId: 'P-RESIDENCE', ruleSetVersion: 1, directoryVersion: 1, trace: expect.any(Array), explanation: expect.any(String) }));
    expect(res.body.history.map((h: { kind: string }) => h.kind)).toEqual(['routed', 'forwarded']);
    const logged = t.logs.join('\n');
    for (const v of PERSONAL_VALUES) expect(logged).not.toContain(v);
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    const audit = await request(t.svc.app).get('/api/admin/audit?action=case.read-personal-data').set({ Cookie: admin.cookie });
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: 'operator:olga', subjectType: 'case', subjectId: 'C-VIEW' })]);
    expect(JSON.stringify(audit.body)).not.toContain('Dupontel');
  });

  it('re-assigns a forwarded case: old forwards superseded, new forwards with an X007, history and audit', async () => {
    await send(lyon('C-RE', 'd1'));
    await send(orphan('C-RE', 'd2'));
    const wrong = await request(t.svc.app).post('/api/cases/C-RE/reassign').set(olga.headers).send({ institutionId: 'FR:CARSATRA1' });
    expect(wrong.body.error.code).toBe('CAS_SAME_INSTITUTION');
    const res = await request(t.svc.app).post('/api/cases/C-RE/reassign').set(olga.headers).send({ institutionId: 'FR:CARSATSE1', note: 'lives in Marseille now' });
    expect(res.status).toBe(200);
    expect(res.body.forwardIds).toHaveLength(2);
    expect(res.body.supersededForwardIds).toHaveLength(2);
    const c = (await request(t.svc.app).get('/api/cases/C-RE').set({ Cookie: olga.cookie })).body;
    expect(c.institutionId).toBe('FR:CARSATSE1');
    expect(c.forwards.map((f: { institutionId: string; status: string }) => `${f.institutionId} ${f.status}`).sort()).toEqual([
      'FR:CARSATRA1 superseded', 'FR:CARSATRA1 superseded', 'FR:CARSATSE1 pending', 'FR:CARSATSE1 pending']);
    expect(c.history.map((h: { kind: string }) => h.kind)).toContain('reassigned');
    const x007 = await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM forwards WHERE case_id = 'C-RE' AND institution_id = 'FR:CARSATSE1' AND rina_instruction`);
    expect(x007[0].n).toBe(1);
    const old = await request(t.svc.app).get('/api/institutions/FR:CARSATRA1/forwards?status=pending').set(bearer);
    expect(old.body.items).toHaveLength(0);
    expect((await request(t.svc.app).post('/api/cases/NOPE/reassign').set(olga.headers).send({ institutionId: 'FR:CARSATSE1' })).status).toBe(404);
  });

  it('returns, reopens (back to triage REOPENED) and annotates a case; refuses bodies of the wrong type', async () => {
    await send(orphan('C-RET', 'd1'));
    expect((await request(t.svc.app).post('/api/triage/C-RET/return').set(olga.headers).send({ reason: { a: 1 } })).status).toBe(422);
    await request(t.svc.app).post('/api/triage/C-RET/return').set(olga.headers).send({ reason: 'Belgian case' }).expect(200);
    expect((await request(t.svc.app).post('/api/cases/C-RET/reassign').set(olga.headers).send({ institutionId: 'FR:CARSATSE1' })).body.error.code).toBe('CAS_NOT_FORWARDED');
    const reopened = await request(t.svc.app).post('/api/cases/C-RET/reopen').set(olga.headers).send({ note: 'was French after all' });
    expect(reopened.body).toEqual({ caseId: 'C-RET', status: 'triage', reason: 'REOPENED' });
    expect((await request(t.svc.app).post('/api/cases/C-RET/reopen').set(olga.headers).send({})).body.error.code).toBe('CAS_NOT_RETURNED');
    expect((await queue('?reason=REOPENED')).body.items.map((i: { caseId: string; envelopes: number }) => [i.caseId, i.envelopes])).toEqual([['C-RET', 1]]);
    expect((await request(t.svc.app).post('/api/cases/C-RET/notes').set(olga.headers).send({ note: { a: 1 } })).status).toBe(422);
    const note = await request(t.svc.app).post('/api/cases/C-RET/notes').set(olga.headers).send({ note: 'called the DRV' });
    expect(note.status).toBe(201);
    const c = (await request(t.svc.app).get('/api/cases/C-RET').set({ Cookie: olga.cookie })).body;
    expect(c.history.map((h: { kind: string }) => h.kind)).toEqual(['routed', 'triaged', 'returned', 'reopened', 'note']);
    expect(c.history[4].data).toEqual({ by: 'operator:olga', note: 'called the DRV' });
  });

  it('searches cases by id prefix, envelope id, institution, status and date; the directory by name, acronym, id and validity', async () => {
    await send(lyon('4410001', 'd1'));
    await send(orphan('4410002', 'd2'));
    const search = (q: string) => request(t.svc.app).get(`/api/cases${q}`).set({ Cookie: olga.cookie });
    expect((await search('?caseId=44100')).body.items.map((c: { caseId: string }) => c.caseId)).toEqual(['4410002', '4410001']);
    const envelopeId = (await request(t.svc.app).get('/api/cases/4410002').set(bearer)).body.envelopes[0].envelopeId;
    expect((await search(`?envelopeId=${envelopeId}`)).body.items.map((c: { caseId: string }) => c.caseId)).toEqual(['4410002']);
    expect((await search('?institutionId=FR:CARSATRA1')).body.items.map((c: { caseId: string }) => c.caseId)).toEqual(['4410001']);
    expect((await search('?status=triage&from=2026-11-20&to=2026-11-20')).body.items).toHaveLength(1);
    expect((await search('?to=2026-11-19')).body.items).toHaveLength(0);
    expect((await search('?status=lost')).status).toBe(400);
    const dir = (q: string) => request(t.svc.app).get(`/api/institutions${q}`).set({ Cookie: olga.cookie });
    const byName = await dir('?q=rhone');
    expect(byName.body.items.map((i: { id: string }) => i.id)).toContain('FR:CARSATRA1');
    expect((await dir('?q=CARSATRA1')).body.items.map((i: { id: string }) => i.id)).toEqual(['FR:CARSATRA1']);
    const all = (await dir('?limit=500')).body.items.length;
    const valid = (await dir('?limit=500&validAt=2026-11-20')).body.items.length;
    expect(valid).toBeLessThanOrEqual(all);
    expect((await dir('?validAt=2026-13-45')).status).toBe(400);
    // Who may receive a case comes with each institution (the picker offers only those): not the liaison body.
    const receives = (items: Array<{ id: string; receivesCases: { allowed: boolean; code?: string } }>, id: string) => items.find((i) => i.id === id)?.receivesCases;
    const judged = (await dir('?limit=500&validAt=2026-11-20')).body.items;
    expect(receives(judged, 'FR:CARSATRA1')).toEqual({ allowed: true, at: '2026-11-20' });
    expect(receives(judged, 'FR:CLEISS0002')).toEqual(expect.objectContaining({ allowed: false, code: 'liaisonBody' }));
  });
});
