/** The rule table as data: the shipped default is valid, and operator mistakes are named in plain words. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FACT_NAMES, loadRuleTable, OPERATORS, validateRuleTable, type RuleTable } from '../../src/routing/rule-table';
import { isAppError } from '../../src/shared/errors';
import { CONFIG_DIR, defaultConfig } from './helpers';

const { directory } = defaultConfig();
const shipped = (): RuleTable => JSON.parse(readFileSync(path.join(CONFIG_DIR, 'rules.json'), 'utf8')) as RuleTable;
const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../schemas/rule-table.schema.json'), 'utf8')) as {
  $defs: { factName: { enum: string[] }; factCondition: { properties: Record<string, unknown> } };
};

/** A one-rule table whose rule is `rule` merged over a valid one. */
const table = (rule: Record<string, unknown>, extra: Record<string, unknown>[] = []): unknown => ({
  rules: [{ id: 'R1', when: [{ fact: 'sector', equals: 'P' }], then: { triage: { reason: 'X' } }, ...rule }, ...extra],
});

describe('the shipped rule table', () => {
  it('is valid against the schema and the directory', () => {
    expect(validateRuleTable(shipped(), directory)).toEqual({ valid: true, errors: [] });
  });

  it('follows the docs/routing.md order', () => {
    expect(shipped().rules.map((r) => r.id)).toEqual([
      'AFFINITY', 'GATE-NO-PERSON', 'GATE-NIR', 'LA-URSSAF', 'UB-FRANCE-TRAVAIL', 'R-CNAV-RECOVERY', 'R-REFERENCED',
      'FB-MSA-CORSE', 'FB-REFERENCED', 'FB-RESIDENCE', 'P-SPECIAL-SCHEME', 'P-INVALIDITY-RESIDENCE', 'P-RESIDENCE',
      'P-BENELUX-HUB', 'P-REFERENCED', 'SA-SPECIAL-SCHEME', 'SA-MULTI-CPAM', 'SA-RESIDENCE', 'SA-REFERENCED',
      'ANY-REFERENCED', 'ANY-AMBIGUOUS', 'FALLBACK',
    ]);
    expect(shipped().rules.filter((r) => r.validFrom).map((r) => [r.id, r.validFrom])).toEqual([
      ['UB-FRANCE-TRAVAIL', '2018-12-01'], ['R-CNAV-RECOVERY', '2024-10-01'], ['FB-MSA-CORSE', '2024-06-03'], ['P-BENELUX-HUB', '2018-01-01'],
    ]);
  });

  it('names the same facts and operators as the code (no drift between schema and evaluator)', () => {
    expect([...schema.$defs.factName.enum].sort()).toEqual([...FACT_NAMES].sort());
    expect(Object.keys(schema.$defs.factCondition.properties).filter((k) => k !== 'fact').sort()).toEqual([...OPERATORS].sort());
  });

  it('loads as a frozen copy', () => {
    const loaded = loadRuleTable(shipped(), directory);
    expect(Object.isFrozen(loaded.rules[0].when)).toBe(true);
  });
});

