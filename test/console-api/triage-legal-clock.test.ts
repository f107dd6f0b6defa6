/**
 * The triage queue by the legal clock (#20): each case's age from its legal receipt time (legalAge), sorting by
 * it and by other columns with a cursor that follows the order, page jumps (offset + total), "my claimed cases",
 * and a minimum age in business hours counted from the receipt or from the entry into triage.
 */
import request from 'supertest';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { ADMIN, bearer, login, person, startTestService, type Login, type TestService } from './support';

/** No residence, no reference: triage NO_RULE; received at `legalDeliveryAt`. */
const orphan = (caseId: string, legalDeliveryAt: string, over: Record<string, unknown> = {}) => makeEnvelope({
  caseId, documentId: `d-${caseId}`, legalDeliveryAt, ...over,
  person: { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } },
});
const ids = (res: request.Response) => res.body.items.map((i: { caseId: string }) => i.caseId);

describe.each(storageDrivers())('triage queue by the legal clock on %s', (_name, open) => {
  let tdb: TestDatabase;
  let t: TestService;
  let olga: Login;
  const clock = new FixedClock('2026-11-23T08:00:00Z'); // Monday 09:00 Paris

  beforeAll(async () => {
    tdb = await open();
    t = await startTestService(tdb.db, clock);
    await t.svc.routingConfig.seed(loadRoutingConfig('config'));
    await t.svc.accounts.ensureBootstrapAdmin(ADMIN.username, ADMIN.password);
    const admin = await login(t.svc, ADMIN.username, ADMIN.password);
    olga = await person(t.svc, admin, 'olga', 'operator');
    // Entered triage in this order (C-A first), received by the legal clock in another: C-C a week ago.
    const received = { 'C-A': '2026-11-20T09:00:00Z', 'C-B': '2026-11-23T07:30:00Z', 'C-C': '2026-11-16T08:00:00Z', 'C-D': '2026-11-19T15:00:00Z' };
    for (const [caseId, at] of Object.entries(received)) {
      const res = await request(t.svc.app).post('/api/envelopes').set(bearer).set('Content-Type', 'application/json')
        .send(JSON.stringify(orphan(caseId, at, caseId === 'C-D' ? { sender: { institutionId: 'AT:ABCD1234', name: 'PVA', country: 'AT' } } : {})));
      expect([200, 202]).toContain(res.status);
      await t.svc.routingWorker.drain();
      clock.advance(60_000);
    }
  }, 180_000);
  afterAll(async () => {
    await t.svc.stop();
    await tdb.close();
  });

  const queue = (query: string, who: Login = olga) => request(t.svc.app).get(`/api/triage${query}`).set({ Cookie: who.cookie });

  it('gives the age by the legal clock beside the age in triage, and sorts by either with a cursor that follows', async () => {
    const all = await queue('');
    expect(ids(all)).toEqual(['C-A', 'C-B', 'C-C', 'C-D']);
    const c = all.body.items.find((i: { caseId: string }) => i.caseId === 'C-C');
    expect(c.age.class).toBe('fresh');
    // Received Mon 16 Nov 09:00 Paris, now Mon 23 Nov 09:04: five business days of 8 hours and 4 minutes.
    expect(c.legalAge).toEqual({ businessHours: 40.1, class: 'overdue' });
    expect(all.body).toEqual(expect.objectContaining({ total: 4, offset: 0 }));
    expect(ids(await queue('?sort=received'))).toEqual(['C-C', 'C-D', 'C-A', 'C-B']);
    const first = await queue('?sort=-received&limit=3');
    expect(ids(first)).toEqual(['C-B', 'C-A', 'C-D']);
    expect(ids(await queue(`?sort=-received&limit=3&cursor=${first.body.nextCursor}`))).toEqual(['C-C']);
    const byCountry = await queue('?sort=senderCountry&limit=1');
    expect(ids(byCountry)).toEqual(['C-D']);
    expect((await queue(`?sort=senderCountry&limit=3&cursor=${byCountry.body.nextCursor}`)).body.items).toHaveLength(3);
    // A text cursor cannot continue a time order.
    expect((await queue(`?sort=received&cursor=${byCountry.body.nextCursor}`)).status).toBe(400);
  });

  it('jumps to a page by offset with the total under every filter', async () => {
    const third = await queue('?sort=received&limit=1&offset=2');
    expect(ids(third)).toEqual(['C-A']);
    expect(third.body).toEqual(expect.objectContaining({ total: 4, offset: 2 }));
    expect((await queue('?senderCountry=AT&offset=0')).body.total).toBe(1);
    expect((await queue('?reason=NO_RULE&senderCountry=AT')).body.total).toBe(1);
    const cursor = (await queue('?limit=1')).body.nextCursor;
    expect(ids(await queue(`?limit=1&cursor=${cursor}`))).toEqual(['C-B']);
    const both = await queue(`?offset=1&cursor=${cursor}`);
    expect(both.status).toBe(400);
    expect(both.body.error.details[0].path).toBe('offset');
    expect((await queue('?sort=age')).status).toBe(400);
    expect((await queue('?offset=-1')).status).toBe(400);
  });

  it('keeps my claimed cases with mine=true', async () => {
    await request(t.svc.app).post('/api/triage/C-B/claim').set(olga.headers).expect(200);
    const mine = await queue('?mine=true');
    expect(ids(mine)).toEqual(['C-B']);
    expect(mine.body.total).toBe(1);
    expect(mine.body.countsByReason).toEqual({ NO_RULE: 1 });
    expect(ids(await request(t.svc.app).get('/api/triage?mine=true').set(bearer))).toEqual([]);
    expect((await queue('?mine=yes')).status).toBe(400);
    await request(t.svc.app).delete('/api/triage/C-B/claim').set(olga.headers).expect(204);
  });

  it('filters by a minimum age in business hours, from the legal receipt (default) or from the entry into triage', async () => {
    // 16 business hours before Mon 23 Nov 09:04 Paris: Thu 19 Nov 09:04.
    expect(ids(await queue('?minBusinessHours=16&sort=received'))).toEqual(['C-C']);
    // C-D: Thu 16:00 → 1 h + Fri 8 h; C-A: Fri 10:00 → 7 h (and 4 minutes on Monday).
    expect(ids(await queue('?minBusinessHours=7&ageFrom=received&sort=received'))).toEqual(['C-C', 'C-D', 'C-A']);
    expect(ids(await queue('?minBusinessHours=8&ageFrom=received&sort=received'))).toEqual(['C-C', 'C-D']);
    expect(ids(await queue('?minBusinessHours=0.06&ageFrom=triage'))).toEqual(['C-A']);
    expect((await queue('?ageFrom=triage')).status).toBe(400);
    expect((await queue('?minBusinessHours=-2')).status).toBe(400);
  });

  it('gives the overview the backlog by reason and legal clock, and the previous periods', async () => {
    const o = (await request(t.svc.app).get('/api/overview').set({ Cookie: olga.cookie })).body;
    expect(o.backlog).toEqual({
      clock: 'legal', oldBusinessHours: 8, overdueBusinessHours: 16, cases: 4, envelopes: 4, old: 1, overdue: 1,
      oldestReceivedAt: '2026-11-16T08:00:00.000Z', oldestBusinessHours: 40.1,
      byReason: [{ reason: 'NO_RULE', cases: 4, envelopes: 4, old: 1, overdue: 1, oldestReceivedAt: '2026-11-16T08:00:00.000Z' }],
    });
    expect(o.yesterday).toEqual(expect.objectContaining({ date: '2026-11-22', received: 0 }));
    expect(o.today).toEqual(expect.objectContaining({ date: '2026-11-23', received: 4, toTriage: 4 }));
    expect(o.previousMonth).toEqual(expect.objectContaining({ month: '2026-10', through: '2026-10-23', received: 0 }));
  });

  it('gives an operator the full SED of a case, no-store, each read audited', async () => {
    const res = await request(t.svc.app).get('/api/cases/C-A/sed').set({ Cookie: olga.cookie });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ caseId: 'C-A', envelopes: [expect.objectContaining({ envelopeId: 'P2000_d-C-A_1', sedType: 'P2000', legalDeliveryAt: '2026-11-20T09:00:00Z' })] });
    expect(res.body.envelopes[0].sed.P2000.InsuredPerson.PersonIdentification.familyName).toBe('Orphelin');
    expect((await request(t.svc.app).get('/api/cases/C-A/sed?envelopeId=nope').set({ Cookie: olga.cookie })).status).toBe(404);
    expect((await request(t.svc.app).get('/api/cases/C-NONE/sed').set({ Cookie: olga.cookie })).status).toBe(404);
    const audit = await t.svc.audit.list({ action: 'case.read-sed', limit: 10 });
    expect(audit).toEqual([expect.objectContaining({ actor: 'operator:olga', subjectId: 'C-A', data: { envelopes: ['P2000_d-C-A_1'] } })]);
  });

  it('lists the triage cases a new rule table decides, then re-routes them through the forward path, audited', async () => {
    // A new version whose first rule forwards every Austrian case to one institution.
    const current = (await request(t.svc.app).get('/api/rules').set(bearer)).body;
    const extra = { id: 'AT-TO-CNAV', description: 'test: Austrian cases', when: [{ fact: 'senderCountry', equals: 'AT' }], then: { forward: { institutionId: 'FR:CNAVIDF01' } } };
    const put = await request(t.svc.app).put('/api/rules').set(bearer).send({ rules: [extra, ...current.rules], reason: 'test re-routing', basedOnVersion: current.version });
    expect([200, 201]).toContain(put.status);
    const dry = await request(t.svc.app).get('/api/triage/reroute').set(bearer);
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual(expect.objectContaining({ scanned: 4, complete: true, items: [expect.objectContaining({ caseId: 'C-D', institutionId: 'FR:CNAVIDF01', ruleId: 'AT-TO-CNAV' })] }));
    expect((await queue('')).body.total).toBe(4); // the dry run writes nothing
    expect((await request(t.svc.app).get('/api/triage/reroute').set({ Cookie: olga.cookie })).status).toBe(403);
    expect((await request(t.svc.app).post('/api/triage/reroute').set(bearer).send({ caseIds: [] })).status).toBe(422);
    // The document bounds each id (the service takes the typed command as checked): a 101-character id is refused there.
    const tooLong = await request(t.svc.app).post('/api/triage/reroute').set(bearer).send({ caseIds: ['x'.repeat(101)] });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error).toMatchObject({ code: 'REQ_INVALID_BODY', details: [expect.objectContaining({ path: '/caseIds/0', code: 'maxLength' })] });
    const done = await request(t.svc.app).post('/api/triage/reroute').set(bearer).send({ caseIds: ['C-D', 'C-A'] });
    expect(done.status).toBe(200);
    expect(done.body.forwarded).toBe(1);
    expect(done.body.results).toEqual([
      expect.objectContaining({ caseId: 'C-D', status: 'forwarded', institutionId: 'FR:CNAVIDF01' }),
      expect.objectContaining({ caseId: 'C-A', status: 'skipped' }),
    ]);
    expect((await request(t.svc.app).get('/api/cases/C-D').set(bearer)).body.status).toBe('forwarded');
    expect(await t.svc.audit.list({ action: 'rules.reroute', limit: 5 })).toEqual([expect.objectContaining({ data: expect.objectContaining({ forwarded: 1, skipped: 1 }) })]);
  });
});
