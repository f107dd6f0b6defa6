/**
 * Synthetic people and addresses for the generator: names, birth dates, French NIRs computed from the birth
 * (with a controllable share of wrong keys and wrong months), residences in France (every département, Corsica,
 * overseas, the multi-CPAM départements) and abroad. All invented; no real person is described.
 */
import { withNirKey } from '../routing/nir';
import { OVERSEAS_DEPARTEMENT_BY_COUNTRY } from '../routing/postcode';
import type { Prng } from './prng';

const FAMILY_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Durand', 'Lefebvre', 'Moreau', 'Laurent', 'Garcia', 'Fernandes', 'Rossi', 'Müller',
  'Schmidt', 'Kowalski', 'Nowak', 'Silva', 'Santos', 'Janssens', 'Peeters', 'De Jong', 'Van Dijk', 'Popescu',
  'Ionescu', 'Gruber', 'Murphy', 'Smith', 'Andersson', 'Papadopoulos', 'Nielsen', 'Ferrari', 'López', 'Ambroise',
];
const FORENAMES_MALE = ['Jean', 'Pierre', 'Luc', 'José', 'Marco', 'Hans', 'Piotr', 'João', 'Jan', 'Mihai', 'Sean', 'Ahmed', 'Karim', 'Anton'];
const FORENAMES_FEMALE = ['Marie', 'Sophie', 'Claire', 'Ana', 'Giulia', 'Anna', 'Katarzyna', 'Maria', 'Eva', 'Ioana', 'Fatima', 'Nadia', 'Lena'];

export interface SyntheticPerson {
  familyName: string;
  forename: string;
  birthDate: string;
  /** CDM sex code: 01 male, 02 female, 98 unknown. */
  sex: '01' | '02' | '98';
  /** Full NIR (15 characters) or null for someone never insured in France. */
  nir: string | null;
  nirFlaw: 'none' | 'wrong-key' | 'wrong-month';
}

export interface SyntheticAddress {
  street: string;
  town: string;
  postalCode: string;
  country: string;
}

