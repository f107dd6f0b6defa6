/** Suggestions weigh their sample (issue #20): "1 of 1" is not "7 of 8" (Wilson score lower bound, 95 %). */
import { rankSuggestions, SIMILARITY_LEVELS, wilsonLowerBound } from '../../src/learning/similarity';

describe('suggestion weight', () => {
  it('gives small samples a low lower bound', () => {
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.207, 3);
    expect(wilsonLowerBound(7, 8)).toBeCloseTo(0.529, 2);
    expect(wilsonLowerBound(20, 20)).toBeGreaterThan(0.8);
    expect(wilsonLowerBound(0, 5)).toBe(0);
    expect(wilsonLowerBound(0, 0)).toBe(0);
  });

  it('says weak for 1 of 1, moderate for 7 of 8, strong for 20 of 20, with the name and the compared values', () => {
    const f = { bucType: 'P_BUC_01', sector: 'P', senderCountry: 'DE', residence: 'dep:69', refNetworks: [], pinHash: null };
    const level = (institutionId: string, cases: number, others: number) => ({
      level: SIMILARITY_LEVELS[0], counts: [{ institutionId, cases }, ...(others ? [{ institutionId: 'FR:OTHER', cases: others }] : [])],
    });
    const names: Record<string, string> = { 'FR:A': 'Caisse A' };
    const one = rankSuggestions([level('FR:A', 1, 0)], f, () => true, 5, (id) => names[id] ?? null)[0];
    expect(one).toEqual(expect.objectContaining({ institutionId: 'FR:A', institutionName: 'Caisse A', similarCases: 1, ofSimilar: 1, confidence: 'weak' }));
    expect(one.basisParams).toEqual({ bucType: 'P_BUC_01', senderCountry: 'DE', residence: 'dep:69', refNetworks: '' });
    expect(rankSuggestions([level('FR:A', 7, 1)], f, () => true)[0].confidence).toBe('moderate');
    expect(rankSuggestions([level('FR:A', 20, 0)], f, () => true)[0].confidence).toBe('strong');
  });
});
