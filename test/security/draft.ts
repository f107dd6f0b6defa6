/** A large draft rule table for the security tests (issue #21): `rules` rules of `conditions` conditions each. */
export function largeDraft(rules = 3000, conditions = 30): { description: string; rules: unknown[] } {
  const holds = [
    { fact: 'senderCountry', equals: 'DE' }, { fact: 'bucType', in: ['P_BUC_01', 'P_BUC_02'] }, { fact: 'person', exists: true },
    { fact: 'residence.country', equals: 'FR' }, { fact: 'sector', notIn: ['X', 'Y'] }, { fact: 'residence', known: true },
  ];
  return {
    description: `large draft: ${rules} rules x ${conditions} conditions`,
    rules: Array.from({ length: rules }, (_, i) => ({
      id: `DRAFT-${i + 1}`,
      description: `draft rule number ${i + 1} of a large table`,
      // All but the last condition hold for the test envelopes: every rule is evaluated to its end.
      when: [...Array.from({ length: conditions - 1 }, (_, c) => holds[c % holds.length]), { fact: 'sedType', equals: `X${i}` }],
      then: { triage: { reason: 'DRAFT_NO_MATCH' } },
    })),
  };
}
