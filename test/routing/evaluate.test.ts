/**
 * Evaluator semantics beyond the default table: effective dates on the Paris calendar, disabled rules, targets that
 * cannot be used, the trace in words, case affinity across the SEDs of one case, and what the trace never shows.
 */
import { directoryFromData as directoryFromJson } from '../../src/routing/directory';
import { evaluate, routeEnvelope, type Decision } from '../../src/routing/evaluate';
import { extractFacts } from '../../src/routing/facts';
import { loadRuleTable, type Rule, type RuleTable } from '../../src/routing/rule-table';
import { defaultConfig, envelope, NIR } from './helpers';

const { directory, ruleTable } = defaultConfig();

const tableOf = (...rules: Rule[]): RuleTable => loadRuleTable({ rules }, directory);
const fallback: Rule = { id: 'FALLBACK', when: [], then: { triage: { reason: 'NO_RULE' } } };
const stepOf = (d: Decision, ruleId: string) => d.trace.find((s) => s.ruleId === ruleId);

describe('effective dates of rules (Europe/Paris calendar date of legalDeliveryAt, inclusive)', () => {
  const dated = tableOf({ id: 'DATED', validFrom: '2024-06-01', validTo: '2024-06-30', when: [], then: { forward: { institutionId: 'FR:CPAM075' } } }, fallback);
  it.each([
    { at: '2024-05-31T21:59:59Z', ruleId: 'FALLBACK', skipped: 'not yet in force at 2024-05-31 (since 2024-06-01)' },
    { at: '2024-05-31T22:00:00Z', ruleId: 'DATED', skipped: undefined },
    { at: '2024-06-30T21:59:59Z', ruleId: 'DATED', skipped: undefined },
    { at: '2024-06-30T22:00:00Z', ruleId: 'FALLBACK', skipped: 'no longer in force at 2024-07-01 (until 2024-06-30)' },
    { at: 'not a time', ruleId: 'FALLBACK', skipped: 'cannot tell whether it is in force: legalDeliveryAt is not a valid time' },
  ])('delivered $at → $ruleId', ({ at, ruleId, skipped }) => {
    const d = evaluate(extractFacts(envelope({ at }), directory), dated, directory);
    expect(d.ruleId).toBe(ruleId);
    expect(stepOf(d, 'DATED')?.skipped).toBe(skipped);
  });

  it('says why a default rule was skipped the day before its since', () => {
    const { decision } = routeEnvelope(envelope({ bucType: 'R_BUC_07', at: '2024-09-30T12:00:00Z', refs: ['FR:CARSATRA1'] }), { directory, ruleTable });
    expect(stepOf(decision, 'R-CNAV-RECOVERY')).toEqual({
      ruleId: 'R-CNAV-RECOVERY', matched: false, skipped: 'not yet in force at 2024-09-30 (since 2024-10-01)',
      detail: { code: 'rule.notYetInForce', params: { date: '2024-09-30', since: '2024-10-01' } },
    });
  });

  it('skips a disabled rule and says so', () => {
    const t = tableOf({ id: 'OFF', enabled: false, when: [], then: { forward: { institutionId: 'FR:CPAM075' } } }, fallback);
    const d = evaluate(extractFacts(envelope(), directory), t, directory);
    expect(d.ruleId).toBe('FALLBACK');
    expect(stepOf(d, 'OFF')).toEqual({ ruleId: 'OFF', matched: false, skipped: 'disabled', detail: { code: 'rule.disabled', params: {} } });
  });
});

