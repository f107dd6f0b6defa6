/**
 * A learned rule after publication, on PGlite and PostgreSQL: published in shadow it decides nothing, the cases it
 * would have decided say so in their trace, and its agreement with the operators is counted; made live, it
 * forwards, its precision counts the forwards bounced, and beyond the drift threshold the gauge says it drifts.
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

/** Sickness, living in Belgium, no French reference: FALLBACK → triage NO_RULE. */
function belgian(caseId: string) {
  const e = makeEnvelope({ caseId, documentId: `lrs-${caseId}`, bucType: 'S_BUC_01', sender: { institutionId: 'BE:INST000001', name: 'INAMI', country: 'BE' } });
  const person = (e.sed as Record<string, { InsuredPerson: Record<string, unknown> }>)[e.sedType].InsuredPerson;
  person.ResidenceAddress = { town: 'Bruxelles', postalCode: '1000', country: { value: ['BE'] } };
  return e;
}

jest.setTimeout(240_000);

describe.each(storageDrivers())('learned rules after publication on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN, LEARNING_DRIFT_MIN_FORWARDS: '3' }), { db: tdb.db, clock: new FixedClock('2026-11-20T10:00:00Z'), logger: silentLogger(), listen: false, workers: false });
  }, 180_000);
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  const send = async (ids: string[]) => {
    for (const id of ids) await svc.intake.receive(Buffer.from(JSON.stringify(belgian(id))), 'http');
    await svc.routingWorker.drain();
  };
  const assign = (caseId: string, institutionId: string) => request(svc.app).post(`/api/triage/${caseId}/assign`).set(auth).send({ institutionId }).expect(200);
  const getCase = async (caseId: string) => (await request(svc.app).get(`/api/cases/${caseId}`).set(auth).expect(200)).body;
  const publish = async (rules: unknown[], reason: string) => {
    const { version } = (await request(svc.app).get('/api/rules').set(auth)).body;
    await request(svc.app).put('/api/rules').set(auth).send({ rules, reason, basedOnVersion: version }).expect(201);
  };
  let ruleId = '';

  it('publishes a candidate in shadow: it decides nothing, the trace says what it would have, agreement is counted', async () => {
    const first = ['B1', 'B2', 'B3', 'B4', 'B5'];
    await send(first);
    for (const id of first) await assign(id, 'FR:CNSE00001');
    const [candidate] = (await request(svc.app).get('/api/rules/candidates').set(auth).expect(200)).body.items;
    ruleId = candidate.rule.id;
    const table = (await request(svc.app).get('/api/rules').set(auth)).body;
    const rules = [...table.rules];
    rules.splice(candidate.position, 0, { ...candidate.rule, shadowUntil: '2026-12-31' });
    await publish(rules, 'in shadow until the end of the year');

    await send(['S1', 'S2', 'S3']);
    const c = await getCase('S1');
    expect(c.status).toBe('triage');
    expect(c.decisions[0].trace).toEqual(expect.arrayContaining([expect.objectContaining({
      ruleId, matched: false, shadow: { outcome: 'forward', institutionId: 'FR:CNSE00001' }, skipped: expect.stringContaining('in shadow until 2026-12-31'),
    })]));
    await assign('S1', 'FR:CNSE00001');
    await assign('S2', 'FR:CNSE00001');
    await assign('S3', 'FR:CNAREFE01');
    const { shadow, live } = (await request(svc.app).get('/api/rules/learned').set(auth).expect(200)).body;
    expect(shadow).toEqual([{ ruleId, until: '2026-12-31', cases: 3, decidedByOperators: 3, agreed: 2, agreement: 0.667 }]);
    expect(live).toEqual([]);
  });

  it('made live, it forwards; its precision counts bounces, and past the threshold it drifts (API and gauge)', async () => {
    const table = (await request(svc.app).get('/api/rules').set(auth)).body;
    await publish(table.rules.map((r: { id: string; shadowUntil?: string }) => (r.id === ruleId ? (({ shadowUntil: _s, ...rest }) => rest)(r) : r)), 'made live');
    await send(['L1', 'L2', 'L3']);
    const l1 = await getCase('L1');
    expect(l1).toEqual(expect.objectContaining({ status: 'forwarded', institutionId: 'FR:CNSE00001' }));
    expect(l1.decisions[0].ruleId).toBe(ruleId);
    const [forward] = l1.forwards;
    await request(svc.app).post(`/api/forwards/${forward.forwardId}/ack`).set(auth).send({ status: 'rejected', reason: 'not ours' }).expect(200);
    const { live } = (await request(svc.app).get('/api/rules/learned').set(auth)).body;
    expect(live).toEqual([{ ruleId, forwards: 3, undone: 1, precision: 0.667, drifting: true, driftNoticeSentAt: null }]);
    const metrics = (await request(svc.app).get('/metrics')).text;
    expect(metrics).toContain(`liaison_learned_rule_drifting{rule="${ruleId}"} 1`);
    expect(metrics).toContain(`liaison_learned_rule_forwards{rule="${ruleId}"} 3`);
  });
});
