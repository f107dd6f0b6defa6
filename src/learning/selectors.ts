/**
 * What rule induction may put in a learned rule: one test on one non-personal fact of a case (sector, BUC type,
 * SED type, sending country, residence country or département, a residence known or not, a French reference in a
 * network, no French reference, a French PIN present or not), as a rule-table condition and in words. A learned
 * rule never names a person: the French PIN appears only as "present" or "absent", never its value, and the
 * residence stops at the département.
 */
import type { RoutingFacts } from '../routing/facts';
import type { Condition } from '../routing/rule-table';

/** The non-personal facts of one decided case, as induction reads them. */
export interface ExampleFacts {
  sector: string | null;
  bucType: string | null;
  sedType: string | null;
  senderCountry: string | null;
  residenceCountry: string | null;
  residenceDepartement: string | null;
  residenceKnown: boolean;
  refNetworks: string[];
  frenchPin: boolean;
}

export function exampleFacts(f: RoutingFacts): ExampleFacts {
  return {
    sector: f.sector,
    bucType: f.bucType,
    sedType: f.sedType,
    senderCountry: f.senderCountry,
    residenceCountry: f.residence?.country ?? null,
    residenceDepartement: f.residence?.departement ?? null,
    residenceKnown: f.residence !== null,
    refNetworks: [...new Set(f.frenchRefs.flatMap((r) => r.networks))].sort(),
    frenchPin: f.frenchPin !== null,
  };
}

/**
 * The attribute a selector tests: a rule holds at most one selector per attribute, except French reference
 * networks (a case may have references in several).
 */
export type Attribute = 'sector' | 'bucType' | 'sedType' | 'senderCountry' | 'residence.country' | 'residence.departement' | 'residence' | 'frenchRefs' | 'frenchPin';

export interface Selector {
  /** Stable key, e.g. `sector=P`, `frenchRefs~PENSION_GENERAL`. */
  key: string;
  attribute: Attribute;
  condition: Condition;
  words: string;
  holds(e: ExampleFacts): boolean;
}

const TEXT_ATTRIBUTES: Array<{ attribute: Attribute; value: (e: ExampleFacts) => string | null; words: string }> = [
  { attribute: 'sector', value: (e) => e.sector, words: 'sector' },
  { attribute: 'bucType', value: (e) => e.bucType, words: 'BUC type' },
  { attribute: 'sedType', value: (e) => e.sedType, words: 'SED type' },
  { attribute: 'senderCountry', value: (e) => e.senderCountry, words: 'sending country' },
  { attribute: 'residence.country', value: (e) => e.residenceCountry, words: 'residence country' },
  { attribute: 'residence.departement', value: (e) => e.residenceDepartement, words: 'residence département' },
];

/** The value of an attribute for an example, in the form left-out conditions list them. */
export function attributeValue(attribute: Attribute, e: ExampleFacts): string {
  const text = TEXT_ATTRIBUTES.find((t) => t.attribute === attribute);
  if (text) return text.value(e) ?? 'unknown';
  if (attribute === 'residence') return e.residenceKnown ? 'known' : 'none';
  if (attribute === 'frenchRefs') return e.refNetworks.length ? e.refNetworks.join('/') : 'none';
  return e.frenchPin ? 'present' : 'absent';
}

export const ATTRIBUTES: readonly Attribute[] = [...TEXT_ATTRIBUTES.map((t) => t.attribute), 'residence', 'frenchRefs', 'frenchPin'];

function textSelector(attribute: Attribute, words: string, value: string, read: (e: ExampleFacts) => string | null): Selector {
  return { key: `${attribute}=${value}`, attribute, condition: { fact: attribute as 'sector', equals: value }, words: `${words} ${value}`, holds: (e) => read(e) === value };
}

/** Every selector that holds for at least one of the examples, in a stable order. */
export function selectorsFor(examples: readonly ExampleFacts[]): Selector[] {
  const out = new Map<string, Selector>();
  const add = (s: Selector) => { if (!out.has(s.key)) out.set(s.key, s); };
  for (const e of examples) {
    for (const t of TEXT_ATTRIBUTES) {
      const v = t.value(e);
      if (v !== null && v !== '') add(textSelector(t.attribute, t.words, v, t.value));
    }
    if (!e.residenceKnown) add({ key: 'residence=none', attribute: 'residence', condition: { fact: 'residence', exists: false }, words: 'no known residence', holds: (x) => !x.residenceKnown });
    else add({ key: 'residence=known', attribute: 'residence', condition: { fact: 'residence', exists: true }, words: 'a known residence', holds: (x) => x.residenceKnown });
    if (e.refNetworks.length === 0) {
      add({ key: 'frenchRefs=none', attribute: 'frenchRefs', condition: { fact: 'frenchRefs', count: { max: 0 } }, words: 'no French reference', holds: (x) => x.refNetworks.length === 0 });
    }
    for (const n of e.refNetworks) {
      add({ key: `frenchRefs~${n}`, attribute: 'frenchRefs', condition: { fact: 'frenchRefs', anyInNetworks: [n] }, words: `a French reference in ${n}`, holds: (x) => x.refNetworks.includes(n) });
    }
    const pin = e.frenchPin;
    add({ key: `frenchPin=${pin ? 'present' : 'absent'}`, attribute: 'frenchPin', condition: { fact: 'frenchPin', exists: pin }, words: pin ? 'a French PIN' : 'no French PIN', holds: (x) => x.frenchPin === pin });
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Whether a selector may join a rule that already holds these (one per attribute; reference networks may add up). */
export function compatible(s: Selector, held: readonly Selector[]): boolean {
  return held.every((h) => h.attribute !== s.attribute || (s.attribute === 'frenchRefs' && s.key.includes('~') && h.key.includes('~') && h.key !== s.key));
}
