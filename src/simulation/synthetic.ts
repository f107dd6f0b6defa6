/**
 * Deterministic synthetic traffic: envelopes in the CDM shape of docs/contract.md §2, with the BUC mix of the
 * liaison body's 2024 figures, for tests, benchmarks, demos and draft-table simulation. Same options and seed,
 * same envelopes, byte for byte. An optional share of malformed inputs exercises intake.
 */
import type { Envelope, InstitutionRef } from '../intake/envelope';
import { LIAISON_BODY_ID } from '../intake/envelope';
import { Prng } from './prng';
import { loadSyntheticData, type SyntheticData } from './synthetic-data';
import { frenchAddress, foreignAddress, syntheticPerson, type SyntheticAddress, type SyntheticPerson } from './synthetic-people';
import { malformedFrom, type MalformedInput } from './synthetic-malformed';
import { AppError } from '../shared/errors';

export type { MalformedInput } from './synthetic-malformed';
export type SyntheticItem = Envelope | MalformedInput;

export interface TrafficShares {
  /** Share of envelopes that continue an earlier case of the batch (same caseId). */
  followUp: number;
  /** Residence: in metropolitan France, overseas (by postcode or by GP/MQ/GF/RE/YT), none; the rest abroad. */
  residenceFrance: number;
  residenceOverseas: number;
  residenceNone: number;
  /** People with a French NIR, and among them wrong keys and wrong months. */
  frenchNir: number;
  wrongKey: number;
  wrongMonth: number;
  /** Cases with one French institution reference, with a second one, with an id unknown to the directory. */
  frenchRef: number;
  secondRef: number;
  unknownRef: number;
  /** SEDs without a main person, and with a person but no birth date. */
  noPerson: number;
  noBirthDate: number;
}

export const DEFAULT_SHARES: Readonly<TrafficShares> = Object.freeze({
  followUp: 0.15,
  residenceFrance: 0.5,
  residenceOverseas: 0.05,
  residenceNone: 0.04,
  frenchNir: 0.45,
  wrongKey: 0.03,
  wrongMonth: 0.01,
  frenchRef: 0.35,
  secondRef: 0.12,
  unknownRef: 0.03,
  noPerson: 0.02,
  noBirthDate: 0.02,
});

export interface GenerateOptions {
  count: number;
  seed: number | string;
  /** Window of legalDeliveryAt: RFC 3339 instants or YYYY-MM-DD (midnight UTC); `to` excluded. */
  from: string;
  to: string;
  /** Share (0–1) of malformed inputs mixed in; default 0. */
  malformedShare?: number;
  shares?: Partial<TrafficShares>;
  /** Reference data; default: loaded once from `configDir` (default ./config). */
  data?: SyntheticData;
  configDir?: string;
}

export function isMalformed(item: SyntheticItem): item is MalformedInput {
  return (item as MalformedInput).malformed === true;
}

interface CaseState {
  caseId: string;
  bucType: string;
  sender: InstitutionRef;
  person: SyntheticPerson | null;
  withBirthDate: boolean;
  address: SyntheticAddress | null;
  refs: string[];
  mainSection: string[];
}

