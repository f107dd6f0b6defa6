/** The facts catalogue the console's condition form is built from: the engine's facts, each with its operators and values. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { factCatalogue } from '../../src/routing/fact-catalogue';
import { FACT_NAMES } from '../../src/routing/rule-table';
import { CONFIG_DIR, defaultConfig } from './helpers';

const { directory } = defaultConfig();
const rules = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'rules.json'), 'utf8'));
const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../schemas/rule-table.schema.json'), 'utf8')) as {
  $defs: { factCondition: { allOf: { if: { properties: { fact: { $ref?: string; const?: string } } }; then: { propertyNames: { enum: string[] } } }[] }; [k: string]: unknown };
};

describe('the facts catalogue', () => {
  const catalogue = factCatalogue(directory, rules, ['DE', 'FR']);
  const fact = (name: string) => catalogue.facts.find((f) => f.name === name)!;

  it('names every fact of the engine, once', () => {
    expect(catalogue.facts.map((f) => f.name)).toEqual([...FACT_NAMES]);
  });

  it('offers each fact the operators the schema allows it, no other', () => {
    const defs = schema.$defs as Record<string, { enum?: string[] }>;
    for (const branch of schema.$defs.factCondition.allOf) {
      const ref = branch.if.properties.fact.$ref;
      const names = ref ? defs[ref.split('/').pop()!]!.enum! : [branch.if.properties.fact.const!];
      const allowed = branch.then.propertyNames.enum.filter((k) => k !== 'fact').sort();
      for (const name of names) expect([name, [...fact(name).operators].sort()]).toEqual([name, allowed]);
    }
  });

  const rows: { name: string; source: string; values?: string[]; personal?: boolean }[] = [
    { name: 'sector', source: 'list', values: ['AD', 'AW', 'FB', 'H', 'LA', 'M', 'P', 'R', 'S', 'UB'] },
    { name: 'senderCountry', source: 'list', values: ['DE', 'FR'] },
    { name: 'caseRoute', source: 'institutions' },
    { name: 'sedType', source: 'free' },
    { name: 'frenchPin', source: 'free', personal: true },
    { name: 'nirValid', source: 'none' },
    { name: 'person', source: 'none' },
  ];
  it.each(rows)('$name: values from $source', ({ name, source, values, personal }) => {
    expect(fact(name).valueSource).toBe(source);
    if (values) expect(fact(name).values).toEqual(values);
    expect(fact(name).personal).toBe(personal ?? false);
  });

  it('takes the départements, networks and triage reasons from the configuration in force', () => {
    expect(fact('residence.departement').values).toEqual(expect.arrayContaining(['01', '2A', '69', '974']));
    expect(fact('frenchRefs').values).toEqual(catalogue.networks);
    expect(catalogue.networks).toEqual(expect.arrayContaining(['MSA', 'PENSION_GENERAL']));
    expect(catalogue.triageReasons).toEqual(expect.arrayContaining(['NO_PERSON', 'AMBIGUOUS_TERRITORY', 'NO_RULE']));
    expect(catalogue.territoryFunds).toEqual(['pensionFund', 'sicknessFund', 'familyFund']);
  });
});
