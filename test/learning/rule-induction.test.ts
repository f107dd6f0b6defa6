/**
 * Rule induction from operators' decisions, table-driven, on PGlite and PostgreSQL: each row sends its cases
 * through intake and routing, an operator decides the orphans through the API, and `GET /api/rules/candidates`
 * must state the practice at the generality the decisions support (conditions that did not change the choice left
 * out), or state nothing for a contradicted group, a group too small, and cases an identity gate stops.
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import type { Envelope } from '../../src/intake/envelope';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope, PERSONAL_VALUES } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

interface CaseSpec {
  n: number;
  bucTypes: string[];
  senders: string[];
  /** Residence country and postcode, or null for none. */
  residence: [string, string] | null;
  refs?: string[];
  /** A French PIN with a wrong key: GATE-NIR stops the case. */
  wrongNir?: boolean;
  to: string;
}

interface Row {
  name: string;
  cases: CaseSpec[];
  expected: Array<{ institutionId: string; features: Record<string, unknown>; decisions: number; ofSimilar: number; insertBefore: string }>;
}

let seq = 0;

function envelope(spec: CaseSpec, i: number, caseId: string): Envelope {
  seq += 1;
  const bucType = spec.bucTypes[i % spec.bucTypes.length];
  const country = spec.senders[i % spec.senders.length];
  const e = makeEnvelope({ caseId, documentId: `ind${seq}`, bucType, sender: { institutionId: `${country}:INST000001`, name: 'Sender', country } });
  const root = (e.sed as Record<string, Record<string, unknown>>)[e.sedType];
  const person = root.InsuredPerson as { ResidenceAddress?: unknown; PersonIdentification: { PINPersonInEachInstitution: { PersonalIdentificationNumber: Array<Record<string, unknown>> } } };
  if (spec.residence === null) delete person.ResidenceAddress;
  else person.ResidenceAddress = { town: 'Somewhere', postalCode: spec.residence[1], country: { value: [spec.residence[0]] } };
  if (spec.wrongNir) person.PersonIdentification.PINPersonInEachInstitution.PersonalIdentificationNumber[0].personalIdentificationNumber = '2580375112233 99';
  if (spec.refs?.length) root.Institutions = spec.refs.map((id) => ({ Institution: { institutionID: id, institutionName: 'Caisse' } }));
  return e;
}

const S_BE = (n: number, to: string): CaseSpec => ({ n, bucTypes: ['S_BUC_01', 'S_BUC_06', 'S_BUC_19'], senders: ['BE', 'DE', 'LU'], residence: ['BE', '1000'], to });

const ROWS: Row[] = [
  {
    name: 'a practice by residence country only (with one decision against it)',
    cases: [S_BE(9, 'FR:CNSE00001'), S_BE(1, 'FR:CNAREFE01'), { n: 6, bucTypes: ['S_BUC_01', 'S_BUC_06', 'S_BUC_19'], senders: ['BE', 'DE', 'LU'], residence: ['DE', '10117'], to: 'FR:CPAM075' }],
    expected: [
      { institutionId: 'FR:CNSE00001', features: { sector: 'S', 'residence.country': 'BE' }, decisions: 9, ofSimilar: 10, insertBefore: 'FALLBACK' },
      { institutionId: 'FR:CPAM075', features: { sector: 'S', 'residence.country': 'DE' }, decisions: 6, ofSimilar: 6, insertBefore: 'FALLBACK' },
    ],
  },
  {
    name: 'a practice by sector only',
    cases: [
      { n: 6, bucTypes: ['FB_BUC_01', 'FB_BUC_04'], senders: ['DE', 'IT', 'ES'], residence: ['IT', '00100'], to: 'FR:CAF075' },
      { n: 6, bucTypes: ['P_BUC_01', 'P_BUC_05'], senders: ['DE', 'IT', 'ES'], residence: ['IT', '00100'], to: 'FR:CNAV00001' },
    ],
    expected: [
      { institutionId: 'FR:CAF075', features: { sector: 'FB' }, decisions: 6, ofSimilar: 6, insertBefore: 'FALLBACK' },
      { institutionId: 'FR:CNAV00001', features: { sector: 'P' }, decisions: 6, ofSimilar: 6, insertBefore: 'FALLBACK' },
    ],
  },
  {
    name: 'a practice by BUC type and reference network',
    cases: [
      { n: 6, bucTypes: ['P_BUC_02'], senders: ['ES', 'PT'], residence: ['ES', '28001'], refs: ['FR:CARSATRA1', 'FR:CARSATAU1'], to: 'FR:CNAV00001' },
      { n: 5, bucTypes: ['P_BUC_02'], senders: ['ES', 'PT'], residence: ['ES', '28001'], to: 'FR:CARSATLR1' },
      { n: 5, bucTypes: ['P_BUC_01'], senders: ['ES', 'PT'], residence: ['ES', '28001'], refs: ['FR:CARSATRA1', 'FR:CARSATAU1'], to: 'FR:CARSATHF1' },
    ],
    // Each institution's cases differ from the others' in one way or two: that is all the rules keep.
    expected: [
      { institutionId: 'FR:CNAV00001', features: { sector: 'P', bucType: 'P_BUC_02', refNetworks: ['PENSION_GENERAL'] }, decisions: 6, ofSimilar: 6, insertBefore: 'ANY-AMBIGUOUS' },
      { institutionId: 'FR:CARSATLR1', features: { sector: 'P', refNetworks: [] }, decisions: 5, ofSimilar: 5, insertBefore: 'FALLBACK' },
      { institutionId: 'FR:CARSATHF1', features: { sector: 'P', bucType: 'P_BUC_01' }, decisions: 5, ofSimilar: 5, insertBefore: 'ANY-AMBIGUOUS' },
    ],
  },
  {
    name: 'a contradicted group',
    cases: [
      { n: 5, bucTypes: ['P_BUC_01'], senders: ['DE'], residence: null, to: 'FR:CARSATRA1' },
      { n: 2, bucTypes: ['P_BUC_01'], senders: ['DE'], residence: null, to: 'FR:CARSATAU1' },
    ],
    expected: [],
  },
  { name: 'a group too small', cases: [{ n: 4, bucTypes: ['P_BUC_01', 'P_BUC_05'], senders: ['DE'], residence: ['AT', '1010'], to: 'FR:CNAV00001' }], expected: [] },
  { name: 'a gate case (GATE-NIR stops them: never learned past it)', cases: [{ n: 6, bucTypes: ['P_BUC_01'], senders: ['DE'], residence: ['AT', '1010'], wrongNir: true, to: 'FR:CNAV00001' }], expected: [] },
];

