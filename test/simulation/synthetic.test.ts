/** The synthetic traffic generator: deterministic, realistic, in the docs/contract.md §2 shape. */
import path from 'node:path';
import type { Envelope } from '../../src/intake/envelope';
import { isNirValid, nirMatchesBirthDate, normaliseNir } from '../../src/routing/nir';
import { departementFromPostalCode } from '../../src/routing/postcode';
import { loadSyntheticData, sedCodes } from '../../src/simulation/synthetic-data';
import { generateEnvelopes, isMalformed, type SyntheticItem } from '../../src/simulation/synthetic';

const data = loadSyntheticData(path.resolve(__dirname, '../../config'));
const WINDOW = { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' };
const envelopesOf = (items: SyntheticItem[]): Envelope[] => items.filter((i): i is Envelope => !isMalformed(i));

const INSTITUTION_ID = /^(AT|BE|BG|HR|CY|CZ|DK|EE|FI|FR|DE|EL|HU|IS|IE|IT|LV|LI|LT|LU|MT|NL|NO|PL|PT|RO|SK|SI|ES|SE|CH|UK|EU):[A-Za-z0-9]{4,10}$/;
const BUC_TYPE = /^(AD|AW|FB|H|LA|M|P|R|S|UB)_BUC_[0-9]{2}[a-z]?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

describe('synthetic envelopes', () => {
  const items = generateEnvelopes({ count: 3000, seed: 'synthetic-test', ...WINDOW, data });
  const envelopes = envelopesOf(items);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateEnvelopes({ count: 200, seed: 7, ...WINDOW, data, malformedShare: 0.1 })).toEqual(generateEnvelopes({ count: 200, seed: 7, ...WINDOW, data, malformedShare: 0.1 }));
    expect(generateEnvelopes({ count: 20, seed: 8, ...WINDOW, data })).not.toEqual(generateEnvelopes({ count: 20, seed: 7, ...WINDOW, data }));
  });

  it('follows the envelope contract', () => {
    expect(envelopes).toHaveLength(3000);
    for (const e of envelopes) {
      expect(e.envelopeId).toBe(`${e.sedType}_${e.documentId}_${e.documentVersion}`);
      expect(e.bucType).toMatch(BUC_TYPE);
      expect(e.sender.institutionId).toMatch(INSTITUTION_ID);
      expect(e.sender.institutionId.slice(0, 2)).toBe(e.sender.country);
      expect(e.receiver.institutionId).toBe('FR:CLEISS0002');
      expect(e.legalDeliveryAt).toMatch(RFC3339);
      expect(Object.keys(e.sed)).toEqual([e.sedType]);
    }
  });

  it('delivers in order within the window', () => {
    const times = envelopes.map((e) => Date.parse(e.legalDeliveryAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse(WINDOW.from));
    expect(Math.max(...times)).toBeLessThan(Date.parse(WINDOW.to));
  });

  it('draws BUC types in the 2024 proportions and SED types from the catalogue', () => {
    const total = data.mix.reduce((s, e) => s + e.weight, 0);
    const starters = envelopes.filter((e, i) => envelopes.findIndex((o) => o.caseId === e.caseId) === i);
    for (const bucType of ['P_BUC_05', 'S_BUC_06', 'UB_BUC_01']) {
      const expected = data.mix.find((e) => e.bucType === bucType)!.weight / total;
      const share = starters.filter((e) => e.bucType === bucType).length / starters.length;
      expect(Math.abs(share - expected)).toBeLessThan(0.03);
    }
    for (const e of envelopes) {
      const seds = data.seds.get(e.bucType)!;
      expect([...seds.starterSeds, ...seds.otherSeds].map((s) => s.replace('_xx', ''))).toContain(e.sedType.replace(/_[A-Z]{2}$/, ''));
    }
  });

  it('continues some cases with several SEDs', () => {
    const perCase = new Map<string, number>();
    envelopes.forEach((e) => perCase.set(e.caseId, (perCase.get(e.caseId) ?? 0) + 1));
    const shared = [...perCase.values()].filter((n) => n > 1).length;
    expect(shared / perCase.size).toBeGreaterThan(0.05);
  });

  it('writes mostly valid NIRs matching the birth date, and a few wrong ones', () => {
    const nirs = envelopes.flatMap((e) => {
      const body = Object.values(e.sed)[0] as Record<string, { PersonIdentification?: { dateBirth?: string; PINPersonInEachInstitution: { PersonalIdentificationNumber: { country: unknown; personalIdentificationNumber: string }[] } } }>;
      const section = body.Person ?? body.InsuredPerson ?? body.DeceasedPerson ?? body.Claimant ?? (body.IndividualClaim as unknown as { Person?: typeof body.Person })?.Person;
      const pins = section?.PersonIdentification?.PINPersonInEachInstitution.PersonalIdentificationNumber ?? [];
      return pins.filter((p) => JSON.stringify(p.country).includes('FR')).map((p) => ({ nir: normaliseNir(p.personalIdentificationNumber), birth: section!.PersonIdentification!.dateBirth ?? null }));
    });
    const valid = nirs.filter((n) => isNirValid(n.nir)).length / nirs.length;
    const mismatched = nirs.filter((n) => isNirValid(n.nir) && nirMatchesBirthDate(n.nir, n.birth) === false).length;
    expect(nirs.length / envelopes.length).toBeGreaterThan(0.3);
    expect(valid).toBeGreaterThan(0.93);
    expect(valid).toBeLessThan(1);
    expect(mismatched).toBeGreaterThan(0);
    expect(nirs.some((n) => /^.{5}2[AB]/.test(n.nir) && isNirValid(n.nir))).toBe(true);
  });

  it('places residents across France (Corsica, overseas, 59/62/76) and abroad', () => {
    const addresses = envelopes.flatMap((e) => {
      const text = JSON.stringify(e.sed);
      const m = /"postalCode":"([^"]+)","country":(?:\{"value":\["([A-Z]{2})"\]\}|"([A-Z]{2})")/.exec(text);
      return m ? [{ postalCode: m[1], country: m[2] ?? m[3] }] : [];
    });
    const departements = new Set(addresses.filter((a) => a.country === 'FR').map((a) => departementFromPostalCode(a.postalCode)));
    for (const d of ['2A', '2B', '971', '974', '59', '62', '76', '75']) expect(departements).toContain(d);
    const countries = new Set(addresses.map((a) => a.country));
    for (const c of ['BE', 'NL', 'DE', 'ES', 'GP', 'RE']) expect(countries).toContain(c);
  });

  it('references French institutions of the directory and a few unknown ones', () => {
    const ids = envelopes.flatMap((e) => JSON.stringify(e.sed).match(/"institutionID":"FR:[A-Za-z0-9]+"/g) ?? []).map((s) => s.slice('"institutionID":"'.length, -1));
    const known = ids.filter((id) => data.directory.institution(id) !== undefined && id !== 'FR:CLEISS0002');
    expect(known.length).toBeGreaterThan(500);
    expect(ids.some((id) => id.startsWith('FR:UNKNOWN'))).toBe(true);
  });

  it('parses the catalogue\'s SED notes', () => {
    expect(sedCodes('DA010 (master)')).toEqual(['DA010']);
    expect(sedCodes('F021 / F018')).toEqual(['F021', 'F018']);
    expect(sedCodes('P3000_xx,P4000-P10000')).toEqual(['P3000_xx', 'P4000', 'P10000']);
    expect(sedCodes('U001/U001CB/U003')).toEqual(['U001', 'U001CB', 'U003']);
    expect(sedCodes('(new version of same SED)')).toEqual([]);
  });
});

