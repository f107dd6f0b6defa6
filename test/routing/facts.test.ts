/** Facts extraction (docs/routing.md §1) from CDM-shaped SEDs, including real NAV fixtures. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Envelope } from '../../src/intake/envelope';
import { routeEnvelope } from '../../src/routing/evaluate';
import { extractFacts } from '../../src/routing/facts';
import { defaultConfig, envelope, NIR } from './helpers';

const { directory, ruleTable } = defaultConfig();

function withSed(sedType: string, sed: Record<string, unknown>, extra: Partial<Envelope> = {}): Envelope {
  return { ...envelope({ sedType }), sedType, sed, ...extra };
}

const identification = { familyName: 'A', forename: 'B', dateBirth: '1985-03-15', sex: '01' };

describe('main person and root key', () => {
  const rows: { name: string; sedType: string; sed: Record<string, unknown>; familyName: string | null }[] = [
    { name: 'InsuredPerson under the sedType root', sedType: 'S044', sed: { S044: { InsuredPerson: { PersonIdentification: { ...identification, familyName: 'Insured' } } } }, familyName: 'Insured' },
    { name: 'InsuredPerson wins over Person', sedType: 'P2000', sed: { P2000: { Person: { PersonIdentification: { ...identification, familyName: 'Second' } }, InsuredPerson: { PersonIdentification: { ...identification, familyName: 'First' } } } }, familyName: 'First' },
    { name: 'Person', sedType: 'P2000', sed: { P2000: { Person: { PersonIdentification: { ...identification, familyName: 'P' } } } }, familyName: 'P' },
    { name: 'DeceasedPerson', sedType: 'P2100', sed: { P2100: { DeceasedPerson: { PersonIdentification: { ...identification, familyName: 'D' } } } }, familyName: 'D' },
    { name: 'Claimant', sedType: 'F001', sed: { F001: { Claimant: { PersonIdentification: { ...identification, familyName: 'C' } } } }, familyName: 'C' },
    { name: 'IndividualClaim.Person', sedType: 'U020', sed: { U020: { IndividualClaim: { Person: { PersonIdentification: { ...identification, familyName: 'IC' } } } } }, familyName: 'IC' },
    { name: 'a section sent as a one-element list', sedType: 'S044', sed: { S044: { InsuredPerson: [{ PersonIdentification: { ...identification, familyName: 'L' } }] } }, familyName: 'L' },
    { name: 'a section without PersonIdentification is passed over', sedType: 'P2000', sed: { P2000: { InsuredPerson: { note: 'x' }, Person: { PersonIdentification: { ...identification, familyName: 'Next' } } } }, familyName: 'Next' },
    { name: 'PersonIdentification one level down', sedType: 'S044', sed: { S044: { InsuredPerson: { Details: { PersonIdentification: { ...identification, familyName: 'Deep' } } } } }, familyName: 'Deep' },
    { name: 'P3000_XX variant root for sedType P3000', sedType: 'P3000', sed: { P3000_FR: { Person: { PersonIdentification: { ...identification, familyName: 'Var' } } } }, familyName: 'Var' },
    { name: 'single root key differing from sedType is used', sedType: 'U020', sed: { U020_Child: { IndividualClaim: { Person: { PersonIdentification: { ...identification, familyName: 'Only' } } } } }, familyName: 'Only' },
    { name: 'two root keys, none the sedType: no person', sedType: 'S044', sed: { X1: { InsuredPerson: { PersonIdentification: identification } }, X2: {} }, familyName: null },
    { name: 'no main-person section', sedType: 'H001', sed: { H001: { GeneralInformation: {} } }, familyName: null },
    { name: 'sed is not an object', sedType: 'H001', sed: 'oops' as unknown as Record<string, unknown>, familyName: null },
  ];
  it.each(rows)('$name', ({ sedType, sed, familyName }) => {
    const facts = extractFacts(withSed(sedType, sed), directory);
    expect(facts.person?.familyName ?? null).toBe(familyName);
  });
});

describe('person, PIN and residence details', () => {
  it('reads coded values in both shapes and a PIN object not wrapped in a list', () => {
    const sed = { S044: { InsuredPerson: {
      PersonIdentification: { ...identification, sex: { value: ['02'] }, PINPersonInEachInstitution: { PersonalIdentificationNumber: { country: 'FR', personalIdentificationNumber: ' 1 85 03 75 123 456 41 ' } } },
      Address: [{ country: 'FR', postalCode: '69 001' }, { country: 'DE', postalCode: '10115' }],
    } } };
    const facts = extractFacts(withSed('S044', sed), directory);
    expect(facts.person).toEqual({ familyName: 'A', forename: 'B', birthDate: '1985-03-15', sex: '02' });
    expect(facts).toMatchObject({ frenchPin: NIR.man1985March, nirValid: true, nirMatchesBirth: true });
    expect(facts.residence).toEqual({ country: 'FR', postalCode: '69001', departement: '69' });
  });

  it('takes the PIN country from its institution when the country is missing', () => {
    const sed = { S044: { InsuredPerson: { PersonIdentification: { ...identification, PINPersonInEachInstitution: { PersonalIdentificationNumber: [{ personalIdentificationNumber: NIR.man1985March, Institution: { institutionID: 'FR:CPAM075' } }] } } } } };
    expect(extractFacts(withSed('S044', sed), directory).frenchPin).toBe(NIR.man1985March);
  });

  it('prefers ResidenceAddress over Address', () => {
    const sed = { S044: { InsuredPerson: { PersonIdentification: identification, Address: { country: { value: ['DE'] }, postalCode: '10115' }, ResidenceAddress: { country: { value: ['RE'] } } } } };
    expect(extractFacts(withSed('S044', sed), directory).residence).toEqual({ country: 'FR', postalCode: null, departement: '974' });
  });

  it('has null NIR facts without a French PIN, and null nirMatchesBirth without a birth date', () => {
    expect(extractFacts(envelope({}), directory)).toMatchObject({ frenchPin: null, nirValid: null, nirMatchesBirth: null });
    expect(extractFacts(envelope({ frenchPin: NIR.man1985March, person: { birthDate: null } }), directory)).toMatchObject({ nirValid: true, nirMatchesBirth: null });
  });

  it('rejects impossible birth dates', () => {
    expect(extractFacts(envelope({ person: { birthDate: '1985-02-30' } }), directory).person?.birthDate).toBeNull();
    expect(extractFacts(envelope({ person: { birthDate: '1985-03-15T00:00:00' } }), directory).person?.birthDate).toBe('1985-03-15');
  });
});

describe('envelope facts', () => {
  const rows = [
    { bucType: 'P_BUC_01', sector: 'P' }, { bucType: 'AW_BUC_01a', sector: 'AW' }, { bucType: 'UB_BUC_04', sector: 'UB' },
    { bucType: 'AD_BUC_05', sector: 'AD' }, { bucType: 'nonsense', sector: null },
  ];
  it.each(rows)('sector of $bucType is $sector', ({ bucType, sector }) => {
    expect(extractFacts(envelope({ bucType }), directory).sector).toBe(sector);
  });

  it.each([
    { at: '2024-09-30T21:59:59Z', date: '2024-09-30' },
    { at: '2024-09-30T22:00:00Z', date: '2024-10-01' },
    { at: '2024-12-31T22:59:59Z', date: '2024-12-31' },
    { at: '2024-12-31T23:00:00Z', date: '2025-01-01' },
    { at: '2025-01-01T00:30:00+01:00', date: '2025-01-01' },
    { at: '2024-10-01', date: null },
    { at: 'yesterday', date: null },
  ])('legalDeliveryAt $at is the Paris calendar date $date', ({ at, date }) => {
    expect(extractFacts(envelope({ at }), directory).legalDeliveryDate).toBe(date);
  });

  it('is a plain serialisable object', () => {
    const facts = extractFacts(envelope({ frenchPin: NIR.man1985March, refs: ['FR:CPAM075', 'FR:UNKNOWN1'] }), directory, 'FR:CPAM075');
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
    expect(facts.caseRoute).toBe('FR:CPAM075');
  });
});

describe('French references', () => {
  it('finds every distinct FR: institutionID anywhere, minus the liaison body, and resolves them at delivery', () => {
    const sed = { P2000: {
      Person: { PersonIdentification: { ...identification, PINPersonInEachInstitution: { PersonalIdentificationNumber: [{ country: 'FR', personalIdentificationNumber: NIR.man1985March, Institution: { institutionID: 'FR:CARSATRA1' } }] } } },
      LocalCaseNumbers: { LocalCaseNumber: [{ Institution: { institutionID: 'FR:CARSATRA1' } }, { Institution: { institutionID: 'FR:CLEISS0002' } }, { Institution: { institutionID: 'DE:DRV0000001' } }] },
      Deep: { A: [{ B: { C: { Institution: { institutionID: 'FR:SENAT0001', institutionName: 'Sénat' } } } }] },
      Other: { Institution: { institutionID: 'FR:NOPE0001' } },
    } };
    const facts = extractFacts(withSed('P2000', sed, { legalDeliveryAt: '2024-11-24T12:00:00Z' }), directory);
    expect(facts.frenchRefs).toEqual([{ institutionId: 'FR:CARSATRA1', name: 'Carsat Rhône-Alpes', networks: ['PENSION_GENERAL'] }]);
    expect(facts.ignoredRefs).toEqual([
      { institutionId: 'FR:SENAT0001', why: 'FR:SENAT0001 is not yet valid at 2024-11-24 (valid from 2024-11-25)' },
      { institutionId: 'FR:NOPE0001', why: 'FR:NOPE0001 is not in the directory' },
    ]);
    const later = extractFacts(withSed('P2000', sed, { legalDeliveryAt: '2024-11-25T12:00:00Z' }), directory);
    expect(later.frenchRefs.map((r) => r.institutionId)).toEqual(['FR:CARSATRA1', 'FR:SENAT0001']);
  });
});

describe('NAV fixtures (test/fixtures/nav, MIT)', () => {
  const fixture = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(__dirname, '../fixtures/nav', file), 'utf8')) as Record<string, unknown>;
  const wrap = (sedType: string, bucType: string, sed: Record<string, unknown>): Envelope => ({ ...envelope({ bucType, sedType, at: '2025-02-03T10:00:00Z' }), sed });

  it('U020 child (cdm-native): the person under IndividualClaim.Person, a non-CDM sex kept as sent', () => {
    const facts = extractFacts(wrap('U020', 'UB_BUC_04', fixture('UB_BUC_04__U020_Child__cdm-native__eux-pdf.json')), directory);
    expect(facts.person).toEqual({ familyName: 'Nordmann', forename: 'Ola', birthDate: '1985-03-15', sex: 'M' });
    expect(facts).toMatchObject({ frenchPin: null, nirValid: null, residence: null, frenchRefs: [], ignoredRefs: [], sector: 'UB' });
  });

  it('U020 child routes to France Travail', () => {
    const { decision } = routeEnvelope(wrap('U020', 'UB_BUC_04', fixture('UB_BUC_04__U020_Child__cdm-native__eux-pdf.json')), { directory, ruleTable });
    expect(decision).toMatchObject({ outcome: 'forward', institutionId: 'FR:FTSMI0001', ruleId: 'UB-FRANCE-TRAVAIL' });
  });

  it('U020 child with a French PIN and a French institution becomes a referenced case', () => {
    const sed = fixture('UB_BUC_04__U020_Child__cdm-native__eux-pdf.json') as { U020_Child: { IndividualClaim: { Person: { PersonIdentification: { PINPersonInEachInstitution: { PersonalIdentificationNumber: Record<string, unknown>[] } } } } } };
    sed.U020_Child.IndividualClaim.Person.PersonIdentification.PINPersonInEachInstitution.PersonalIdentificationNumber.push({
      country: { value: ['FR'] }, personalIdentificationNumber: '1 85 03 75 123 456 41', Institution: { institutionID: 'FR:FTSMI0001', institutionName: 'France Travail' },
    });
    const facts = extractFacts(wrap('U020', 'UB_BUC_04', sed), directory);
    expect(facts).toMatchObject({ frenchPin: NIR.man1985March, nirValid: true, nirMatchesBirth: true });
    expect(facts.frenchRefs.map((r) => r.institutionId)).toEqual(['FR:FTSMI0001']);
  });

  it('U020 master (cdm-native): no person, only foreign references', () => {
    const facts = extractFacts(wrap('U020', 'UB_BUC_04', fixture('UB_BUC_04__U020_Master__cdm-native__eux-pdf.json')), directory);
    expect(facts).toMatchObject({ person: null, frenchPin: null, frenchRefs: [], ignoredRefs: [] });
  });

  it.each([
    { file: 'P_BUC_01__P2000__nav-format__ep-eux.json', sedType: 'P2000', bucType: 'P_BUC_01' },
    { file: 'LA_BUC_01__A001__nav-format__melosys.json', sedType: 'A001', bucType: 'LA_BUC_01' },
    { file: 'R_BUC_02__R005__nav-format-cdm44__ep-eux.json', sedType: 'R005', bucType: 'R_BUC_02' },
  ])('NAV-format (not CDM) $file: no person found, routed to triage without error', ({ file, sedType, bucType }) => {
    const { facts, decision } = routeEnvelope(wrap(sedType, bucType, fixture(file)), { directory, ruleTable });
    expect(facts.person).toBeNull();
    expect(decision).toMatchObject({ outcome: 'triage', reason: 'NO_PERSON' });
  });
});