export interface PersonShares {
  /** Share of people with a French NIR. */
  frenchNir: number;
  /** Among NIRs: share with a wrong key, share whose month disagrees with the birth date. */
  wrongKey: number;
  wrongMonth: number;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Birth département as the NIR writes it: 01–95 (2A/2B for Corsica), 97 + overseas digit, 99 born abroad. */
function nirBirthPlace(rng: Prng): string {
  const r = rng.next();
  if (r < 0.3) return '99';
  if (r < 0.33) return rng.pick(['2A', '2B']);
  if (r < 0.37) return `97${rng.pick(['1', '2', '3', '4', '6'])}`;
  let dep = rng.int(1, 95);
  if (dep === 20) dep = 21;
  return pad2(dep);
}

export function nirFor(rng: Prng, sex: string, birthDate: string, flaw: SyntheticPerson['nirFlaw']): string {
  const sexDigit = sex === '02' ? '2' : '1';
  let month = birthDate.slice(5, 7);
  if (flaw === 'wrong-month') month = pad2((Number(month) % 12) + 1);
  const place = nirBirthPlace(rng);
  // Overseas places take 3 characters, so the commune has 2 digits: the body stays 13 characters.
  const commune = place.length === 3 ? rng.digits(2) : rng.digits(3);
  const body = `${sexDigit}${birthDate.slice(2, 4)}${month}${place}${commune}${rng.digits(3)}`;
  const nir = withNirKey(body);
  if (flaw !== 'wrong-key') return nir;
  const key = Number(nir.slice(13));
  return body + pad2((key % 97) + 1);
}

export function syntheticPerson(rng: Prng, shares: PersonShares): SyntheticPerson {
  const sexRoll = rng.next();
  const sex = sexRoll < 0.49 ? '01' : sexRoll < 0.99 ? '02' : '98';
  const birthDate = `${rng.int(1938, 2006)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
  const hasNir = rng.chance(shares.frenchNir);
  const flawRoll = rng.next();
  const nirFlaw = !hasNir ? 'none' : flawRoll < shares.wrongKey ? 'wrong-key' : flawRoll < shares.wrongKey + shares.wrongMonth ? 'wrong-month' : 'none';
  return {
    familyName: rng.pick(FAMILY_NAMES),
    forename: rng.pick(sex === '02' ? FORENAMES_FEMALE : FORENAMES_MALE),
    birthDate,
    sex,
    nir: hasNir ? nirFor(rng, sex, birthDate, nirFlaw) : null,
    nirFlaw,
  };
}

/** A French postal code whose département (by docs/routing.md's rule) is `departement`. */
export function postalCodeIn(rng: Prng, departement: string): string {
  if (departement === '2A') return `20${rng.int(0, 1)}${rng.digits(2)}`;
  if (departement === '2B') return `20${rng.int(2, 6)}${rng.digits(2)}`;
  if (departement.length === 3) return `${departement}${rng.digits(2)}`;
  return `${departement}${rng.int(0, 9)}${rng.digits(2)}`;
}

const STREETS = ['rue de la République', 'avenue Jean Jaurès', 'chemin des Vignes', 'place du Marché', 'boulevard Victor Hugo'];

export function frenchAddress(rng: Prng, departement: string, useOverseasCountryCode: boolean): SyntheticAddress {
  const overseasCode = Object.entries(OVERSEAS_DEPARTEMENT_BY_COUNTRY).find(([, dep]) => dep === departement)?.[0];
  return {
    street: `${rng.int(1, 120)} ${rng.pick(STREETS)}`,
    town: `Commune ${departement}-${rng.int(1, 40)}`,
    postalCode: postalCodeIn(rng, departement),
    country: useOverseasCountryCode && overseasCode ? overseasCode : 'FR',
  };
}

/** Foreign residences, with each country's postal code shape (several are 5 digits, like French ones). */
const FOREIGN: readonly { country: string; weight: number; postcode: (rng: Prng) => string; town: string; street: string }[] = [
  { country: 'BE', weight: 14, postcode: (r) => r.digits(4), town: 'Liège', street: 'Rue Haute' },
  { country: 'NL', weight: 5, postcode: (r) => `${r.int(1000, 9999)} ${r.pick(['AB', 'KL', 'XR'])}`, town: 'Maastricht', street: 'Vrijthof' },
  { country: 'DE', weight: 16, postcode: (r) => r.digits(5), town: 'Saarbrücken', street: 'Hauptstraße' },
  { country: 'ES', weight: 14, postcode: (r) => r.digits(5), town: 'Girona', street: 'Carrer Major' },
  { country: 'IT', weight: 10, postcode: (r) => r.digits(5), town: 'Torino', street: 'Via Roma' },
  { country: 'PT', weight: 12, postcode: (r) => `${r.digits(4)}-${r.digits(3)}`, town: 'Braga', street: 'Rua Nova' },
  { country: 'CH', weight: 8, postcode: (r) => r.digits(4), town: 'Genève', street: 'Rue du Rhône' },
  { country: 'LU', weight: 6, postcode: (r) => r.digits(4), town: 'Esch-sur-Alzette', street: 'Grand-Rue' },
  { country: 'PL', weight: 6, postcode: (r) => `${r.digits(2)}-${r.digits(3)}`, town: 'Kraków', street: 'ulica Floriańska' },
  { country: 'UK', weight: 5, postcode: () => 'SW1A 1AA', town: 'London', street: 'High Street' },
  { country: 'RO', weight: 4, postcode: (r) => r.digits(6), town: 'Iași', street: 'Strada Lăpușneanu' },
];

export function foreignAddress(rng: Prng): SyntheticAddress {
  const place = rng.weighted(FOREIGN, (f) => f.weight);
  return { street: `${place.street} ${rng.int(1, 200)}`, town: place.town, postalCode: place.postcode(rng), country: place.country };
}
