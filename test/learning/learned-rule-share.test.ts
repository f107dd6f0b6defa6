/**
 * The figure the README records: on synthetic traffic in the 2024 mix, the auto-routing share before and after a
 * rule learned from operators' repeated decisions, as the draft simulation shows it; once published, the next
 * similar envelope is routed by it. "Operators" here send the pension orphans of people
 * living abroad with no French reference to the Cnav (a plausible, not an authoritative, practice).
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import type { Envelope } from '../../src/intake/envelope';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import { openPglite, type TestDatabase } from '../helpers/db';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

jest.setTimeout(300_000);

describe('auto-routing share before and after a learned rule', () => {
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

  const traffic = (seed: string, count: number) =>
    generateEnvelopes({ count, seed, from: '2026-10-01', to: '2026-11-20' }).filter((i): i is Envelope => !isMalformed(i));
  const receive = async (envelopes: Envelope[]) => {
    for (const e of envelopes) await svc.intake.receive(Buffer.from(JSON.stringify(e)), 'http');
    await svc.routingWorker.drain();
  };

  it('learns a rule from repeated decisions and routes more automatically', async () => {
    const first = traffic('w13-learning', 500);
    await receive(first);
    // The operators' repeated decision: every pension orphan without a rule goes to the Cnav.
    const orphans = await tdb.db.query<{ case_id: string }>(
      `SELECT case_id FROM cases WHERE status = 'triage' AND triage_reason = 'NO_RULE' AND buc_type LIKE 'P%' ORDER BY case_id`);
    for (const o of orphans) {
      await request(svc.app).post(`/api/triage/${o.case_id}/assign`).set(auth).send({ institutionId: 'FR:CNAV00001' }).expect(200);
    }
    const candidates = (await request(svc.app).get('/api/rules/candidates?min=2').set(auth)).body.items;
    expect(candidates.length).toBeGreaterThan(0);
    const top = candidates[0];
    const proposal = (await request(svc.app).post('/api/rules/proposals').set(auth).send({ caseId: top.exampleCaseIds[0] }).expect(200)).body;
    const sim = (await request(svc.app).post('/api/rules/simulate').set(auth).send({ rules: proposal.draft.rules }).expect(200)).body;
    expect(sim.automaticShareAfter).toBeGreaterThan(sim.automaticShareBefore);
    await request(svc.app).put('/api/rules').set(auth).send({ rules: proposal.draft.rules, reason: 'learned', basedOnVersion: proposal.basedOnVersion }).expect(201);

    // The next similar envelope (the example's SED again, in a new case) is routed by the new rule.
    const [example] = await tdb.db.query<{ body: Envelope }>('SELECT body FROM envelopes WHERE case_id = $1 LIMIT 1', [top.exampleCaseIds[0]]);
    const similar = { ...example.body, caseId: 'NEXT-SIMILAR', documentId: 'nextsimilar', envelopeId: `${example.body.sedType}_nextsimilar_${example.body.documentVersion}` };
    await receive([similar]);
    const routed = (await request(svc.app).get('/api/cases/NEXT-SIMILAR').set(auth)).body.decisions[0];
    expect(routed).toEqual(expect.objectContaining({ ruleId: proposal.rule.id, ruleSetVersion: 2, outcome: 'forward', institutionId: 'FR:CNAV00001' }));
    console.log([
      `learned rule ${proposal.rule.id} (${top.decisions} of ${top.ofSimilar} similar decisions; ${orphans.length} cases assigned)`,
      `simulation on ${sim.envelopes} stored envelopes: auto-routing ${(sim.automaticShareBefore * 100).toFixed(1)} % before, ${(sim.automaticShareAfter * 100).toFixed(1)} % after (${sim.changed} decisions change)`,
    ].join('\n'));
  });
});