/** Sending institutions by country (placeholder ids in the IR format). */
const SENDERS: readonly { country: string; weight: number; ids: string[]; name: string }[] = [
  { country: 'DE', weight: 20, ids: ['DE:DRV0000001', 'DE:AOK0000007', 'DE:BA00000001'], name: 'Deutsche Rentenversicherung' },
  { country: 'BE', weight: 13, ids: ['BE:ONP00001', 'BE:INAMI0001', 'BE:FAMIFED01'], name: 'Service fédéral des Pensions' },
  { country: 'ES', weight: 10, ids: ['ES:INSS00001', 'ES:TGSS00001'], name: 'Instituto Nacional de la Seguridad Social' },
  { country: 'IT', weight: 9, ids: ['IT:INPS00001', 'IT:INAIL0001'], name: 'INPS' },
  { country: 'PT', weight: 8, ids: ['PT:ISSIP0001', 'PT:CNP000001'], name: 'Instituto da Segurança Social' },
  { country: 'CH', weight: 6, ids: ['CH:CDC000001', 'CH:SVA000001'], name: 'Centrale de compensation' },
  { country: 'LU', weight: 6, ids: ['LU:CNAP00001', 'LU:CNS000001'], name: 'Caisse nationale d’assurance pension' },
  { country: 'NL', weight: 5, ids: ['NL:SVB000001', 'NL:UWV000001'], name: 'Sociale Verzekeringsbank' },
  { country: 'PL', weight: 5, ids: ['PL:ZUS000001'], name: 'Zakład Ubezpieczeń Społecznych' },
  { country: 'UK', weight: 4, ids: ['UK:DWP000001'], name: 'Department for Work and Pensions' },
  { country: 'RO', weight: 4, ids: ['RO:CNPP00001'], name: 'Casa Națională de Pensii Publice' },
  { country: 'AT', weight: 3, ids: ['AT:PVA000001'], name: 'Pensionsversicherungsanstalt' },
  { country: 'EL', weight: 2, ids: ['EL:EFKA00001'], name: 'e-EFKA' },
  { country: 'SE', weight: 2, ids: ['SE:FK0000001'], name: 'Försäkringskassan' },
  { country: 'NO', weight: 2, ids: ['NO:NAVT003'], name: 'NAV' },
  { country: 'IE', weight: 1, ids: ['IE:DSP000001'], name: 'Department of Social Protection' },
];

/** Which French networks a sender of each sector tends to reference (weights). */
const REFERENCE_NETWORKS: Readonly<Record<string, readonly [string, number][]>> = {
  P: [['PENSION_GENERAL', 65], ['SPECIAL_PENSION', 25], ['MSA', 10]],
  S: [['SICKNESS_GENERAL', 70], ['SPECIAL_SICKNESS', 20], ['MSA', 10]],
  AW: [['SICKNESS_GENERAL', 75], ['SPECIAL_SICKNESS', 15], ['MSA', 10]],
  FB: [['FAMILY_GENERAL', 80], ['MSA', 20]],
  R: [['PENSION_GENERAL', 50], ['SICKNESS_GENERAL', 30], ['FAMILY_GENERAL', 20]],
  UB: [['UNEMPLOYMENT', 100]],
  LA: [['APPLICABLE_LEGISLATION', 100]],
};
const ANY_NETWORK: readonly [string, number][] = [['PENSION_GENERAL', 40], ['SICKNESS_GENERAL', 40], ['FAMILY_GENERAL', 20]];

const SECTOR_DEFAULT_SED: Readonly<Record<string, string>> = { AW: 'DA001', FB: 'F001', H: 'H001', LA: 'A001', M: 'M030', P: 'P2000', R: 'R001', S: 'S001', UB: 'U001', AD: 'X001' };

const sectorOf = (bucType: string): string => bucType.split('_BUC')[0];

const cachedData = new Map<string, SyntheticData>();

function dataFor(opts: GenerateOptions): SyntheticData {
  if (opts.data) return opts.data;
  const dir = opts.configDir ?? 'config';
  let data = cachedData.get(dir);
  if (!data) {
    data = loadSyntheticData(dir);
    cachedData.set(dir, data);
  }
  return data;
}

function instant(s: string): number {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new AppError('CFG_INVALID', `not a date or instant: ${s}`);
  return ms;
}

class Generator {
  private readonly refPool = new Map<string, string[]>();
  private readonly departements: string[];
  private readonly openCases: CaseState[] = [];

  constructor(
    private readonly rng: Prng,
    private readonly data: SyntheticData,
    private readonly shares: TrafficShares,
  ) {
    for (const inst of data.directory.institutions) {
      if (inst.id === LIAISON_BODY_ID) continue;
      for (const n of inst.networks) this.refPool.set(n, [...(this.refPool.get(n) ?? []), inst.id]);
    }
    this.departements = data.directory.territories.map((t) => t.departement);
  }

