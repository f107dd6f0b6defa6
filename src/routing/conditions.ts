/**
 * One rule condition against the facts: null when it holds, otherwise the reason it failed, in words, for the
 * trace operators read ("sector is P, rule needs LA"). The trace is stored and displayed, so facts that are
 * personal data (NIR, birth date, sex, postcode) are described as present/absent, never quoted.
 */
import type { FrenchRef, RoutingFacts } from './facts';
import type { Condition, FactCondition, FactName } from './rule-table';

type FactValue = string | boolean | object | null;

const PERSONAL_FACTS: ReadonlySet<FactName> = new Set<FactName>(['frenchPin', 'person.birthDate', 'person.sex', 'residence.postalCode']);

/** The value of a named fact; a fact under an absent parent (person, residence) is null. */
export function factValue(facts: RoutingFacts, name: FactName): FactValue {
  switch (name) {
    case 'bucType': return facts.bucType;
    case 'sector': return facts.sector;
    case 'sedType': return facts.sedType;
    case 'senderCountry': return facts.senderCountry;
    case 'caseRoute': return facts.caseRoute;
    case 'frenchPin': return facts.frenchPin;
    case 'person.birthDate': return facts.person?.birthDate ?? null;
    case 'person.sex': return facts.person?.sex ?? null;
    case 'residence.country': return facts.residence?.country ?? null;
    case 'residence.postalCode': return facts.residence?.postalCode ?? null;
    case 'residence.departement': return facts.residence?.departement ?? null;
    case 'nirValid': return facts.nirValid;
    case 'nirMatchesBirth': return facts.nirMatchesBirth;
    case 'person': return facts.person;
    case 'residence': return facts.residence;
    case 'frenchRefs': return facts.frenchRefs;
    default: return null;
  }
}

function shown(name: FactName, value: FactValue, presenceWord: 'present' | 'known'): string {
  if (value === null) return presenceWord === 'known' ? 'unknown' : 'absent';
  if (PERSONAL_FACTS.has(name)) return 'another value';
  if (typeof value === 'object') return presenceWord;
  return String(value);
}

const oneOf = (values: readonly string[]): string => (values.length === 1 ? values[0] : `one of ${values.join(', ')}`);

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function refsInNetworks(refs: readonly FrenchRef[], networks: readonly string[] | undefined): FrenchRef[] {
  if (networks === undefined) return [...refs];
  return refs.filter((r) => r.networks.some((n) => networks.includes(n)));
}

/** "(references: FR:A in X; ignored: FR:B not in the directory)": what the router saw, for the trace. */
export function refsSeen(facts: RoutingFacts): string {
  const seen = facts.frenchRefs.length === 0
    ? 'no valid French reference'
    : `references: ${facts.frenchRefs.map((r) => `${r.institutionId} in ${r.networks.join('/')}`).join(', ')}`;
  const ignored = facts.ignoredRefs.length === 0 ? '' : `; ignored: ${facts.ignoredRefs.map((r) => r.why).join(', ')}`;
  return `(${seen}${ignored})`;
}

function checkRefs(c: FactCondition, facts: RoutingFacts): string | null {
  const refs = facts.frenchRefs;
  if (c.anyInNetworks !== undefined) {
    if (refsInNetworks(refs, c.anyInNetworks).length > 0) return null;
    return `no French reference in ${c.anyInNetworks.join('/')} ${refsSeen(facts)}`;
  }
  if (c.exactlyOneInNetworks !== undefined) {
    const n = refsInNetworks(refs, c.exactlyOneInNetworks).length;
    if (n === 1) return null;
    return `${plural(n, 'French reference')} in ${c.exactlyOneInNetworks.join('/')}, rule needs exactly one ${refsSeen(facts)}`;
  }
  if (c.count !== undefined) {
    const { min, max } = c.count;
    const n = refs.length;
    if ((min === undefined || n >= min) && (max === undefined || n <= max)) return null;
    const needs = min !== undefined && max !== undefined
      ? (min === max ? `exactly ${min}` : `between ${min} and ${max}`)
      : min !== undefined ? `at least ${min}` : `at most ${max}`;
    return `${plural(n, 'French reference')}, rule needs ${needs} ${refsSeen(facts)}`;
  }
  return checkPresence(c, refs.length > 0 ? refs : null);
}

function presenceWords(c: FactCondition, value: FactValue): string {
  const word = c.known !== undefined ? 'known' : 'present';
  if (value === null) return `${c.fact} is ${word === 'known' ? 'unknown' : 'absent'}`;
  const detail = PERSONAL_FACTS.has(c.fact) || typeof value === 'object' ? '' : ` (${String(value)})`;
  return `${c.fact} is ${word}${detail}`;
}

function checkPresence(c: FactCondition, value: FactValue): string | null {
  const wanted = c.known ?? c.exists;
  if (wanted === undefined || (value !== null) === wanted) return null;
  const needs = c.known !== undefined ? (wanted ? 'known' : 'unknown') : (wanted ? 'present' : 'absent');
  return `${presenceWords(c, value)}, rule needs it ${needs}`;
}

function checkFact(c: FactCondition, facts: RoutingFacts): string | null {
  if (c.fact === 'frenchRefs') return checkRefs(c, facts);
  const value = factValue(facts, c.fact);
  if (c.equals !== undefined) {
    if (value === c.equals) return null;
    return `${c.fact} is ${shown(c.fact, value, 'known')}, rule needs ${String(c.equals)}`;
  }
  if (c.in !== undefined) {
    if (typeof value === 'string' && c.in.includes(value)) return null;
    return `${c.fact} is ${shown(c.fact, value, 'known')}, rule needs ${oneOf(c.in)}`;
  }
  if (c.notIn !== undefined) {
    // An unknown value is in no list, so "not in" holds for it.
    if (typeof value !== 'string' || !c.notIn.includes(value)) return null;
    return `${c.fact} is ${shown(c.fact, value, 'known')}, rule needs none of ${c.notIn.join(', ')}`;
  }
  return checkPresence(c, value);
}

/** Null when the condition holds, else why not. */
export function failedCondition(c: Condition, facts: RoutingFacts): string | null {
  if ('anyOf' in c) {
    const reasons: string[] = [];
    for (const alternative of c.anyOf) {
      const failed = failedCondition(alternative, facts);
      if (failed === null) return null;
      reasons.push(failed);
    }
    return `none of the alternatives holds: ${reasons.join('; ')}`;
  }
  return checkFact(c, facts);
}

const ids = (refs: readonly FrenchRef[]): string => refs.map((r) => r.institutionId).join(', ');

/** A condition that holds, in words ("sector is S"), for the deciding step's explanation. */
export function heldCondition(c: Condition, facts: RoutingFacts): string {
  if ('anyOf' in c) {
    const holding = c.anyOf.find((alternative) => failedCondition(alternative, facts) === null);
    return holding === undefined ? 'one of the alternatives holds' : heldCondition(holding, facts);
  }
  if (c.fact === 'frenchRefs') {
    const networks = c.anyInNetworks ?? c.exactlyOneInNetworks;
    const refs = refsInNetworks(facts.frenchRefs, networks);
    const where = networks === undefined ? '' : ` in ${networks.join('/')}`;
    return `${plural(refs.length, 'French reference')}${where} (${ids(refs) || 'none'})`;
  }
  if (c.exists !== undefined || c.known !== undefined) return presenceWords(c, factValue(facts, c.fact));
  return `${c.fact} is ${shown(c.fact, factValue(facts, c.fact), 'known')}`;
}
