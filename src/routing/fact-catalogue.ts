/**
 * The facts a rule condition may test, as the console's condition form offers them (issue #20: the console never
 * hard-codes the engine's facts): each fact's kind, its operators, where its values come from (a list, the
 * directory, free text) and whether it is personal data; with the networks, territory funds and triage reasons a
 * rule's conditions and target may name. Built from the engine's own vocabulary and the configuration in force.
 */
import type { Directory } from './directory';
import { FUND_KINDS } from './directory';
import type { RuleTable } from './rule-table';
import { FACT_NAMES, kindOf, OPERATORS_BY_KIND, type FactKind, type FactName, type Operator } from './rule-vocabulary';

/** Where a fact's values come from: a closed list, the institution directory, free text, or none (true/false, presence). */
export type ValueSource = 'list' | 'institutions' | 'free' | 'none';

export interface FactDescription {
  name: FactName;
  kind: FactKind;
  operators: Operator[];
  valueSource: ValueSource;
  /** The allowed values, for `valueSource: 'list'` (for references: the networks). */
  values?: string[];
  /** The fact is personal data: the trace never quotes it. */
  personal: boolean;
}

export interface FactCatalogue {
  facts: FactDescription[];
  networks: string[];
  territoryFunds: string[];
  triageReasons: string[];
}

const SECTORS = ['AD', 'AW', 'FB', 'H', 'LA', 'M', 'P', 'R', 'S', 'UB'];
/** CDM sex codes; some senders write M/F, which a rule may name as free text in JSON. */
const SEX_CODES = ['01', '02', '98'];
const PERSONAL: ReadonlySet<FactName> = new Set<FactName>(['frenchPin', 'person.birthDate', 'person.sex', 'residence.postalCode']);
/** Reasons the service itself gives (no rule, a bounce, a reopened case) besides those of the rule table. */
const BUILT_IN_REASONS = ['NO_RULE'];

function valuesOf(name: FactName, ctx: { countries: readonly string[]; departements: string[]; networks: string[] }): Pick<FactDescription, 'valueSource' | 'values'> {
  switch (name) {
    case 'sector': return { valueSource: 'list', values: SECTORS };
    case 'senderCountry': return { valueSource: 'list', values: [...ctx.countries] };
    case 'person.sex': return { valueSource: 'list', values: SEX_CODES };
    case 'residence.departement': return { valueSource: 'list', values: ctx.departements };
    case 'frenchRefs': return { valueSource: 'list', values: ctx.networks };
    case 'caseRoute': return { valueSource: 'institutions' };
    default: return { valueSource: kindOf(name) === 'text' ? 'free' : 'none' };
  }
}

export function factCatalogue(directory: Directory, ruleTable: RuleTable, countries: readonly string[]): FactCatalogue {
  const networks = [...new Set(directory.institutions.flatMap((i) => i.networks))].sort();
  const departements = directory.territories.map((t) => t.departement).sort();
  const facts = FACT_NAMES.map((name): FactDescription => ({
    name, kind: kindOf(name), operators: [...OPERATORS_BY_KIND[kindOf(name)]], ...valuesOf(name, { countries, departements, networks }), personal: PERSONAL.has(name),
  }));
  const fromRules = ruleTable.rules.flatMap((r) => ('triage' in r.then ? [r.then.triage.reason] : []));
  return { facts, networks, territoryFunds: [...FUND_KINDS], triageReasons: [...new Set([...fromRules, ...BUILT_IN_REASONS])].sort() };
}