describe('operator mistakes', () => {
  const rows: { name: string; json: unknown; path: string; message: RegExp; code: string }[] = [
    { name: 'unknown fact', json: table({ when: [{ fact: 'sektor', equals: 'P' }] }), path: '/rules/0/when/0/fact', message: /unknown fact "sektor"; known facts: bucType, sector/, code: 'RULE_UNKNOWN_FACT' },
    { name: 'unknown operator', json: table({ when: [{ fact: 'sector', contains: 'P' }] }), path: '/rules/0/when/0', message: /unknown operator "contains"; operators: equals, in/, code: 'RULE_UNKNOWN_OPERATOR' },
    { name: 'operator that does not apply to the fact', json: table({ when: [{ fact: 'sector', anyInNetworks: ['MSA'] }] }), path: '/rules/0/when/0', message: /operator "anyInNetworks" does not apply to fact "sector"/, code: 'RULE_OPERATOR_NOT_FOR_FACT' },
    { name: 'list operator on frenchRefs misused', json: table({ when: [{ fact: 'frenchRefs', equals: 'FR:CPAM075' }] }), path: '/rules/0/when/0', message: /operator "equals" does not apply to fact "frenchRefs"/, code: 'RULE_OPERATOR_NOT_FOR_FACT' },
    { name: 'two operators in one condition', json: table({ when: [{ fact: 'sector', equals: 'P', in: ['S'] }] }), path: '/rules/0/when/0', message: /exactly one operator/, code: 'RULE_CONDITION_SHAPE' },
    { name: 'condition without operator', json: table({ when: [{ fact: 'sector' }] }), path: '/rules/0/when/0', message: /exactly one operator/, code: 'RULE_CONDITION_SHAPE' },
    { name: 'boolean compared with a text', json: table({ when: [{ fact: 'nirValid', equals: 'false' }] }), path: '/rules/0/when/0/equals', message: /must be true or false, got "false"/, code: 'RULE_WRONG_TYPE' },
    { name: 'unknown fact inside anyOf', json: table({ when: [{ anyOf: [{ fact: 'person', exists: false }, { fact: 'birth', exists: false }] }] }), path: '/rules/0/when/0/anyOf/1/fact', message: /unknown fact "birth"/, code: 'RULE_UNKNOWN_FACT' },
    { name: 'impossible date', json: table({ validFrom: '2024-02-30' }), path: '/rules/0/validFrom', message: /"2024-02-30" is not a calendar date/, code: 'RULE_NOT_A_DATE' },
    { name: 'rule id with spaces', json: table({ id: 'my rule' }), path: '/rules/0/id', message: /not a rule id/, code: 'RULE_BAD_ID' },
    { name: 'unknown rule field', json: table({ since: '2024-01-01' }), path: '/rules/0', message: /unknown field "since"/, code: 'RULE_UNKNOWN_FIELD' },
    { name: 'both forward and triage', json: table({ then: { forward: { institutionId: 'FR:CPAM075' }, triage: { reason: 'X' } } }), path: '/rules/0/then', message: /exactly one of forward or triage/, code: 'RULE_TARGET_SHAPE' },
    { name: 'unknown forward target', json: table({ then: { forward: { fund: 'pensionFund' } } }), path: '/rules/0/then/forward', message: /unknown forward target "fund"/, code: 'RULE_UNKNOWN_FORWARD' },
    { name: 'unknown territory fund', json: table({ then: { forward: { territoryFund: 'healthFund' } } }), path: '/rules/0/then/forward/territoryFund', message: /"healthFund" is not one of "pensionFund", "sicknessFund", "familyFund"/, code: 'RULE_VALUE_NOT_ALLOWED' },
    { name: 'foreign institution as target', json: table({ then: { forward: { institutionId: 'DE:DRV0000001' } } }), path: '/rules/0/then/forward/institutionId', message: /does not have the expected form/, code: 'RULE_BAD_FORM' },
    { name: 'empty list of values', json: table({ when: [{ fact: 'senderCountry', in: [] }] }), path: '/rules/0/when/0/in', message: /needs at least 1 item/, code: 'RULE_TOO_FEW_ITEMS' },
    { name: 'missing then', json: { rules: [{ id: 'R1', when: [] }] }, path: '/rules/0', message: /missing "then"/, code: 'RULE_MISSING' },
    { name: 'no rules at all', json: {}, path: '/', message: /missing "rules"/, code: 'RULE_MISSING' },
    { name: 'duplicate rule id', json: table({}, [{ id: 'R1', when: [], then: { triage: { reason: 'X' } } }]), path: '/rules/1/id', message: /"R1" is already used by \/rules\/0/, code: 'RULE_ID_TAKEN' },
    { name: 'dates in the wrong order', json: table({ validFrom: '2025-01-01', validTo: '2024-01-01' }), path: '/rules/0/validTo', message: /ends \(2024-01-01\) before it starts \(2025-01-01\)/, code: 'RULE_DATES_REVERSED' },
    { name: 'count that can never hold', json: table({ when: [{ fact: 'frenchRefs', count: { min: 3, max: 1 } }] }), path: '/rules/0/when/0/count', message: /can never hold/, code: 'RULE_COUNT_NEVER_HOLDS' },
    { name: 'target not in the directory', json: table({ then: { forward: { institutionId: 'FR:NOPE0001' } } }), path: '/rules/0/then/forward/institutionId', message: /FR:NOPE0001 is not in the institution directory/, code: 'RULE_UNKNOWN_INSTITUTION' },
    { name: 'network no institution belongs to', json: table({ when: [{ fact: 'frenchRefs', anyInNetworks: ['MSA_X'] }] }), path: '/rules/0/when/0', message: /no institution of the directory is in network "MSA_X"/, code: 'RULE_UNKNOWN_NETWORK' },
  ];

  it.each(rows)('$name → $path ($code)', ({ json, path: where, message, code }) => {
    const check = validateRuleTable(json, directory);
    expect(check.valid).toBe(false);
    // The English sentence for machines, and a stable code with its parameters for the console's own words (#20).
    expect(check.errors).toEqual(expect.arrayContaining([{ path: where, message: expect.stringMatching(message), code, params: expect.any(Object) }]));
  });

  it('gives each problem the values its sentence names', () => {
    const check = validateRuleTable(table({ validFrom: '2025-01-01', validTo: '2024-01-01', then: { forward: { institutionId: 'FR:NOPE0001' } } }), directory);
    expect(check.errors).toEqual([
      { path: '/rules/0/validTo', code: 'RULE_DATES_REVERSED', params: { from: '2025-01-01', to: '2024-01-01' }, message: expect.any(String) },
      { path: '/rules/0/then/forward/institutionId', code: 'RULE_UNKNOWN_INSTITUTION', params: { institutionId: 'FR:NOPE0001' }, message: expect.any(String) },
    ]);
    const unknownFact = validateRuleTable(table({ when: [{ fact: 'sektor', equals: 'P' }] }), directory);
    expect(unknownFact.errors).toEqual([expect.objectContaining({ code: 'RULE_UNKNOWN_FACT', params: { value: '"sektor"' } })]);
  });

  it('throws RTE_RULESET_INVALID with every problem from loadRuleTable', () => {
    try {
      loadRuleTable(table({ id: 'bad id', validFrom: 'soon' }), directory);
      throw new Error('accepted');
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('RTE_RULESET_INVALID');
      expect(isAppError(e) && e.details.map((d) => d.path).sort()).toEqual(['/rules/0/id', '/rules/0/validFrom']);
    }
  });
});
