/**
 * The shipped default table (config/rules.json) against docs/routing.md §2, one named row per case: every rule,
 * the day before and the day of each "since", institution validity, Corsica, overseas, 59/62/76, NIR checks,
 * French references. Dates are fixed; nothing depends on today.
 */
import { routeEnvelope } from '../../src/routing/evaluate';
import { defaultConfig, envelope, NIR, type EnvelopeSpec } from './helpers';

interface Row {
  name: string;
  spec: EnvelopeSpec;
  caseRoute?: string;
  ruleId: string;
  /** Forward target, or triage reason prefixed with "triage:". */
  expect: string;
}

const FR = (postalCode: string) => ({ country: 'FR', postalCode });
const abroad = (country: string) => ({ country, postalCode: '10115' });

const rows: Row[] = [
  // AFFINITY
  { name: 'affinity: a later SED follows the case route, even without a person', spec: { person: false }, caseRoute: 'FR:CPAM013', ruleId: 'AFFINITY', expect: 'FR:CPAM013' },
  { name: 'affinity: a case route not yet valid at delivery is not followed', spec: { bucType: 'P_BUC_01', at: '2024-11-24T12:00:00Z', residence: abroad('DE') }, caseRoute: 'FR:SENAT0001', ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
  { name: 'affinity: a case route valid from delivery day is followed', spec: { bucType: 'P_BUC_01', at: '2024-11-25T08:00:00Z', residence: abroad('DE') }, caseRoute: 'FR:SENAT0001', ruleId: 'AFFINITY', expect: 'FR:SENAT0001' },
  { name: 'affinity: an unknown case route is not followed', spec: {}, caseRoute: 'FR:GONE00001', ruleId: 'SA-RESIDENCE', expect: 'FR:CPAM075' },

  // GATE-NO-PERSON
  { name: 'no main person', spec: { person: false }, ruleId: 'GATE-NO-PERSON', expect: 'triage:NO_PERSON' },
  { name: 'person without birth date', spec: { person: { birthDate: null } }, ruleId: 'GATE-NO-PERSON', expect: 'triage:NO_PERSON' },
  { name: 'person with a birth date that is not YYYY-MM-DD', spec: { person: { birthDate: '15/03/1985' } }, ruleId: 'GATE-NO-PERSON', expect: 'triage:NO_PERSON' },
  { name: 'no person triages before LA', spec: { bucType: 'LA_BUC_01', person: false }, ruleId: 'GATE-NO-PERSON', expect: 'triage:NO_PERSON' },

  // GATE-NIR
  { name: 'NIR with an invalid key', spec: { frenchPin: '185037512345642' }, ruleId: 'GATE-NIR', expect: 'triage:IDENTITY_MISMATCH' },
  { name: 'NIR whose birth month disagrees', spec: { frenchPin: NIR.man1985March, person: { birthDate: '1985-04-15' } }, ruleId: 'GATE-NIR', expect: 'triage:IDENTITY_MISMATCH' },
  { name: 'NIR whose birth year disagrees', spec: { frenchPin: NIR.man1985March, person: { birthDate: '1986-03-15' } }, ruleId: 'GATE-NIR', expect: 'triage:IDENTITY_MISMATCH' },
  { name: 'French PIN that is not NIR-shaped', spec: { frenchPin: '12345' }, ruleId: 'GATE-NIR', expect: 'triage:IDENTITY_MISMATCH' },
  { name: 'valid NIR written with spaces passes the gate', spec: { frenchPin: '1 85 03 75 123 456 41' }, ruleId: 'SA-RESIDENCE', expect: 'FR:CPAM075' },
  { name: 'valid Corsica 2A NIR passes the gate', spec: { frenchPin: NIR.corsica2A }, ruleId: 'SA-RESIDENCE', expect: 'FR:CPAM075' },
  { name: 'valid Corsica 2B NIR passes the gate', spec: { frenchPin: NIR.corsica2B, person: { birthDate: '1985-03-02', sex: '02' } }, ruleId: 'SA-RESIDENCE', expect: 'FR:CPAM075' },
  { name: 'Corsica NIR with a wrong key', spec: { frenchPin: '185032A12345602' }, ruleId: 'GATE-NIR', expect: 'triage:IDENTITY_MISMATCH' },

  // LA-URSSAF
  { name: 'applicable legislation goes to Urssaf', spec: { bucType: 'LA_BUC_01', residence: abroad('BE') }, ruleId: 'LA-URSSAF', expect: 'FR:URSSAFINT' },

  // UB-FRANCE-TRAVAIL (since 2018-12-01)
  { name: 'UB the day before 2018-12-01: rule not in force', spec: { bucType: 'UB_BUC_01', at: '2018-11-30T12:00:00Z' }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
  { name: 'UB on 2018-12-01', spec: { bucType: 'UB_BUC_01', at: '2018-12-01T12:00:00Z' }, ruleId: 'UB-FRANCE-TRAVAIL', expect: 'FR:FTSMI0001' },
  { name: 'UB at 23:30 UTC on 30 Nov 2018 = 1 Dec in Paris', spec: { bucType: 'UB_BUC_01', at: '2018-11-30T23:30:00Z' }, ruleId: 'UB-FRANCE-TRAVAIL', expect: 'FR:FTSMI0001' },
  { name: 'UB reimbursement (U020, IndividualClaim.Person)', spec: { bucType: 'UB_BUC_04', sedType: 'U020', section: 'IndividualClaim.Person', residence: null }, ruleId: 'UB-FRANCE-TRAVAIL', expect: 'FR:FTSMI0001' },

  // R-CNAV-RECOVERY (since 2024-10-01), R-REFERENCED
  { name: 'R with a Carsat reference the day before 2024-10-01', spec: { bucType: 'R_BUC_07', at: '2024-09-30T12:00:00Z', refs: ['FR:CARSATRA1'] }, ruleId: 'R-REFERENCED', expect: 'FR:CARSATRA1' },
  { name: 'R with a Carsat reference on 2024-10-01', spec: { bucType: 'R_BUC_07', at: '2024-10-01T12:00:00Z', refs: ['FR:CARSATRA1'] }, ruleId: 'R-CNAV-RECOVERY', expect: 'FR:CARSATAM1' },
  { name: 'R at 22:30 UTC on 30 Sep 2024 = 1 Oct 00:30 in Paris (summer time)', spec: { bucType: 'R_BUC_07', at: '2024-09-30T22:30:00Z', refs: ['FR:CNAV00001'] }, ruleId: 'R-CNAV-RECOVERY', expect: 'FR:CARSATAM1' },
  { name: 'R at 23:59:59 Paris on 30 Sep 2024 (+02:00)', spec: { bucType: 'R_BUC_07', at: '2024-09-30T23:59:59+02:00', refs: ['FR:CNAV00001'] }, ruleId: 'R-REFERENCED', expect: 'FR:CNAV00001' },
  { name: 'R with a CGSS reference (pension network too) after 2024-10-01', spec: { bucType: 'R_BUC_05', at: '2025-01-10T12:00:00Z', refs: ['FR:CGSS9740'] }, ruleId: 'R-CNAV-RECOVERY', expect: 'FR:CARSATAM1' },
  { name: 'R with one sickness reference', spec: { bucType: 'R_BUC_07', at: '2025-01-10T12:00:00Z', refs: ['FR:CPAM033'] }, ruleId: 'R-REFERENCED', expect: 'FR:CPAM033' },
  { name: 'R with two non-pension references', spec: { bucType: 'R_BUC_07', at: '2025-01-10T12:00:00Z', refs: ['FR:CPAM033', 'FR:CAF033'] }, ruleId: 'ANY-AMBIGUOUS', expect: 'triage:AMBIGUOUS_REFERENCE' },

  // FB-MSA-CORSE (since 2024-06-03), FB-REFERENCED, FB-RESIDENCE
  { name: 'FB with an MSA reference the day before 2024-06-03', spec: { bucType: 'FB_BUC_01', at: '2024-06-02T12:00:00Z', refs: ['FR:MSA000001'] }, ruleId: 'FB-REFERENCED', expect: 'FR:MSA000001' },
  { name: 'FB with an MSA reference on 2024-06-03', spec: { bucType: 'FB_BUC_01', at: '2024-06-03T12:00:00Z', refs: ['FR:MSA000001'] }, ruleId: 'FB-MSA-CORSE', expect: 'FR:MSACORSE1' },
  { name: 'FB with a CAF reference', spec: { bucType: 'FB_BUC_01', refs: ['FR:CAF033'] }, ruleId: 'FB-REFERENCED', expect: 'FR:CAF033' },
  { name: 'FB with two CAF references falls back to residence', spec: { bucType: 'FB_BUC_01', refs: ['FR:CAF033', 'FR:CAF069'] }, ruleId: 'FB-RESIDENCE', expect: 'FR:CAF075' },
  { name: 'FB resident in Corse-du-Sud (20000)', spec: { bucType: 'FB_BUC_01', residence: FR('20000') }, ruleId: 'FB-RESIDENCE', expect: 'FR:CAF02A' },
  { name: 'FB resident in Haute-Corse (20200)', spec: { bucType: 'FB_BUC_04', residence: FR('20200') }, ruleId: 'FB-RESIDENCE', expect: 'FR:CAF02B' },
  { name: 'FB resident in Martinique by country code MQ', spec: { bucType: 'FB_BUC_01', residence: { country: 'MQ', postalCode: '97200' } }, ruleId: 'FB-RESIDENCE', expect: 'FR:CAF972' },
  { name: 'FB resident in Mayotte by country code YT (CSSM is the family fund)', spec: { bucType: 'FB_BUC_01', residence: { country: 'YT' } }, ruleId: 'FB-RESIDENCE', expect: 'FR:CSSM9760' },
  { name: 'FB resident in Nord: one CAF, no ambiguity', spec: { bucType: 'FB_BUC_01', residence: FR('59000') }, ruleId: 'FB-RESIDENCE', expect: 'FR:CAF059' },
  { name: 'FB resident abroad, no reference', spec: { bucType: 'FB_BUC_01', residence: abroad('DE') }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },

  // P-SPECIAL-SCHEME, P-INVALIDITY-RESIDENCE, P-RESIDENCE, P-BENELUX-HUB (since 2018-01-01), P-REFERENCED
  { name: 'P with a special-scheme reference', spec: { bucType: 'P_BUC_01', refs: ['FR:CNIEG0001'] }, ruleId: 'P-SPECIAL-SCHEME', expect: 'FR:CNIEG0001' },
  { name: 'P with an MSA reference and a Carsat reference', spec: { bucType: 'P_BUC_05', refs: ['FR:CARSATBR1', 'FR:MSA000001'] }, ruleId: 'P-SPECIAL-SCHEME', expect: 'FR:MSA000001' },
  { name: 'P with two special schemes: not guessed, residence decides', spec: { bucType: 'P_BUC_01', refs: ['FR:CNIEG0001', 'FR:CRPRATP01'] }, ruleId: 'P-RESIDENCE', expect: 'FR:CNAVIDF01' },
  { name: 'P with Sénat reference the day before 2024-11-25 (not yet valid, ignored)', spec: { bucType: 'P_BUC_01', at: '2024-11-24T12:00:00Z', refs: ['FR:SENAT0001'], residence: abroad('DE') }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
  { name: 'P with Sénat reference on 2024-11-25', spec: { bucType: 'P_BUC_01', at: '2024-11-25T12:00:00Z', refs: ['FR:SENAT0001'], residence: abroad('DE') }, ruleId: 'P-SPECIAL-SCHEME', expect: 'FR:SENAT0001' },
  { name: 'invalidity pension, resident in Gironde', spec: { bucType: 'P_BUC_03', sedType: 'P2200', residence: FR('33000') }, ruleId: 'P-INVALIDITY-RESIDENCE', expect: 'FR:CPAM033' },
  { name: 'invalidity pension, resident in Réunion (CGSS)', spec: { bucType: 'P_BUC_03', sedType: 'P2200', residence: FR('97400') }, ruleId: 'P-INVALIDITY-RESIDENCE', expect: 'FR:CGSS9740' },
  { name: 'invalidity pension, resident in Nord (no single CPAM): pension fund', spec: { bucType: 'P_BUC_03', sedType: 'P2200', residence: FR('59000') }, ruleId: 'P-RESIDENCE', expect: 'FR:CARSATHF1' },
  { name: 'old-age pension, resident in Lyon', spec: { bucType: 'P_BUC_01', residence: FR('69001') }, ruleId: 'P-RESIDENCE', expect: 'FR:CARSATRA1' },
  { name: 'old-age pension, resident in Haute-Corse (20600)', spec: { bucType: 'P_BUC_01', residence: FR('20600') }, ruleId: 'P-RESIDENCE', expect: 'FR:CARSATSE1' },
  { name: 'old-age pension, resident in Corse-du-Sud (20199)', spec: { bucType: 'P_BUC_01', residence: FR('20199') }, ruleId: 'P-RESIDENCE', expect: 'FR:CARSATSE1' },
  { name: 'pension, resident in Guadeloupe by country code GP', spec: { bucType: 'P_BUC_06', sedType: 'P5000', residence: { country: 'GP', postalCode: '97110' } }, ruleId: 'P-RESIDENCE', expect: 'FR:CGSS9710' },
  { name: 'pension, resident in Guyane by country code GF', spec: { bucType: 'P_BUC_01', residence: { country: 'GF' } }, ruleId: 'P-RESIDENCE', expect: 'FR:CGSS9730' },
  { name: 'pension, resident in Pas-de-Calais', spec: { bucType: 'P_BUC_01', residence: FR('62000') }, ruleId: 'P-RESIDENCE', expect: 'FR:CARSATHF1' },
  { name: 'pension, resident in Seine-Maritime', spec: { bucType: 'P_BUC_01', residence: FR('76600') }, ruleId: 'P-RESIDENCE', expect: 'FR:CARSATNO1' },
  { name: 'pension, resident in Belgium the day before 2018-01-01', spec: { bucType: 'P_BUC_01', at: '2017-12-31T12:00:00Z', residence: { country: 'BE', postalCode: '4000' } }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
  { name: 'pension, resident in Belgium on 2018-01-01', spec: { bucType: 'P_BUC_01', at: '2018-01-01T12:00:00Z', residence: { country: 'BE', postalCode: '4000' } }, ruleId: 'P-BENELUX-HUB', expect: 'FR:CARSATHF1' },
  { name: 'pension, resident in the Netherlands', spec: { bucType: 'P_BUC_05', residence: { country: 'NL', postalCode: '6211 AB' } }, ruleId: 'P-BENELUX-HUB', expect: 'FR:CARSATHF1' },
  { name: 'pension, resident in Germany, one Carsat reference', spec: { bucType: 'P_BUC_01', residence: abroad('DE'), refs: ['FR:CARSATBR1'] }, ruleId: 'P-REFERENCED', expect: 'FR:CARSATBR1' },
  { name: 'pension, resident in Germany, two Carsat references', spec: { bucType: 'P_BUC_01', residence: abroad('DE'), refs: ['FR:CARSATBR1', 'FR:CARSATPL1'] }, ruleId: 'ANY-AMBIGUOUS', expect: 'triage:AMBIGUOUS_REFERENCE' },
  { name: 'pension, resident in Germany, no reference', spec: { bucType: 'P_BUC_01', residence: abroad('DE') }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },

  // SA-SPECIAL-SCHEME, SA-MULTI-CPAM, SA-RESIDENCE, SA-REFERENCED
  { name: 'S with a special sickness scheme reference', spec: { refs: ['FR:CAMIEG001'] }, ruleId: 'SA-SPECIAL-SCHEME', expect: 'FR:CAMIEG001' },
  { name: 'AW with an MSA reference', spec: { bucType: 'AW_BUC_01b', refs: ['FR:MSA000001'] }, ruleId: 'SA-SPECIAL-SCHEME', expect: 'FR:MSA000001' },
  { name: 'S resident in Nord (59)', spec: { residence: FR('59000') }, ruleId: 'SA-MULTI-CPAM', expect: 'triage:AMBIGUOUS_TERRITORY' },
  { name: 'S resident in Pas-de-Calais (62)', spec: { residence: FR('62100') }, ruleId: 'SA-MULTI-CPAM', expect: 'triage:AMBIGUOUS_TERRITORY' },
  { name: 'AW resident in Seine-Maritime (76)', spec: { bucType: 'AW_BUC_01a', residence: FR('76000') }, ruleId: 'SA-MULTI-CPAM', expect: 'triage:AMBIGUOUS_TERRITORY' },
  { name: 'S resident in Paris', spec: {}, ruleId: 'SA-RESIDENCE', expect: 'FR:CPAM075' },
  { name: 'S resident in Corse-du-Sud (20090)', spec: { residence: FR('20090') }, ruleId: 'SA-RESIDENCE', expect: 'FR:CPAM02A' },
  { name: 'S resident in Haute-Corse (20290)', spec: { residence: FR('20290') }, ruleId: 'SA-RESIDENCE', expect: 'FR:CPAM02B' },
  { name: 'S resident in Guadeloupe by postcode', spec: { residence: FR('97110') }, ruleId: 'SA-RESIDENCE', expect: 'FR:CGSS9710' },
  { name: 'S resident in Martinique by country code MQ', spec: { residence: { country: 'MQ' } }, ruleId: 'SA-RESIDENCE', expect: 'FR:CGSS9720' },
  { name: 'S resident in Guyane by postcode', spec: { residence: FR('97300') }, ruleId: 'SA-RESIDENCE', expect: 'FR:CGSS9730' },
  { name: 'S resident in Réunion by country code RE', spec: { residence: { country: 'RE', postalCode: '97400' } }, ruleId: 'SA-RESIDENCE', expect: 'FR:CGSS9740' },
  { name: 'AW resident in Mayotte by country code YT', spec: { bucType: 'AW_BUC_01b', residence: { country: 'YT', postalCode: '97600' } }, ruleId: 'SA-RESIDENCE', expect: 'FR:CSSM9760' },
  { name: 'S resident in Germany with a 5-digit postcode is not French', spec: { residence: abroad('DE') }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
  { name: 'S resident in Germany, one CPAM reference', spec: { residence: abroad('DE'), refs: ['FR:CPAM013'] }, ruleId: 'SA-REFERENCED', expect: 'FR:CPAM013' },
  { name: 'S resident in Germany, one CAF reference (other network)', spec: { residence: abroad('DE'), refs: ['FR:CAF013'] }, ruleId: 'ANY-REFERENCED', expect: 'FR:CAF013' },

  // ANY-REFERENCED, ANY-AMBIGUOUS, FALLBACK, references the directory does not know
  { name: 'horizontal BUC with one French reference', spec: { bucType: 'H_BUC_01', refs: ['FR:CAF075'] }, ruleId: 'ANY-REFERENCED', expect: 'FR:CAF075' },
  { name: 'horizontal BUC with two French references', spec: { bucType: 'H_BUC_01', refs: ['FR:CAF075', 'FR:CPAM075'] }, ruleId: 'ANY-AMBIGUOUS', expect: 'triage:AMBIGUOUS_REFERENCE' },
  { name: 'horizontal BUC with an unknown reference: ignored', spec: { bucType: 'H_BUC_01', refs: ['FR:UNKNOWN01'] }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
  { name: 'unknown reference does not count as a second one', spec: { bucType: 'H_BUC_01', refs: ['FR:UNKNOWN01', 'FR:CAF075'] }, ruleId: 'ANY-REFERENCED', expect: 'FR:CAF075' },
  { name: 'the liaison body itself is never a reference', spec: { bucType: 'H_BUC_01', refs: ['FR:CLEISS0002'] }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
  { name: 'foreign references are not French references', spec: { bucType: 'M_BUC_03a', refs: ['DE:AOK0000007', 'BE:ONP00001'] }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
  { name: 'miscellaneous BUC, nothing to go on', spec: { bucType: 'M_BUC_03a' }, ruleId: 'FALLBACK', expect: 'triage:NO_RULE' },
];

describe('default rule table (docs/routing.md §2)', () => {
  const { directory, ruleTable } = defaultConfig();

  it.each(rows)('$name → $ruleId', (row) => {
    const { decision } = routeEnvelope(envelope(row.spec), { directory, ruleTable, caseRoute: row.caseRoute ?? null });
    const got = decision.outcome === 'forward' ? decision.institutionId : `triage:${decision.reason}`;
    expect({ ruleId: decision.ruleId, target: got }).toEqual({ ruleId: row.ruleId, target: row.expect });
  });

  it('covers every rule of the table with at least one row', () => {
    const covered = new Set(rows.map((r) => r.ruleId));
    expect(ruleTable.rules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(rows)('decision agrees with its trace: $name', (row) => {
    const { decision } = routeEnvelope(envelope(row.spec), { directory, ruleTable, caseRoute: row.caseRoute ?? null });
    const last = decision.trace[decision.trace.length - 1];
    expect(decision.trace.slice(0, -1).every((s) => !s.matched)).toBe(true);
    expect(last).toMatchObject({ ruleId: decision.ruleId, matched: true, outcome: decision.outcome });
    expect(last.institutionId ?? null).toBe(decision.institutionId);
    expect(last.reason ?? null).toBe(decision.reason);
    expect(decision.explanation).toBe(last.explanation);
    expect(decision.explanation).toContain(decision.institutionId ?? decision.reason);
  });
});
