/**
 * The rule editor's API (issue #20): GET /api/rules/facts lists the facts a condition may test with their
 * operators and values, from the configuration in force; a refused table gives each problem a stable code and its
 * values beside the English message (the console says it in French), on simulation and on publication alike.
 */
import request from 'supertest';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { ADMIN, bearer, startTestService, type TestService } from './support';

describe.each(storageDrivers().slice(0, 1))('rule facts and coded rule problems on %s', (_name, open) => {
  let tdb: TestDatabase;
  let t: TestService;
  const clock = new FixedClock('2026-11-23T08:00:00Z');

  beforeAll(async () => {
    tdb = await open();
    t = await startTestService(tdb.db, clock);
    await tdb.reset();
    await t.svc.routingConfig.seed(loadRoutingConfig('config'));
    await t.svc.accounts.ensureBootstrapAdmin(ADMIN.username, ADMIN.password);
  }, 180_000);
  afterAll(async () => {
    await t.svc.stop();
    await tdb.close();
  });

  it('lists the facts, their operators and values, and the networks, funds and reasons a rule may name', async () => {
    const res = await request(t.svc.app).get('/api/rules/facts').set(bearer);
    expect(res.status).toBe(200);
    expect(res.body.ruleSetVersion).toBe(1);
    const sector = res.body.facts.find((f: { name: string }) => f.name === 'sector');
    expect(sector).toEqual({ name: 'sector', kind: 'text', operators: ['equals', 'in', 'notIn', 'exists', 'known'], valueSource: 'list', values: expect.arrayContaining(['P', 'S', 'LA']), personal: false });
    expect(res.body.facts.find((f: { name: string }) => f.name === 'senderCountry').values).toEqual(expect.arrayContaining(['DE', 'EL', 'UK']));
    expect(res.body.territoryFunds).toEqual(['pensionFund', 'sicknessFund', 'familyFund']);
    expect(res.body.triageReasons).toEqual(expect.arrayContaining(['NO_PERSON', 'NO_RULE']));
    expect((await request(t.svc.app).get('/api/rules/facts')).status).toBe(401);
  });

  it('gives each problem of a refused table a code and its values, with the English message kept', async () => {
    const current = (await request(t.svc.app).get('/api/rules').set(bearer)).body as { version: number; rules: Array<Record<string, unknown>> };
    const rules = [{ id: 'BAD', when: [{ fact: 'sektor', equals: 'P' }], then: { forward: { institutionId: 'FR:NOPE0001' } } }, ...current.rules];
    const published = await request(t.svc.app).put('/api/rules').set(bearer).send({ rules, reason: 'bad', basedOnVersion: current.version });
    expect(published.status).toBe(422);
    expect(published.body.error.code).toBe('RTE_RULESET_INVALID');
    expect(published.body.error.details).toEqual([
      { path: '/rules/0/when/0/fact', code: 'RULE_UNKNOWN_FACT', params: { value: '"sektor"' }, message: expect.stringMatching(/^unknown fact "sektor"/) },
    ]);
    const fixedFact = [{ ...rules[0], when: [{ fact: 'sector', equals: 'P' }] }, ...current.rules];
    const simulated = await request(t.svc.app).post('/api/rules/simulate').set(bearer).send({ rules: fixedFact });
    expect(simulated.status).toBe(422);
    expect(simulated.body.error.details).toEqual([
      { path: '/rules/0/then/forward/institutionId', code: 'RULE_UNKNOWN_INSTITUTION', params: { institutionId: 'FR:NOPE0001' }, message: 'FR:NOPE0001 is not in the institution directory' },
    ]);
  });
});
