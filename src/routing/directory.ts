/**
 * The French institution directory and the territories (département → competent funds), as one immutable
 * in-memory object. It is built from rows: parsed from the CSVs of config/ at first start, later from the JSON
 * of a directory version stored in the database (the same row objects, see `DirectoryData`).
 *
 * Institution validity (validFrom/validTo) is a pair of calendar dates judged on the Europe/Paris calendar date of
 * the message's `legalDeliveryAt` (see calendar.ts), both ends inclusive: the IR is always read as it was when the
 * message was received, never as it is today.
 */
import { AppError, type ErrorDetail } from '../shared/errors';
import { isCalendarDate, toCalendarDate, withinDates } from './paris-date';
import { parseCsvRecords } from './csv';

export interface InstitutionRow {
  id: string;
  name: string;
  acronym: string;
  /** Routing networks (PENSION_GENERAL, MSA, SPECIAL_PENSION…): what rules select references by. */
  networks: string[];
  branches: string[];
  /** Départements the institution is territorially competent for (informative; territories decide routing). */
  departements: string[];
  validFrom: string | null;
  validTo: string | null;
  confidence: string;
  source: string;
}

export type FundKind = 'pensionFund' | 'sicknessFund' | 'familyFund';
export const FUND_KINDS: readonly FundKind[] = ['pensionFund', 'sicknessFund', 'familyFund'];

export interface TerritoryRow {
  departement: string;
  name: string;
  pensionFund: string | null;
  sicknessFund: string | null;
  familyFund: string | null;
  note: string;
}

/** The JSON form of a directory version (what the database stores and the API shows). */
export interface DirectoryData {
  institutions: InstitutionRow[];
  territories: TerritoryRow[];
}

export type ValidityCheck =
  | { valid: true; institution: InstitutionRow }
  | { valid: false; why: string; institution?: InstitutionRow };

export interface Directory {
  institution(id: string): InstitutionRow | undefined;
  /** `at` is a calendar date (YYYY-MM-DD) or an RFC 3339 instant (judged on its Paris calendar date). */
  isValidAt(id: string, at: string): boolean;
  /** Like isValidAt, with the reason in words when not valid (for the routing trace). */
  validityAt(id: string, at: string): ValidityCheck;
  territory(departement: string): TerritoryRow | undefined;
  readonly institutions: readonly InstitutionRow[];
  readonly territories: readonly TerritoryRow[];
  toJSON(): DirectoryData;
}

export const INSTITUTION_ID = /^(AT|BE|BG|HR|CY|CZ|DK|EE|FI|FR|DE|EL|HU|IS|IE|IT|LV|LI|LT|LU|MT|NL|NO|PL|PT|RO|SK|SI|ES|SE|CH|UK|EU):[A-Za-z0-9]{4,10}$/;
const DEPARTEMENT = /^(\d{2}|2A|2B|\d{3})$/;
const NETWORK = /^[A-Z][A-Z0-9_]*$/;

class FrozenDirectory implements Directory {
  private readonly byId: ReadonlyMap<string, InstitutionRow>;
  private readonly byDepartement: ReadonlyMap<string, TerritoryRow>;

  constructor(
    readonly institutions: readonly InstitutionRow[],
    readonly territories: readonly TerritoryRow[],
  ) {
    this.byId = new Map(institutions.map((r) => [r.id, r]));
    this.byDepartement = new Map(territories.map((r) => [r.departement, r]));
    Object.freeze(this);
  }

  institution(id: string): InstitutionRow | undefined {
    return this.byId.get(id);
  }

  isValidAt(id: string, at: string): boolean {
    return this.validityAt(id, at).valid;
  }

  validityAt(id: string, at: string): ValidityCheck {
    const institution = this.byId.get(id);
    if (!institution) return { valid: false, why: `${id} is not in the directory` };
    const date = toCalendarDate(at);
    if (date === null) return { valid: false, why: `cannot judge the validity of ${id}: no valid date`, institution };
    if (withinDates(date, institution.validFrom, institution.validTo)) return { valid: true, institution };
    const why = institution.validFrom && date < institution.validFrom
      ? `${id} is not yet valid at ${date} (valid from ${institution.validFrom})`
      : `${id} is no longer valid at ${date} (valid until ${institution.validTo})`;
    return { valid: false, why, institution };
  }

  territory(departement: string): TerritoryRow | undefined {
    return this.byDepartement.get(departement);
  }

  toJSON(): DirectoryData {
    return {
      institutions: this.institutions.map((r) => ({ ...r, networks: [...r.networks], branches: [...r.branches], departements: [...r.departements] })),
      territories: this.territories.map((r) => ({ ...r })),
    };
  }
}

function deepFreeze<T>(rows: T[]): readonly T[] {
  for (const row of rows) {
    for (const v of Object.values(row as object)) if (Array.isArray(v)) Object.freeze(v);
    Object.freeze(row);
  }
  return Object.freeze(rows);
}