  envelope(at: number): Envelope {
    const followUp = this.openCases.length > 0 && this.rng.chance(this.shares.followUp);
    const state = followUp ? this.rng.pick(this.openCases.slice(-200)) : this.newCase();
    if (!followUp) this.openCases.push(state);
    const sedType = this.sedType(state.bucType, followUp);
    const documentId = this.rng.hex(32);
    const documentVersion = this.rng.chance(0.05) ? '2' : '1';
    return {
      envelopeId: `${sedType}_${documentId}_${documentVersion}`,
      caseId: state.caseId,
      bucType: state.bucType,
      sedType,
      documentId,
      documentVersion,
      sender: state.sender,
      receiver: { institutionId: LIAISON_BODY_ID, name: 'CLEISS', country: 'FR' },
      legalDeliveryAt: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      sed: { [sedType]: this.sedBody(state) },
    };
  }

  private newCase(): CaseState {
    const { bucType } = this.rng.weighted(this.data.mix, (e) => e.weight);
    const sector = sectorOf(bucType);
    const from = this.rng.weighted(SENDERS, (s) => s.weight);
    const noPerson = this.rng.chance(this.shares.noPerson);
    return {
      caseId: String(this.rng.int(100000, 9999999)),
      bucType,
      sender: { institutionId: this.rng.pick(from.ids), name: from.name, country: from.country },
      person: noPerson ? null : syntheticPerson(this.rng, this.shares),
      withBirthDate: !this.rng.chance(this.shares.noBirthDate),
      address: this.address(),
      refs: this.references(sector),
      mainSection: this.mainSection(bucType),
    };
  }

  private mainSection(bucType: string): string[] {
    if (bucType === 'UB_BUC_04') return ['IndividualClaim', 'Person'];
    if (bucType === 'P_BUC_02') return ['DeceasedPerson'];
    const sector = sectorOf(bucType);
    if (sector === 'P') return ['Person'];
    if (sector === 'FB' && this.rng.chance(0.5)) return ['Claimant'];
    return ['InsuredPerson'];
  }

  private address(): SyntheticAddress | null {
    const r = this.rng.next();
    const s = this.shares;
    if (r < s.residenceNone) return null;
    if (r < s.residenceNone + s.residenceOverseas) {
      return frenchAddress(this.rng, this.rng.pick(['971', '972', '973', '974', '976']), this.rng.chance(0.5));
    }
    if (r < s.residenceNone + s.residenceOverseas + s.residenceFrance) {
      const metropolitan = this.departements.filter((d) => d.length === 2);
      return frenchAddress(this.rng, this.rng.pick(metropolitan), false);
    }
    return foreignAddress(this.rng);
  }

  private references(sector: string): string[] {
    const s = this.shares;
    const refs: string[] = [];
    if (this.rng.chance(s.frenchRef)) refs.push(this.reference(sector));
    if (refs.length > 0 && this.rng.chance(s.secondRef)) refs.push(this.reference(sector));
    if (this.rng.chance(s.unknownRef)) refs.push(`FR:UNKNOWN${this.rng.digits(2)}`);
    return [...new Set(refs)];
  }

  private reference(sector: string): string {
    const [network] = this.rng.weighted(REFERENCE_NETWORKS[sector] ?? ANY_NETWORK, ([, w]) => w);
    return this.rng.pick(this.refPool.get(network) ?? ['FR:CNAV00001']);
  }

  private sedType(bucType: string, followUp: boolean): string {
    const seds = this.data.seds.get(bucType);
    const others = seds?.otherSeds ?? [];
    const pool = followUp && others.length > 0 ? others : seds?.starterSeds.length ? seds.starterSeds : others;
    const sed = pool.length > 0 ? this.rng.pick(pool) : SECTOR_DEFAULT_SED[sectorOf(bucType)] ?? 'H001';
    // P3000_xx is one SED per country: the variant of France's partner is the sender's.
    return sed.endsWith('_xx') ? `${sed.slice(0, -3)}_${this.rng.pick(['DE', 'BE', 'ES', 'IT'])}` : sed;
  }

  private codedValue(v: string): unknown {
    return this.rng.chance(0.85) ? { value: [v] } : v;
  }