describe('targets that cannot be used do not match; evaluation continues', () => {
  it.each([
    {
      name: 'fixed target not yet valid', at: '2024-11-24T12:00:00Z', rule: { forward: { institutionId: 'FR:SENAT0001' } },
      failed: 'target FR:SENAT0001 is not yet valid at 2024-11-24 (valid from 2024-11-25)',
    },
    { name: 'département with several CPAMs', residence: '59000', rule: { forward: { territoryFund: 'sicknessFund' } }, failed: 'département 59 has no sicknessFund (several CPAMs: needs a commune table)' },
    { name: 'département missing from territories', residence: '98800', rule: { forward: { territoryFund: 'pensionFund' } }, failed: 'département 988 is not in the territories table' },
    { name: 'no département', residence: null, rule: { forward: { territoryFund: 'pensionFund' } }, failed: 'no known département of residence for the territory fund' },
    { name: 'no reference', rule: { forward: { reference: {} } }, failed: 'no French reference to forward to' },
    { name: 'no case route', rule: { forward: { caseRoute: true } }, failed: 'the case has no earlier forward' },
  ] as { name: string; at?: string; residence?: string | null; rule: Rule['then']; failed: string }[])('$name', ({ at, residence, rule, failed }) => {
    const t = tableOf({ id: 'TRY', when: [], then: rule }, fallback);
    const env = envelope({ at, residence: residence === undefined ? undefined : residence === null ? null : { country: 'FR', postalCode: residence } });
    const d = evaluate(extractFacts(env, directory), t, directory);
    expect(d.ruleId).toBe('FALLBACK');
    expect(stepOf(d, 'TRY')).toEqual({ ruleId: 'TRY', matched: false, failed, detail: expect.objectContaining({ code: expect.stringMatching(/^target\./) }) });
  });

  it('an institution past its validTo is not a target the day after', () => {
    const data = directory.toJSON();
    const closed = { ...data, institutions: data.institutions.map((r) => (r.id === 'FR:URSSAFINT' ? { ...r, validTo: '2025-03-31' } : r)) };
    const d2 = (at: string) => routeEnvelope(envelope({ bucType: 'LA_BUC_01', at }), { directory: directoryFromJson(closed), ruleTable }).decision;
    expect(d2('2025-03-31T12:00:00Z')).toMatchObject({ ruleId: 'LA-URSSAF', institutionId: 'FR:URSSAFINT' });
    expect(stepOf(d2('2025-04-01T12:00:00Z'), 'LA-URSSAF')?.failed).toBe('target FR:URSSAFINT is no longer valid at 2025-04-01 (valid until 2025-03-31)');
  });

  it('a table without a catch-all rule still decides: triage NO_RULE, no rule id', () => {
    const t = tableOf({ id: 'ONLY', when: [{ fact: 'sector', equals: 'LA' }], then: { forward: { institutionId: 'FR:URSSAFINT' } } });
    expect(evaluate(extractFacts(envelope(), directory), t, directory)).toMatchObject({ outcome: 'triage', reason: 'NO_RULE', ruleId: null, institutionId: null });
  });
});

