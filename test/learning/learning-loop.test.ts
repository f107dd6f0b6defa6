/**
 * The learning loop through the HTTP API, on PGlite and PostgreSQL: operators' decisions become suggestions
 * (similar cases, the same person's earlier cases), a rule proposal that is simulated, published by a supervisor
 * and routes the next similar envelope automatically; candidate rules; the diff between rule-table versions.
 * An operator cannot publish rules or edit the directory; every publication is in the audit trail.
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope, PERSONAL_VALUES } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

/** No residence, no French reference: FALLBACK → triage NO_RULE. */
const orphan = (caseId: string) => makeEnvelope({
  caseId, documentId: `doc-${caseId}`,
  person: { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } },
});

/** The person of makeEnvelope (valid NIR) living in Germany: no rule decides a pension case for them. */
const abroad = (caseId: string, over: Record<string, unknown> = {}) => {
  const base = makeEnvelope({ caseId, documentId: `doc-${caseId}`, ...over });
  const root = (base.sed as Record<string, { InsuredPerson: Record<string, unknown> }>)[base.sedType];
  root.InsuredPerson.ResidenceAddress = { street: 'Unter den Linden 1', town: 'Berlin', postalCode: '10117', country: { value: ['DE'] } };
  return base;
};

describe.each(storageDrivers())('learning loop on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  const clock = new FixedClock('2026-11-20T10:00:00Z');
  let admin: { cookie: string; csrf: string };
  let operator: { cookie: string; csrf: string };

  const login = async (username: string, role: 'operator' | 'admin') => {
    await svc.access.ensureOperator(username, 'correct-horse-battery', role);
    const res = await request(svc.app).post('/api/session').send({ username, password: 'correct-horse-battery' }).expect(201);
    return { cookie: String(res.headers['set-cookie'][0]).split(';')[0], csrf: res.body.csrfToken as string };
  };
  const as = (s: { cookie: string; csrf: string }) => ({ Cookie: s.cookie, 'x-csrf-token': s.csrf });

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN, PIN_HASH_KEY: 'test-pin-hash-key-0123456789abcdef' }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
    admin = await login('sam', 'admin');
    operator = await login('olga', 'operator');
  }, 180_000);
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  const send = async (env: object) => {
    const res = await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(env));
    expect(res.status).toBe(202);
    await svc.routingWorker.drain();
  };
  const assign = (caseId: string, institutionId: string) =>
    request(svc.app).post(`/api/triage/${caseId}/assign`).set(as(operator)).send({ institutionId }).expect(200);
  const getCase = async (caseId: string) => (await request(svc.app).get(`/api/cases/${caseId}`).set(auth)).body;

  it('suggests what operators decided for similar cases, best first, with the basis', async () => {
    for (const id of ['O1', 'O2', 'O3', 'O4', 'O5']) await send(orphan(id));
    expect((await getCase('O1')).status).toBe('triage');
    for (const id of ['O1', 'O2', 'O3']) await assign(id, 'FR:CARSATRA1');
    await assign('O4', 'FR:CARSATHF1');
    const res = await request(svc.app).get('/api/triage/O5/suggestions').set(as(operator));
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toEqual(expect.objectContaining({ institutionId: 'FR:CARSATRA1', similarCases: 3, ofSimilar: 4 }));
    expect(res.body.items[0].basis).toMatch(/BUC type P_BUC_01.*sending country DE.*no known residence.*no French reference/);
    expect(res.body.items[1]).toEqual(expect.objectContaining({ institutionId: 'FR:CARSATHF1', similarCases: 1, ofSimilar: 4 }));
    expect(res.body.items).toHaveLength(2);
    expect((await request(svc.app).get('/api/triage/NOPE/suggestions').set(as(operator))).body.error.code).toBe('CAS_NOT_FOUND');
    const machine = (await request(svc.app).post('/api/admin/tokens').set(auth).send({ role: 'helpdesk' })).body.token;
    expect((await request(svc.app).get('/api/triage/O5/suggestions').set('Authorization', `Bearer ${machine}`)).status).toBe(403);
  });

  it("suggests where the same person's earlier cases of the same sector went, on a keyed hash of the PIN", async () => {
    await send(abroad('PERS1'));
    expect((await getCase('PERS1')).triage.reason).toBe('NO_RULE');
    await assign('PERS1', 'FR:CARSATAU1');
    // Another BUC type of the same sector, from another country: only the person links the two cases.
    await send(abroad('PERS2', { bucType: 'P_BUC_03', sender: { institutionId: 'AT:PVA0000001', name: 'PVA', country: 'AT' } }));
    const res = await request(svc.app).get('/api/triage/PERS2/suggestions').set(as(operator));
    expect(res.body.items[0]).toEqual(expect.objectContaining({ institutionId: 'FR:CARSATAU1', similarCases: 1, ofSimilar: 1, level: 'same-person' }));
    expect(res.body.items[0].basis).toMatch(/same person/);
    const text = JSON.stringify(res.body);
    for (const v of PERSONAL_VALUES) expect(text).not.toContain(v);
    const stored = await tdb.db.query<{ pin_hash: string }>(`SELECT pin_hash FROM decision_features WHERE case_id = 'PERS1'`);
    expect(stored[0].pin_hash).toMatch(/^k[0-9a-f]{8}:[0-9a-f]{64}$/);
    const all = JSON.stringify(await tdb.db.query('SELECT * FROM decision_features'));
    for (const v of ['258037511223324', '2580375112233']) expect(all).not.toContain(v);
  });

  it('lists no candidate rule where operators disagree (3 of 4 alike cases: below the 90 % agreement)', async () => {
    const res = await request(svc.app).get('/api/rules/candidates?min=3').set(as(operator));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ min: 3, items: [] });
    expect((await request(svc.app).get('/api/rules/candidates?min=1').set(as(operator))).status).toBe(400);
  });

  let ruleId = '';
  let draft: { rules: Array<{ id: string }> } = { rules: [] };

  it('proposes a rule from a manual decision, pre-filled with the case facts and placed before the triaging rule', async () => {
    const res = await request(svc.app).post('/api/rules/proposals').set(as(operator)).send({ caseId: 'O1' });
    expect(res.status).toBe(200);
    ruleId = res.body.rule.id;
    draft = res.body.draft;
    expect(ruleId).toBe('LEARNED-P-BUC-01-DE-NORES');
    expect(res.body.rule.when).toEqual([
      { fact: 'bucType', equals: 'P_BUC_01' }, { fact: 'senderCountry', equals: 'DE' },
      { fact: 'residence', exists: false }, { fact: 'frenchRefs', count: { max: 0 } },
    ]);
    expect(res.body.rule.then).toEqual({ forward: { institutionId: 'FR:CARSATRA1' } });
    expect(res.body.insertBefore).toBe('FALLBACK');
    expect(res.body.check).toEqual({ outcome: 'forward', institutionId: 'FR:CARSATRA1', ruleId });
    expect(res.body.basedOnVersion).toBe(1);
    const none = await request(svc.app).post('/api/rules/proposals').set(as(operator)).send({ caseId: 'O5' });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('LRN_NO_MANUAL_DECISION');
    expect((await request(svc.app).post('/api/rules/proposals').set(as(operator)).send({})).body.error.details[0].path).toBe('/caseId');
  });

  it('simulates the draft against stored traffic: the auto-routing share rises', async () => {
    const res = await request(svc.app).post('/api/rules/simulate').set(as(operator)).send({ rules: draft.rules });
    expect(res.status).toBe(200);
    // The five orphans of P_BUC_01 from DE change; the person living abroad (residence known) does not.
    expect(res.body.changed).toBe(5);
    expect(res.body.byRule).toEqual(expect.arrayContaining([{ ruleId, before: 0, after: 5 }]));
    expect(res.body.byTarget).toEqual(expect.arrayContaining([{ target: 'FR:CARSATRA1', before: 0, after: 5 }]));
    expect(res.body.automaticShareAfter).toBeGreaterThan(res.body.automaticShareBefore);
    expect(res.body.examples[0].after).toEqual(expect.objectContaining({ ruleId, institutionId: 'FR:CARSATRA1' }));
  });

  it('lets a supervisor publish it, not an operator; the publication is audited', async () => {
    const body = { rules: draft.rules, reason: 'learned from O1–O3', basedOnVersion: 1 };
    const refused = await request(svc.app).put('/api/rules').set(as(operator)).send(body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('AUTH_FORBIDDEN');
    const institution = { institution: { name: 'Caisse test', networks: ['SPECIAL_PENSION'] }, reason: 'x' };
    expect((await request(svc.app).put('/api/institutions/FR:NEWFUND01').set(as(operator)).send(institution)).status).toBe(403);
    const published = await request(svc.app).put('/api/rules').set(as(admin)).send(body);
    expect(published.status).toBe(201);
    expect(published.body).toEqual(expect.objectContaining({ version: 2, author: 'operator:sam' }));
    const [entry] = await svc.audit.list({ action: 'rules.publish', limit: 10 });
    expect(entry).toEqual(expect.objectContaining({ actor: 'operator:sam', subjectType: 'rule-table', subjectId: '2', after: { version: 2 } }));
    expect(entry.data).toEqual(expect.objectContaining({ added: [ruleId], removed: [], changed: [] }));
    expect((await request(svc.app).put('/api/institutions/FR:NEWFUND01').set(as(admin)).send(institution)).status).toBe(201);
    expect((await svc.audit.list({ action: 'directory.publish', limit: 10 }))[0]).toEqual(expect.objectContaining({ actor: 'operator:sam', subjectId: '2' }));
  });

  it('routes the next similar envelope automatically, with the new rule id and version in its decision and trace', async () => {
    await send(orphan('O6'));
    const c = await getCase('O6');
    expect(c.status).toBe('forwarded');
    expect(c.institutionId).toBe('FR:CARSATRA1');
    expect(c.decisions[0]).toEqual(expect.objectContaining({ ruleId, ruleSetVersion: 2, outcome: 'forward' }));
    expect(c.decisions[0].trace.at(-1)).toEqual(expect.objectContaining({ ruleId, matched: true }));
    // Now covered by the table in force: no longer a candidate.
    expect((await request(svc.app).get('/api/rules/candidates?min=3').set(as(operator))).body.items).toEqual([]);
  });

  it('diffs two rule-table versions: added, removed, changed field by field, reordered', async () => {
    const one = await request(svc.app).get('/api/rules/versions/1/diff/2').set(as(operator));
    expect(one.status).toBe(200);
    expect(one.body.added).toEqual([{ position: draft.rules.findIndex((r) => r.id === ruleId), rule: expect.objectContaining({ id: ruleId }) }]);
    expect([one.body.removed, one.body.changed, one.body.reordered]).toEqual([[], [], []]);
    const rules = structuredClone(draft.rules) as Array<{ id: string; enabled?: boolean }>;
    const la = rules.splice(rules.findIndex((r) => r.id === 'LA-URSSAF'), 1)[0];
    rules.splice(rules.findIndex((r) => r.id === 'UB-FRANCE-TRAVAIL') + 1, 0, la);
    rules.find((r) => r.id === 'ANY-AMBIGUOUS')!.enabled = false;
    const withoutLearned = rules.filter((r) => r.id !== ruleId);
    await request(svc.app).put('/api/rules').set(as(admin)).send({ rules: withoutLearned, reason: 'reorder', basedOnVersion: 2 }).expect(201);
    const two = await request(svc.app).get('/api/rules/versions/2/diff/3').set(as(operator));
    expect(two.body.reordered).toEqual([{ ruleId: 'LA-URSSAF', from: 3, to: 4 }]);
    expect(two.body.changed).toEqual([{ ruleId: 'ANY-AMBIGUOUS', changes: [{ field: 'enabled', before: null, after: false }] }]);
    expect(two.body.removed).toEqual([{ position: draft.rules.findIndex((r) => r.id === ruleId), rule: expect.objectContaining({ id: ruleId }) }]);
    expect(two.body.from.version).toBe(2);
    expect((await request(svc.app).get('/api/rules/versions/1/diff/99').set(auth)).body.error.code).toBe('RTE_VERSION_NOT_FOUND');
    expect((await request(svc.app).get('/api/rules/versions/x/diff/1').set(auth)).status).toBe(404);
  });
});