jest.setTimeout(240_000);

describe.each(storageDrivers())('rule induction on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN, PIN_HASH_KEY: 'test-pin-hash-key-0123456789abcdef' }), { db: tdb.db, clock: new FixedClock('2026-11-20T10:00:00Z'), logger: silentLogger(), listen: false, workers: false });
  }, 180_000);
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  const decide = async (row: Row, prefix: string) => {
    const ids: string[] = [];
    for (const [k, spec] of row.cases.entries()) {
      for (let i = 0; i < spec.n; i += 1) {
        const caseId = `${prefix}-${k}-${i}`;
        await svc.intake.receive(Buffer.from(JSON.stringify(envelope(spec, i, caseId))), 'http');
        ids.push(caseId);
      }
    }
    await svc.routingWorker.drain();
    for (const [k, spec] of row.cases.entries()) {
      for (let i = 0; i < spec.n; i += 1) {
        await request(svc.app).post(`/api/triage/${prefix}-${k}-${i}/assign`).set(auth).send({ institutionId: spec.to }).expect(200);
      }
    }
    return ids;
  };

  it.each(ROWS.map((r, i) => [r.name, r, i] as const))('%s', async (_n, row, i) => {
    // Each row learns from its own decisions only.
    await tdb.db.query('DELETE FROM decision_features');
    await decide(row, `R${i}`);
    const res = await request(svc.app).get('/api/rules/candidates').set(auth).expect(200);
    expect(res.body.min).toBe(5);
    const got = res.body.items.map((c: Record<string, unknown>) => ({
      institutionId: c.institutionId, features: c.features, decisions: c.decisions, ofSimilar: c.ofSimilar, insertBefore: c.insertBefore,
    }));
    expect(got).toEqual(row.expected);
    const rules = (await request(svc.app).get('/api/rules').set(auth)).body.rules as Array<{ id: string }>;
    for (const c of res.body.items) {
      // Below the gates, with the sector its institution serves, and nothing about a person.
      expect(c.position).toBeGreaterThan(rules.findIndex((r) => r.id === 'GATE-NIR'));
      expect(c.rule.when).toEqual(expect.arrayContaining([expect.objectContaining({ fact: 'sector' })]));
      expect(c.rule.then).toEqual({ forward: { institutionId: c.institutionId } });
    }
    const text = JSON.stringify(res.body);
    for (const v of PERSONAL_VALUES) expect(text).not.toContain(v);
  });

  it('lists the counter-examples and the conditions left out, and proposes the general rule for a covered case', async () => {
    await tdb.db.query('DELETE FROM decision_features');
    await decide(ROWS[0], 'CX');
    const [cnse] = (await request(svc.app).get('/api/rules/candidates').set(auth)).body.items;
    expect(cnse.counterExamples).toEqual([expect.objectContaining({ caseId: 'CX-1-0', institutionId: 'FR:CNAREFE01', link: '/api/cases/CX-1-0' })]);
    expect(cnse.leftOut.map((l: { attribute: string }) => l.attribute)).toEqual(expect.arrayContaining(['bucType', 'senderCountry']));
    expect(cnse.perMonth).toBe(10);
    expect(cnse.rule.when).toEqual([{ fact: 'sector', equals: 'S' }, { fact: 'residence.country', equals: 'BE' }]);
    const proposal = (await request(svc.app).post('/api/rules/proposals').set(auth).send({ caseId: 'CX-0-3' }).expect(200)).body;
    expect(proposal.rule).toEqual(cnse.rule);
    expect(proposal.insertBefore).toBe('FALLBACK');
    expect(proposal.check).toEqual({ outcome: 'forward', institutionId: 'FR:CNSE00001', ruleId: cnse.rule.id });
    // The counter-example's own decision is not what the candidate says: its proposal keeps the case's exact facts.
    const own = (await request(svc.app).post('/api/rules/proposals').set(auth).send({ caseId: 'CX-1-0' }).expect(200)).body;
    expect(own.rule.id).not.toBe(cnse.rule.id);
    expect(own.rule.when).toEqual(expect.arrayContaining([{ fact: 'bucType', equals: 'S_BUC_01' }]));
  });
});