  private sedBody(state: CaseState): Record<string, unknown> {
    const body: Record<string, unknown> = { sedGVer: '4', sedVer: '3' };
    const [firstRef, ...otherRefs] = state.refs;
    const onPin = firstRef !== undefined && state.person?.nir != null && this.rng.chance(0.6);
    const caseRefs = onPin ? otherRefs : state.refs;
    const local = [{ country: this.codedValue(state.sender.country), caseNumber: `${state.sender.country}-${state.caseId}`, Institution: { institutionID: state.sender.institutionId, institutionName: state.sender.name } }];
    for (const id of caseRefs) local.push({ country: this.codedValue('FR'), caseNumber: `FR-${this.rng.digits(8)}`, Institution: { institutionID: id, institutionName: id } });
    if (this.rng.chance(0.2)) local.push({ country: this.codedValue('FR'), caseNumber: state.caseId, Institution: { institutionID: LIAISON_BODY_ID, institutionName: 'CLEISS' } });
    body.LocalCaseNumbers = { LocalCaseNumber: local };
    if (state.person !== null) {
      const section = this.personSection(state, onPin ? firstRef : undefined);
      if (state.mainSection.length === 2) body[state.mainSection[0]] = { [state.mainSection[1]]: section };
      else body[state.mainSection[0]] = section;
    }
    return body;
  }

  private personSection(state: CaseState, pinRef: string | undefined): Record<string, unknown> {
    const p = state.person as SyntheticPerson;
    const pins: Record<string, unknown>[] = [
      { country: this.codedValue(state.sender.country), personalIdentificationNumber: this.rng.digits(11), sector: this.codedValue('ALL'), Institution: { institutionID: state.sender.institutionId, institutionName: state.sender.name } },
    ];
    if (p.nir !== null) {
      // Senders write NIRs with or without the usual spaces.
      const nir = this.rng.chance(0.3) ? `${p.nir.slice(0, 1)} ${p.nir.slice(1, 3)} ${p.nir.slice(3, 5)} ${p.nir.slice(5, 7)} ${p.nir.slice(7, 10)} ${p.nir.slice(10, 13)} ${p.nir.slice(13)}` : p.nir;
      pins.push({ country: this.codedValue('FR'), personalIdentificationNumber: nir, ...(pinRef ? { Institution: { institutionID: pinRef, institutionName: pinRef } } : {}) });
    }
    const identification: Record<string, unknown> = {
      familyName: p.familyName,
      forename: p.forename,
      sex: this.codedValue(p.sex),
      PINPersonInEachInstitution: { PersonalIdentificationNumber: pins },
    };
    if (state.withBirthDate) identification.dateBirth = p.birthDate;
    const section: Record<string, unknown> = { PersonIdentification: identification };
    if (state.address !== null) {
      const a = state.address;
      const address = { street: a.street, town: a.town, postalCode: a.postalCode, country: this.codedValue(a.country) };
      if (this.rng.chance(0.7)) section.ResidenceAddress = address;
      else section.Address = [address];
    }
    return section;
  }
}

/**
 * `count` items in legalDeliveryAt order within [from, to). Each is an envelope, or (with malformedShare) a
 * malformed input `{malformed: true, raw, why}` as intake would receive it.
 */
export function generateEnvelopes(opts: GenerateOptions): SyntheticItem[] {
  const rng = new Prng(opts.seed);
  const shares: TrafficShares = { ...DEFAULT_SHARES, ...opts.shares };
  const generator = new Generator(rng, dataFor(opts), shares);
  const start = instant(opts.from);
  const span = instant(opts.to) - start;
  if (!(span > 0)) throw new AppError('CFG_INVALID', '`to` must be after `from`');
  const times = Array.from({ length: opts.count }, () => start + Math.floor(rng.next() * span)).sort((a, b) => a - b);
  return times.map((at) => {
    const envelope = generator.envelope(at);
    return rng.chance(opts.malformedShare ?? 0) ? malformedFrom(rng, envelope) : envelope;
  });
}
