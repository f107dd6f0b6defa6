/**
 * The rule table and the directory as versioned data: every change through the API is a new version with author
 * and reason, decisions name the versions they used, conflicts and invalid tables are refused with paths.
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { openPglite, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

describe('versioned routing configuration', () => {
  let tdb: TestDatabase;
  let svc: Service;

  beforeAll(async () => {
    tdb = await openPglite();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN }), { db: tdb.db, clock: new FixedClock('2026-11-20T10:00:00Z'), logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  const send = async (env: object) => {
    await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(env)).expect(202);
    await svc.routingWorker.drain();
  };
  const table = () => JSON.parse(readFileSync('config/rules.json', 'utf8')) as { rules: Array<{ id: string; enabled?: boolean }> };

  it('publishes a new rule table version; later decisions use it, earlier ones keep theirs', async () => {
    await send(makeEnvelope({ caseId: 'V-1', documentId: 'v1' }));
    const rules = table();
    rules.rules.find((r) => r.id === 'P-RESIDENCE')!.enabled = false;
    const res = await request(svc.app).put('/api/rules').set(auth).send({ ...rules, reason: 'test: residence rule off', basedOnVersion: 1 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ version: 2, reason: 'test: residence rule off', author: 'bootstrap' }));
    await send(makeEnvelope({ caseId: 'V-2', documentId: 'v2' }));
    const before = (await request(svc.app).get('/api/cases/V-1').set(auth)).body.decisions[0];
    const after = (await request(svc.app).get('/api/cases/V-2').set(auth)).body.decisions[0];
    expect(before).toEqual(expect.objectContaining({ ruleId: 'P-RESIDENCE', ruleSetVersion: 1 }));
    expect(after.ruleSetVersion).toBe(2);
    expect(after.ruleId).not.toBe('P-RESIDENCE');
    expect(after.trace.find((s: { ruleId: string }) => s.ruleId === 'P-RESIDENCE').skipped).toBe('disabled');
    const history = await request(svc.app).get('/api/rules/versions').set(auth);
    expect(history.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await request(svc.app).get('/api/rules/versions/1').set(auth)).body.rules.find((r: { id: string }) => r.id === 'P-RESIDENCE').enabled).not.toBe(false);
    expect((await request(svc.app).get('/api/rules/versions/abc').set(auth)).body.error.code).toBe('RTE_VERSION_NOT_FOUND');
    expect((await request(svc.app).get('/api/rules/versions/99').set(auth)).status).toBe(404);
    const first = await request(svc.app).get('/api/rules/versions?limit=1').set(auth);
    expect(first.body.items.map((v: { version: number }) => v.version)).toEqual([2]);
    const next = await request(svc.app).get(`/api/rules/versions?limit=1&cursor=${first.body.nextCursor}`).set(auth);
    expect(next.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    expect(next.body.nextCursor).toBeNull();
    expect((await request(svc.app).get('/api/territories?limit=9999').set(auth)).status).toBe(400);
  });

  it('refuses a change based on an old version, an invalid table, or one without a reason', async () => {
    const conflict = await request(svc.app).put('/api/rules').set(auth).send({ ...table(), reason: 'stale', basedOnVersion: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('RTE_VERSION_CONFLICT');
    const invalid = await request(svc.app).put('/api/rules').set(auth).send({ rules: [{ id: 'X', when: [{ fact: 'shoeSize', in: ['42'] }], then: { triage: { reason: 'NO_RULE' } } }], reason: 'bad' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('RTE_RULESET_INVALID');
    expect(invalid.body.error.details[0].path).toMatch(/^\/rules\/0/);
    expect((await request(svc.app).put('/api/rules').set(auth).send({ ...table() })).status).toBe(422);
  });

  it('edits the directory as a new version, with effective dates judged at legalDeliveryAt', async () => {
    const put = await request(svc.app).put('/api/institutions/FR:NEWFUND01').set(auth).send({
      institution: { name: 'Caisse test', networks: ['SPECIAL_PENSION'], validFrom: '2026-12-01' }, reason: 'new scheme from December',
    });
    expect(put.status).toBe(201);
    expect(put.body.version).toBe(2);
    const list = await request(svc.app).get('/api/institutions?limit=500').set(auth);
    expect(list.body.version).toBe(2);
    expect(list.body.items.find((i: { id: string }) => i.id === 'FR:NEWFUND01')).toEqual(expect.objectContaining({ validFrom: '2026-12-01' }));
    const ref = (legalDeliveryAt: string) => makeEnvelope({
      legalDeliveryAt,
      person: {
        PersonIdentification: {
          familyName: 'Test', forename: 'Ref', dateBirth: '1950-01-01', sex: { value: ['01'] },
          PINPersonInEachInstitution: { PersonalIdentificationNumber: [{ country: { value: ['DE'] }, personalIdentificationNumber: 'X1', Institution: { institutionID: 'FR:NEWFUND01', institutionName: 'Caisse test' } }] },
        },
      },
    });
    const sim = async (at: string) => (await request(svc.app).post('/api/routing/simulate').set(auth).send(ref(at))).body;
    expect((await sim('2026-12-01T08:00:00Z')).institutionId).toBe('FR:NEWFUND01');
    expect((await sim('2026-11-30T08:00:00Z')).institutionId).not.toBe('FR:NEWFUND01');
    const bad = await request(svc.app).put('/api/institutions/FR:NEWFUND01').set(auth).send({ institution: { name: '', networks: ['lower'] }, reason: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).join(' ')).toMatch(/name/);
    const machine = (await request(svc.app).post('/api/admin/tokens').set(auth).send({ role: 'helpdesk' })).body.token;
    expect((await request(svc.app).put('/api/institutions/FR:NEWFUND01').set('Authorization', `Bearer ${machine}`).send({ reason: 'x' })).status).toBe(403);
  });
});