describe('malformed inputs', () => {
  const items = generateEnvelopes({ count: 2000, seed: 99, ...WINDOW, data, malformedShare: 0.1 });
  const malformed = items.filter(isMalformed);

  it('mixes in about the requested share, each with what is wrong', () => {
    expect(malformed.length / items.length).toBeGreaterThan(0.07);
    expect(malformed.length / items.length).toBeLessThan(0.13);
    const kinds = new Set(malformed.map((m) => m.why.split(':')[0]));
    expect([...kinds].sort()).toEqual([
      'SED root key differs from sedType', 'bucType does not match the BUC pattern', 'legalDeliveryAt is not RFC 3339 with offset',
      'missing field', 'not JSON', 'sender country contradicts the institution id',
    ]);
  });

  it.each([
    ['not JSON', (raw: string) => expect(() => JSON.parse(raw)).toThrow()],
    ['bucType does not match the BUC pattern', (raw: string) => expect(JSON.parse(raw).bucType).not.toMatch(BUC_TYPE)],
    ['legalDeliveryAt is not RFC 3339 with offset', (raw: string) => expect(JSON.parse(raw).legalDeliveryAt).not.toMatch(RFC3339)],
    ['SED root key differs from sedType', (raw: string) => expect(Object.keys(JSON.parse(raw).sed)).not.toContain(JSON.parse(raw).sedType)],
    ['missing field', (raw: string) => expect(Object.keys(JSON.parse(raw)).length).toBe(9)],
  ] as [string, (raw: string) => void][])('%s: the raw input really has the defect', (kind, check) => {
    const examples = malformed.filter((m) => m.why.startsWith(kind));
    expect(examples.length).toBeGreaterThan(0);
    examples.forEach((m) => check(m.raw));
  });
});