function checkInstitution(r: InstitutionRow, path: string, problems: ErrorDetail[]): void {
  if (typeof r.id !== 'string' || !INSTITUTION_ID.test(r.id)) problems.push({ path: `${path}/id`, message: `"${String(r.id)}" is not an institution id such as FR:CPAM075` });
  if (typeof r.name !== 'string' || r.name.trim() === '') problems.push({ path: `${path}/name`, message: 'the name is empty' });
  for (const key of ['networks', 'branches', 'departements'] as const) {
    if (!Array.isArray(r[key]) || r[key].some((v) => typeof v !== 'string' || v === '')) problems.push({ path: `${path}/${key}`, message: 'must be a list of non-empty texts' });
  }
  if (Array.isArray(r.networks)) {
    r.networks.filter((n) => !NETWORK.test(n)).forEach((n) => problems.push({ path: `${path}/networks`, message: `"${n}" is not a network name (capitals and _ only)` }));
  }
  for (const key of ['validFrom', 'validTo'] as const) {
    if (r[key] !== null && !isCalendarDate(r[key])) problems.push({ path: `${path}/${key}`, message: `"${String(r[key])}" is not a calendar date YYYY-MM-DD` });
  }
  if (r.validFrom && r.validTo && r.validFrom > r.validTo) problems.push({ path: `${path}/validTo`, message: `ends (${r.validTo}) before it starts (${r.validFrom})` });
}

function checkTerritory(r: TerritoryRow, path: string, known: ReadonlySet<string>, problems: ErrorDetail[]): void {
  if (typeof r.departement !== 'string' || !DEPARTEMENT.test(r.departement)) problems.push({ path: `${path}/departement`, message: `"${String(r.departement)}" is not a département code (01…95, 2A, 2B, 971…)` });
  for (const fund of FUND_KINDS) {
    const id = r[fund];
    if (id !== null && !known.has(id)) problems.push({ path: `${path}/${fund}`, message: `${String(id)} is not in the institution directory` });
  }
}

/**
 * Builds the immutable directory from row objects (from the CSVs or a stored JSON version). Throws
 * RTE_RULESET_INVALID with every problem found (bad ids or dates, duplicates, funds missing from the directory).
 */
export function directoryFromRows(institutions: InstitutionRow[], territories: TerritoryRow[]): Directory {
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  institutions.forEach((r, i) => {
    checkInstitution(r, `/institutions/${i}`, problems);
    if (seen.has(r.id)) problems.push({ path: `/institutions/${i}/id`, message: `${r.id} appears twice` });
    seen.add(r.id);
  });
  const seenDep = new Set<string>();
  territories.forEach((r, i) => {
    checkTerritory(r, `/territories/${i}`, seen, problems);
    if (seenDep.has(r.departement)) problems.push({ path: `/territories/${i}/departement`, message: `département ${r.departement} appears twice` });
    seenDep.add(r.departement);
  });
  if (problems.length > 0) {
    throw new AppError('RTE_RULESET_INVALID', `The directory is invalid: ${problems.length} problem(s), first at ${problems[0].path}: ${problems[0].message}.`, problems);
  }
  const copy = institutions.map((r) => ({ ...r, networks: [...r.networks], branches: [...r.branches], departements: [...r.departements] }));
  return new FrozenDirectory(deepFreeze(copy), deepFreeze(territories.map((r) => ({ ...r }))));
}

export function directoryFromData(data: DirectoryData): Directory {
  if (!data || !Array.isArray(data.institutions) || !Array.isArray(data.territories)) {
    throw new AppError('RTE_RULESET_INVALID', 'A directory is an object with "institutions" and "territories" lists.', [{ path: '/', message: 'must have institutions[] and territories[]' }]);
  }
  return directoryFromRows(data.institutions, data.territories);
}

const list = (s: string | undefined): string[] => (s ?? '').split(';').map((v) => v.trim()).filter((v) => v !== '');
const orNull = (s: string | undefined): string | null => (s === undefined || s.trim() === '' ? null : s.trim());

/** institutions.csv → rows (id,name,acronym,networks,branches,departements,validFrom,validTo,confidence,source). */
export function parseInstitutionsCsv(text: string): InstitutionRow[] {
  return parseCsvRecords(text, ['id', 'name', 'networks', 'validFrom', 'validTo']).map((r) => ({
    id: r.id.trim(),
    name: r.name.trim(),
    acronym: (r.acronym ?? '').trim(),
    networks: list(r.networks),
    branches: list(r.branches),
    departements: list(r.departements),
    validFrom: orNull(r.validFrom),
    validTo: orNull(r.validTo),
    confidence: (r.confidence ?? '').trim(),
    source: (r.source ?? '').trim(),
  }));
}

/** territories.csv → rows (departement,name,pensionFund,sicknessFund,familyFund,note); an empty fund is null. */
export function parseTerritoriesCsv(text: string): TerritoryRow[] {
  return parseCsvRecords(text, ['departement', 'pensionFund', 'sicknessFund', 'familyFund']).map((r) => ({
    departement: r.departement.trim(),
    name: (r.name ?? '').trim(),
    pensionFund: orNull(r.pensionFund),
    sicknessFund: orNull(r.sicknessFund),
    familyFund: orNull(r.familyFund),
    note: (r.note ?? '').trim(),
  }));
}

/** The directory from the text of the two CSV files. CSV syntax errors become RTE_RULESET_INVALID too. */
export function directoryFromCsv(institutionsCsv: string, territoriesCsv: string): Directory {
  const parse = <T>(file: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof AppError) throw e;
      const message = e instanceof Error ? e.message : String(e);
      throw new AppError('RTE_RULESET_INVALID', `${file}: ${message}`, [{ path: file, message }]);
    }
  };
  return directoryFromRows(
    parse('institutions.csv', () => parseInstitutionsCsv(institutionsCsv)),
    parse('territories.csv', () => parseTerritoriesCsv(territoriesCsv)),
  );
}
