/**
 * The undo window of an operator's forward from triage (issue #20, migration 017), on PGlite and PostgreSQL: the
 * forwards are held (neither relayed nor pulled) for TRIAGE_UNDO_SECONDS; within it the operator who decided can
 * cancel them and the case goes back to triage as it was; the cancelled decision teaches nothing.
 */
import request from 'supertest';
import { startService, type Service } from '../../src/app/service';
import { loadConfig } from '../../src/config/env';
import { loadDirectoryFromConfig, loadRuleTableFromConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { PgOutboxRepository } from '../../src/store/outbox-repository';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
/** No residence, no reference: FALLBACK → triage NO_RULE. */
const orphan = (caseId: string, documentId: string, sedType = 'P2000') => makeEnvelope({
  caseId, documentId, sedType,
  person: { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } },
});

describe.each(storageDrivers())('forward undo on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN, TRIAGE_UNDO_SECONDS: '10' }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set('2026-11-20T10:00:00Z');
    await svc.routingConfig.seed({ directory: loadDirectoryFromConfig('config'), ruleTable: loadRuleTableFromConfig('config') });
  });

  const send = async (env: object) => {
    const res = await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(env));
    expect([200, 202]).toContain(res.status);
    await svc.routingWorker.drain();
  };
  const getCase = async (caseId: string) => (await request(svc.app).get(`/api/cases/${caseId}`).set(auth)).body;
  const token = async (body: object) => (await request(svc.app).post('/api/admin/tokens').set(auth).send(body)).body.token as string;
  const pulled = async (institutionId: string, bearer: string) =>
    (await request(svc.app).get(`/api/institutions/${institutionId}/forwards`).set('Authorization', `Bearer ${bearer}`)).body.items as Array<{ forwardId: string }>;
  const relayClaims = async () => new PgOutboxRepository(tdb.db).claim('test-relay', clock.now(), 50, new Date(clock.now().getTime() + 60_000));

  it('holds the forward for the window, then an undo puts the case back in triage as it was and teaches nothing', async () => {
    await send(orphan('C-UNDO', 'u1'));
    await send(orphan('C-UNDO', 'u2', 'P5000'));
    const before = await getCase('C-UNDO');
    expect(before.triage).toEqual(expect.objectContaining({ reason: 'NO_RULE' }));
    clock.set('2026-11-20T10:05:00Z');
    const assigned = await request(svc.app).post('/api/triage/C-UNDO/assign').set(auth).send({ institutionId: 'FR:CAF001' }).expect(200);
    expect(assigned.body.releaseAt).toBe('2026-11-20T10:05:10.000Z');
    const caf = await token({ role: 'institution', institutionId: 'FR:CAF001' });
    expect(await pulled('FR:CAF001', caf)).toHaveLength(0);
    expect(await relayClaims()).toHaveLength(0);
    const dbRows = async () => tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM decision_features WHERE case_id = $1', ['C-UNDO']);
    expect((await dbRows())[0].n).toBe(1);

    clock.set('2026-11-20T10:05:09Z');
    const undone = await request(svc.app).post('/api/triage/C-UNDO/undo').set(auth).expect(200);
    expect(undone.body).toEqual({ caseId: 'C-UNDO', status: 'triage', institutionId: 'FR:CAF001', cancelledForwardIds: assigned.body.forwardIds.slice().sort() });
    const after = await getCase('C-UNDO');
    expect(after.status).toBe('triage');
    expect(after.institutionId).toBeNull();
    expect(after.triage).toEqual(before.triage);
    expect(after.envelopes.every((e: { state: string }) => e.state === 'triage')).toBe(true);
    expect(after.forwards.map((f: { status: string }) => f.status)).toEqual(['cancelled', 'cancelled']);
    expect(after.history.map((h: { kind: string }) => h.kind).slice(-2)).toEqual(['forwarded', 'undone']);
    // Never released: not pulled, not relayed, even long after the window.
    clock.set('2026-11-20T11:00:00Z');
    expect(await pulled('FR:CAF001', caf)).toHaveLength(0);
    expect(await relayClaims()).toHaveLength(0);
    // The cancelled decision teaches nothing: no features row, no proposal from it.
    expect((await dbRows())[0].n).toBe(0);
    const proposal = await request(svc.app).post('/api/rules/proposals').set(auth).send({ caseId: 'C-UNDO' });
    expect(proposal.body.error.code).toBe('LRN_NO_MANUAL_DECISION');
    // A second undo has nothing to cancel; the case can be forwarded again.
    expect((await request(svc.app).post('/api/triage/C-UNDO/undo').set(auth)).body.error.code).toBe('TRI_UNDO_UNAVAILABLE');
    await request(svc.app).post('/api/triage/C-UNDO/assign').set(auth).send({ institutionId: 'FR:CPAM069' }).expect(200);
    const audit = await request(svc.app).get('/api/admin/audit?subjectId=C-UNDO').set(auth);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['triage.assign', 'triage.undo']));
  });

  it('releases the forward once the window is over: pulled, relayed, and the undo is refused', async () => {
    await send(orphan('C-LATE', 'l1'));
    await request(svc.app).post('/api/triage/C-LATE/assign').set(auth).send({ institutionId: 'FR:CAF001' }).expect(200);
    clock.advance(10_000);
    const caf = await token({ role: 'institution', institutionId: 'FR:CAF001' });
    expect(await pulled('FR:CAF001', caf)).toHaveLength(1);
    expect(await relayClaims()).toHaveLength(1);
    const late = await request(svc.app).post('/api/triage/C-LATE/undo').set(auth);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('TRI_UNDO_UNAVAILABLE');
    expect((await getCase('C-LATE')).status).toBe('forwarded');
  });

  it('lets only the operator who forwarded undo it', async () => {
    await send(orphan('C-MINE', 'm1'));
    await request(svc.app).post('/api/triage/C-MINE/assign').set(auth).send({ institutionId: 'FR:CAF001' }).expect(200);
    await expect(svc.triage.undo('C-MINE', 'operator:someone.else')).rejects.toMatchObject({ code: 'TRI_UNDO_FORBIDDEN', status: 403 });
    expect((await getCase('C-MINE')).status).toBe('forwarded');
  });

  it('finds an institution by words in any order, accents ignored, and opens the picker on the case\'s candidates', async () => {
    const ids = async (q: string) => ((await request(svc.app).get(`/api/institutions?q=${encodeURIComponent(q)}&validAt=2026-11-20`).set(auth)).body.items as Array<{ id: string }>).map((i) => i.id);
    for (const q of ['cpam 69', 'cpam rhône', 'maladie rhône', 'Rhone CPAM', 'CPAM069', 'FR:CPAM069']) expect((await ids(q))[0]).toBe('FR:CPAM069');
    expect(await ids('cpam 69')).toEqual(['FR:CPAM069']);
    expect(await ids('caf ain')).toEqual(['FR:CAF001']);
    expect(await ids('maladie rhône')).toEqual(expect.arrayContaining(['FR:CPAM013']));
    expect(await ids('cpam nowhere')).toEqual([]);
    // A sickness case in the Nord (several CPAMs): triage, and the picker offers the Nord's four CPAMs by name.
    await send(makeEnvelope({
      caseId: 'C-NORD', documentId: 'n1', bucType: 'S_BUC_05', sedType: 'S044',
      person: { PersonIdentification: { familyName: 'Nord', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } }, ResidenceAddress: { town: 'Lille', postalCode: '59000', country: { value: ['FR'] } } },
    }));
    expect((await getCase('C-NORD')).triage).toEqual(expect.objectContaining({ reason: 'AMBIGUOUS_TERRITORY' }));
    const candidates = (await request(svc.app).get('/api/triage/C-NORD/candidates').set(auth).expect(200)).body.items as Array<{ institutionId: string; name: string; why: string[] }>;
    expect(candidates.map((c) => c.institutionId)).toEqual(['FR:CPAM0591', 'FR:CPAM0592', 'FR:CPAM0593', 'FR:CPAM0594']);
    expect(candidates[0]).toEqual(expect.objectContaining({ name: 'CPAM de Lille-Douai', why: ['residence'], departement: '59' }));
  });
});

