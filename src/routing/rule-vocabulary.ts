/**
 * The words of the rule table: the facts a condition may test, by kind, and the operators. One list, read by the
 * schema check (rule-table.ts), the problems it reports (rule-problems.ts) and the facts catalogue the console's
 * condition form is built from (fact-catalogue.ts); test/routing/rule-table.test.ts keeps it equal to the schema.
 */
export const TEXT_FACTS = [
  'bucType', 'sector', 'sedType', 'senderCountry', 'caseRoute', 'frenchPin',
  'person.birthDate', 'person.sex', 'residence.country', 'residence.postalCode', 'residence.departement',
] as const;
export const BOOLEAN_FACTS = ['nirValid', 'nirMatchesBirth'] as const;
export const PRESENCE_FACTS = ['person', 'residence'] as const;
export const LIST_FACTS = ['frenchRefs'] as const;
export const FACT_NAMES = [...TEXT_FACTS, ...BOOLEAN_FACTS, ...PRESENCE_FACTS, ...LIST_FACTS] as const;
export type FactName = (typeof FACT_NAMES)[number];

export const OPERATORS = ['equals', 'in', 'notIn', 'exists', 'known', 'anyInNetworks', 'exactlyOneInNetworks', 'count'] as const;
export type Operator = (typeof OPERATORS)[number];

/** The operators each kind of fact takes (the schema's allOf branches say the same). */
export const OPERATORS_BY_KIND = {
  text: ['equals', 'in', 'notIn', 'exists', 'known'],
  boolean: ['equals', 'exists', 'known'],
  presence: ['exists', 'known'],
  references: ['anyInNetworks', 'exactlyOneInNetworks', 'count'],
} as const satisfies Record<string, readonly Operator[]>;
export type FactKind = keyof typeof OPERATORS_BY_KIND;

export function kindOf(fact: FactName): FactKind {
  if ((BOOLEAN_FACTS as readonly string[]).includes(fact)) return 'boolean';
  if ((PRESENCE_FACTS as readonly string[]).includes(fact)) return 'presence';
  if ((LIST_FACTS as readonly string[]).includes(fact)) return 'references';
  return 'text';
}
