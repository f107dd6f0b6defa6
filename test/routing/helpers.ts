/** Builders for routing tests: the default config from config/, and envelopes described by what routing reads. */
import path from 'node:path';
import type { Envelope } from '../../src/intake/envelope';
import { loadRoutingConfig } from '../../src/routing/config-files';
import type { Directory } from '../../src/routing/directory';
import type { RuleTable } from '../../src/routing/rule-table';

export const CONFIG_DIR = path.resolve(__dirname, '../../config');

let cached: { directory: Directory; ruleTable: RuleTable } | undefined;

/** The shipped default directory and rule table (loaded once per test file). */
export function defaultConfig(): { directory: Directory; ruleTable: RuleTable } {
  cached ??= loadRoutingConfig(CONFIG_DIR);
  return cached;
}

/** Valid NIRs computed independently of the code under test (key = 97 − n mod 97, by hand). */
export const NIR = {
  /** Man born March 1985 in Paris. */
  man1985March: '185037512345641',
  /** Woman born March 1985 in Corrèze (19). */
  woman1985March: '285031900401285',
  /** Man born March 1985 in Corse-du-Sud (2A). */
  corsica2A: '185032A12345601',
  /** Woman born March 1985 in Haute-Corse (2B). */
  corsica2B: '285032B00401215',
};

export interface EnvelopeSpec {
  bucType?: string;
  sedType?: string;
  /** legalDeliveryAt */
  at?: string;
  caseId?: string;
  /** false: no main person at all. */
  person?: false | { birthDate?: string | null; sex?: string };
  /** French PIN as the sender writes it. */
  frenchPin?: string;
  /** Residence address; null for none. */
  residence?: { country: string; postalCode?: string } | null;
  /** French (or other) institution ids, put in LocalCaseNumbers. */
  refs?: string[];
  /** Main-person section (default InsuredPerson); a dotted path for IndividualClaim.Person. */
  section?: string;
}

const SECTOR_SED: Record<string, string> = { AW: 'DA001', FB: 'F001', H: 'H001', LA: 'A001', M: 'M030', P: 'P2000', R: 'R017', S: 'S044', UB: 'U001', AD: 'X001' };

/** A CDM-shaped envelope: defaults to a sickness SED from Germany, delivered 2024-03-15, resident in Paris. */
export function envelope(spec: EnvelopeSpec = {}): Envelope {
  const bucType = spec.bucType ?? 'S_BUC_05';
  const sedType = spec.sedType ?? SECTOR_SED[bucType.split('_BUC')[0]] ?? 'H001';
  const person = spec.person === undefined ? {} : spec.person;
  const body: Record<string, unknown> = { sedGVer: '4', sedVer: '3' };
  if (spec.refs && spec.refs.length > 0) {
    body.LocalCaseNumbers = {
      LocalCaseNumber: spec.refs.map((id, i) => ({ country: { value: [id.slice(0, 2)] }, caseNumber: `C-${i}`, Institution: { institutionID: id, institutionName: id } })),
    };
  }
  if (person !== false) {
    const pins: unknown[] = [{ country: { value: ['DE'] }, personalIdentificationNumber: '65150385M123', Institution: { institutionID: 'DE:DRV0000001' } }];
    if (spec.frenchPin !== undefined) pins.push({ country: { value: ['FR'] }, personalIdentificationNumber: spec.frenchPin });
    const identification: Record<string, unknown> = {
      familyName: 'Testperson',
      forename: 'Alex',
      sex: { value: [person.sex ?? '01'] },
      PINPersonInEachInstitution: { PersonalIdentificationNumber: pins },
    };
    const birthDate = person.birthDate === undefined ? '1985-03-15' : person.birthDate;
    if (birthDate !== null) identification.dateBirth = birthDate;
    const section: Record<string, unknown> = { PersonIdentification: identification };
    const residence = spec.residence === undefined ? { country: 'FR', postalCode: '75011' } : spec.residence;
    if (residence !== null) section.ResidenceAddress = { street: '1 rue X', town: 'Y', postalCode: residence.postalCode, country: { value: [residence.country] } };
    const [outer, inner] = (spec.section ?? 'InsuredPerson').split('.');
    body[outer] = inner ? { [inner]: section } : section;
  }
  return {
    envelopeId: `${sedType}_0123456789abcdef0123456789abcdef_1`,
    caseId: spec.caseId ?? '4410023',
    bucType,
    sedType,
    documentId: '0123456789abcdef0123456789abcdef',
    documentVersion: '1',
    sender: { institutionId: 'DE:DRV0000001', name: 'Deutsche Rentenversicherung Bund', country: 'DE' },
    receiver: { institutionId: 'FR:CLEISS0002', name: 'CLEISS', country: 'FR' },
    legalDeliveryAt: spec.at ?? '2024-03-15T09:14:03Z',
    sed: { [sedType]: body },
  };
}
