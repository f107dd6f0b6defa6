/**
 * Routing facts (docs/routing.md §1): everything a rule may read, extracted once per envelope into one plain,
 * serialisable object. The facts are stored with the decision and shown to operators, so they hold personal
 * data (name, birth date, NIR, postcode): they must never be logged.
 */
import type { Envelope } from '../intake/envelope';
import { forwardTarget, isFrenchTarget } from './forward-target';
import { isCalendarDate, parisCalendarDate } from './paris-date';
import type { Directory } from './directory';
import { isNirValid, nirMatchesBirthDate, normaliseNir } from './nir';
import { residenceFrom, type Residence } from './postcode';
import { coded, firstObject, institutionIdsIn, isObject, objects, sedRoot, text, type JsonObject } from './sed-reading';

export type { Residence } from './postcode';

export interface PersonFacts {
  familyName: string | null;
  forename: string | null;
  /** YYYY-MM-DD, or null when absent or not a real calendar date. */
  birthDate: string | null;
  /** As sent (CDM codes 01, 02, 98; some senders write M/F). */
  sex: string | null;
}

/** A French institution referenced in the SED and valid in the directory at legalDeliveryAt. */
export interface FrenchRef {
  institutionId: string;
  name: string;
  networks: string[];
}

/** A French reference left out: unknown in the directory or not valid at legalDeliveryAt. */
export interface IgnoredRef {
  institutionId: string;
  why: string;
}

export interface RoutingFacts {
  envelopeId: string | null;
  caseId: string | null;
  bucType: string | null;
  /** The prefix before _BUC: AW, FB, H, LA, M, P, R, S, UB, AD. */
  sector: string | null;
  sedType: string | null;
  senderCountry: string | null;
  legalDeliveryAt: string | null;
  /** The Europe/Paris calendar date of legalDeliveryAt: the day every effective date is judged on. */
  legalDeliveryDate: string | null;
  /** The main person, or null when the SED has no main-person section with a PersonIdentification. */
  person: PersonFacts | null;
  /** The main person's PIN whose country is FR, separators removed. */
  frenchPin: string | null;
  /** Null when there is no French PIN. */
  nirValid: boolean | null;
  /** Null when it cannot be judged (no French PIN, not NIR-shaped, or no birth date). */
  nirMatchesBirth: boolean | null;
  residence: Residence | null;
  frenchRefs: FrenchRef[];
  ignoredRefs: IgnoredRef[];
  /** The institution this case was last forwarded to and not bounced, if any. */
  caseRoute: string | null;
}

/** Where the main person may sit under the SED root, in order of preference (docs/contract.md §2). */
const MAIN_PERSON_PATHS: readonly (readonly string[])[] = [
  ['InsuredPerson'],
  ['Person'],
  ['DeceasedPerson'],
  ['Claimant'],
  ['IndividualClaim', 'Person'],
];

const BUC_SECTOR = /^([A-Z]+)_BUC/;

function at(root: JsonObject, path: readonly string[]): JsonObject | null {
  let node: JsonObject | null = root;
  for (const key of path) {
    node = node === null ? null : firstObject(node[key]);
  }
  return node;
}

/** The PersonIdentification directly under the section, else the first one a few levels down. */
function personIdentification(section: JsonObject): JsonObject | null {
  const direct = firstObject(section.PersonIdentification);
  if (direct !== null) return direct;
  let level: JsonObject[] = [section];
  for (let depth = 0; depth < 3 && level.length > 0; depth += 1) {
    const next: JsonObject[] = [];
    for (const node of level) {
      for (const value of Object.values(node)) {
        for (const child of objects(value)) {
          const found = firstObject(child.PersonIdentification);
          if (found !== null) return found;
          next.push(child);
        }
      }
    }
    level = next;
  }
  return null;
}

/** The first main-person section that identifies a person, with its identification. */
function mainPerson(root: JsonObject): { section: JsonObject; identification: JsonObject } | null {
  for (const path of MAIN_PERSON_PATHS) {
    const section = at(root, path);
    if (section === null) continue;
    const identification = personIdentification(section);
    if (identification !== null) return { section, identification };
  }
  return null;
}