describe('the trace, in words', () => {
  const decide = (spec: Parameters<typeof envelope>[0], caseRoute: string | null = null) => routeEnvelope(envelope(spec), { directory, ruleTable, caseRoute }).decision;

  it.each([
    { name: 'sector mismatch', spec: { bucType: 'P_BUC_01' }, ruleId: 'LA-URSSAF', failed: 'sector is P, rule needs LA' },
    { name: 'sector not in a list', spec: { bucType: 'P_BUC_01', residence: { country: 'DE', postalCode: '10115' } }, ruleId: 'SA-RESIDENCE', failed: 'sector is P, rule needs one of S, AW' },
    { name: 'no case route', spec: {}, ruleId: 'AFFINITY', failed: 'caseRoute is absent, rule needs it present' },
    { name: 'person present', spec: {}, ruleId: 'GATE-NO-PERSON', failed: 'none of the alternatives holds: person is present, rule needs it absent; person.birthDate is present, rule needs it absent' },
    { name: 'no French PIN', spec: {}, ruleId: 'GATE-NIR', failed: 'frenchPin is absent, rule needs it present' },
    { name: 'valid NIR', spec: { frenchPin: NIR.man1985March }, ruleId: 'GATE-NIR', failed: 'none of the alternatives holds: nirValid is true, rule needs false; nirMatchesBirth is true, rule needs false' },
    { name: 'département not in a list', spec: { bucType: 'S_BUC_05' }, ruleId: 'SA-MULTI-CPAM', failed: 'residence.departement is 75, rule needs one of 59, 62, 76' },
    { name: 'unknown département', spec: { bucType: 'P_BUC_03', residence: { country: 'DE', postalCode: '10115' } }, ruleId: 'P-INVALIDITY-RESIDENCE', failed: 'residence.departement is unknown, rule needs it known' },
    {
      name: 'reference ignored because not yet valid', spec: { bucType: 'P_BUC_01', at: '2024-11-24T12:00:00Z', refs: ['FR:SENAT0001'], residence: { country: 'DE', postalCode: '10115' } }, ruleId: 'P-SPECIAL-SCHEME',
      failed: 'no French reference in SPECIAL_PENSION/MSA (no valid French reference; ignored: FR:SENAT0001 is not yet valid at 2024-11-24 (valid from 2024-11-25))',
    },
    {
      name: 'two references where one is needed', spec: { bucType: 'P_BUC_01', refs: ['FR:CARSATBR1', 'FR:CARSATPL1'], residence: { country: 'DE', postalCode: '10115' } }, ruleId: 'P-REFERENCED',
      failed: '2 French references in PENSION_GENERAL, rule needs exactly one (references: FR:CARSATBR1 in PENSION_GENERAL, FR:CARSATPL1 in PENSION_GENERAL)',
    },
    {
      name: 'ambiguous reference target', spec: { bucType: 'P_BUC_01', refs: ['FR:CNIEG0001', 'FR:CRPRATP01'] }, ruleId: 'P-SPECIAL-SCHEME',
      failed: '2 French references in SPECIAL_PENSION/MSA (FR:CNIEG0001, FR:CRPRATP01): ambiguous, the rule does not choose',
    },
    { name: 'unknown reference', spec: { bucType: 'H_BUC_01', refs: ['FR:UNKNOWN01'] }, ruleId: 'ANY-REFERENCED', failed: '0 French references, rule needs exactly 1 (no valid French reference; ignored: FR:UNKNOWN01 is not in the directory)' },
  ])('$name', ({ spec, ruleId, failed }) => {
    expect(stepOf(decide(spec), ruleId)).toEqual({ ruleId, matched: false, failed, detail: expect.objectContaining({ code: expect.stringMatching(/^(condition|target)\./) }) });
  });

  it('explains the decision with the conditions that held', () => {
    expect(decide({ bucType: 'S_BUC_05', residence: { country: 'GP' } }).explanation)
      .toBe('SA-RESIDENCE: forward to FR:CGSS9710 (sicknessFund of département 971), because sector is S and residence.departement is known (971)');
    expect(decide({ frenchPin: NIR.man1985March, person: { birthDate: '1985-04-15' } }).explanation)
      .toBe('GATE-NIR: triage IDENTITY_MISMATCH, because frenchPin is present and nirMatchesBirth is false');
  });

  it('never shows names, birth dates, NIRs or postcodes', () => {
    const env = envelope({ frenchPin: '1 85 03 75 123 456 41', person: { birthDate: '1985-04-15', sex: '01' }, residence: { country: 'FR', postalCode: '75011' } });
    const shown = JSON.stringify(routeEnvelope(env, { directory, ruleTable }).decision);
    for (const secret of ['Testperson', 'Alex', '1985-04-15', NIR.man1985March, '75011']) expect(shown).not.toContain(secret);
  });
});

describe('case affinity across the SEDs of one case', () => {
  it('later SEDs follow the first forward, whatever they say; a bounced case (no route) is routed afresh', () => {
    const first = routeEnvelope(envelope({ caseId: '777', bucType: 'S_BUC_05', sedType: 'S044' }), { directory, ruleTable }).decision;
    expect(first).toMatchObject({ ruleId: 'SA-RESIDENCE', institutionId: 'FR:CPAM075' });
    const caseRoute = first.institutionId;
    const second = routeEnvelope(envelope({ caseId: '777', bucType: 'S_BUC_05', sedType: 'S045', residence: { country: 'FR', postalCode: '69001' } }), { directory, ruleTable, caseRoute }).decision;
    const third = routeEnvelope(envelope({ caseId: '777', bucType: 'S_BUC_05', sedType: 'S045', person: false }), { directory, ruleTable, caseRoute }).decision;
    expect([second.institutionId, third.institutionId]).toEqual(['FR:CPAM075', 'FR:CPAM075']);
    expect([second.ruleId, third.ruleId]).toEqual(['AFFINITY', 'AFFINITY']);
    const afterBounce = routeEnvelope(envelope({ caseId: '777', bucType: 'S_BUC_05', sedType: 'S045', residence: { country: 'FR', postalCode: '69001' } }), { directory, ruleTable, caseRoute: null }).decision;
    expect(afterBounce).toMatchObject({ ruleId: 'SA-RESIDENCE', institutionId: 'FR:CPAM069' });
  });
});