function birthDateOf(v: unknown): string | null {
  const s = text(v);
  if (s === null) return null;
  const day = s.slice(0, 10);
  return isCalendarDate(day) && (s.length === 10 || s[10] === 'T') ? day : null;
}

function frenchPinOf(identification: JsonObject): string | null {
  const pins = objects(firstObject(identification.PINPersonInEachInstitution)?.PersonalIdentificationNumber);
  for (const pin of pins) {
    const country = coded(pin.country) ?? text(firstObject(pin.Institution)?.institutionID)?.slice(0, 2) ?? null;
    const value = text(pin.personalIdentificationNumber);
    if (country?.toUpperCase() === 'FR' && value !== null) return normaliseNir(value);
  }
  return null;
}

function residenceOf(section: JsonObject): Residence | null {
  const address = firstObject(section.ResidenceAddress) ?? firstObject(section.Address);
  if (address === null) return null;
  return residenceFrom(coded(address.country), text(address.postalCode));
}

function frenchRefsOf(sed: unknown, directory: Directory, date: string | null): { refs: FrenchRef[]; ignored: IgnoredRef[] } {
  const refs: FrenchRef[] = [];
  const ignored: IgnoredRef[] = [];
  for (const id of institutionIdsIn(sed)) {
    if (!isFrenchTarget(id)) continue;
    const check = date === null
      ? { allowed: false as const, why: `cannot judge ${id}: legalDeliveryAt is not a valid time` }
      : forwardTarget(directory, id, date);
    if (check.allowed) refs.push({ institutionId: id, name: check.institution.name, networks: [...check.institution.networks] });
    else ignored.push({ institutionId: id, why: check.why });
  }
  return { refs, ignored };
}

/** The main person's section and its PersonIdentification (the case view reads the identifiers from them). */
export function mainPersonOf(envelope: Envelope): { section: JsonObject; identification: JsonObject } | null {
  const env: JsonObject = isObject(envelope) ? (envelope as unknown as JsonObject) : {};
  const root = sedRoot(env.sed, text(env.sedType));
  return root === null ? null : mainPerson(root);
}

/**
 * The routing facts of one envelope. Never throws: a missing or odd part of the envelope yields null facts.
 * `caseRoute` is the case's current forward target (from the store), if any.
 */
export function extractFacts(envelope: Envelope, directory: Directory, caseRoute?: string | null): RoutingFacts {
  const env: JsonObject = isObject(envelope) ? (envelope as unknown as JsonObject) : {};
  const bucType = text(env.bucType);
  const sedType = text(env.sedType);
  const legalDeliveryAt = text(env.legalDeliveryAt);
  const legalDeliveryDate = parisCalendarDate(legalDeliveryAt);
  const root = sedRoot(env.sed, sedType);
  const main = root === null ? null : mainPerson(root);
  const person: PersonFacts | null = main === null ? null : {
    familyName: text(main.identification.familyName),
    forename: text(main.identification.forename),
    birthDate: birthDateOf(main.identification.dateBirth),
    sex: coded(main.identification.sex),
  };
  const frenchPin = main === null ? null : frenchPinOf(main.identification);
  // The whole body, not only the root section: a reference counts wherever the sender put it.
  const { refs, ignored } = frenchRefsOf(env.sed, directory, legalDeliveryDate);
  return {
    envelopeId: text(env.envelopeId),
    caseId: text(env.caseId),
    bucType,
    sector: bucType === null ? null : (BUC_SECTOR.exec(bucType)?.[1] ?? null),
    sedType,
    senderCountry: coded(firstObject(env.sender)?.country),
    legalDeliveryAt,
    legalDeliveryDate,
    person,
    frenchPin,
    nirValid: frenchPin === null ? null : isNirValid(frenchPin),
    nirMatchesBirth: frenchPin === null ? null : nirMatchesBirthDate(frenchPin, person?.birthDate ?? null),
    residence: main === null ? null : residenceOf(main.section),
    frenchRefs: refs,
    ignoredRefs: ignored,
    caseRoute: text(caseRoute) ?? null,
  };
}
