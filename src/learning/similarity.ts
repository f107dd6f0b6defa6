/**
 * What "similar" means for suggestions, in levels from the strictest to the loosest. A past case counts only if
 * an operator decided it and it is still with the institution chosen (a bounced or re-assigned decision does not
 * teach). The first suggestions come from the same person's earlier cases of the same sector (matched on the
 * keyed hash of the French PIN); then, level by level, from cases sharing:
 *
 * 1. BUC type, sending country, residence (département in France, else country) and reference networks;
 * 2. BUC type, residence and reference networks;
 * 3. BUC type and residence;
 * 4. sector and residence.
 *
 * Within a level, institutions are ranked by how many similar cases went to them (each with the Wilson lower
 * bound of its share and a confidence word, so that 1 of 1 does not read like 7 of 8); an institution already
 * suggested at a stricter level is not repeated. Institutions not valid at the case's legal receipt time are
 * left out (the operator could not forward there anyway).
 */
import { residenceWords, type CaseFeatures } from './features';

export type SimilarityField = 'bucType' | 'sector' | 'senderCountry' | 'residence' | 'refNetworks' | 'pinHash';

export interface SimilarityLevel {
  name: string;
  fields: SimilarityField[];
}

export const PERSON_LEVEL: SimilarityLevel = { name: 'same-person', fields: ['sector', 'pinHash'] };

export const SIMILARITY_LEVELS: readonly SimilarityLevel[] = [
  { name: 'buc-sender-residence-networks', fields: ['bucType', 'senderCountry', 'residence', 'refNetworks'] },
  { name: 'buc-residence-networks', fields: ['bucType', 'residence', 'refNetworks'] },
  { name: 'buc-residence', fields: ['bucType', 'residence'] },
  { name: 'sector-residence', fields: ['sector', 'residence'] },
];

export const MAX_SUGGESTIONS = 5;

export interface Suggestion {
  institutionId: string;
  similarCases: number;
  ofSimilar: number;
  /** What made the cases similar, in words. */
  basis: string;
  /** The same, as the feature names compared (for the console). */
  matchedOn: SimilarityField[];
  level: string;
  /** The institution's name in the directory in force (the console never shows a bare id). */
  institutionName: string | null;
  /**
   * The Wilson score lower bound (95 %) of the share similarCases / ofSimilar: 1 of 1 weighs 0.21, 7 of 8 0.53,
   * 20 of 20 0.84. Small samples say little; this is what `confidence` is read from.
   */
  lowerBound: number;
  /** `strong` (lowerBound ≥ 0.6), `moderate` (≥ 0.3) or `weak`: the word the console shows beside the counts. */
  confidence: 'strong' | 'moderate' | 'weak';
  /** The values compared, by feature name (for a translated basis; `basis` stays the English sentence). */
  basisParams: Record<string, string>;
}

/** Wilson score interval lower bound of k successes in n trials, z = 1.96. */
export function wilsonLowerBound(k: number, n: number, z = 1.96): number {
  if (n <= 0) return 0;
  const p = k / n;
  const z2 = z * z;
  const lower = (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
  return Math.round(Math.max(0, lower) * 1000) / 1000;
}

function confidenceOf(lowerBound: number): Suggestion['confidence'] {
  return lowerBound >= 0.6 ? 'strong' : lowerBound >= 0.3 ? 'moderate' : 'weak';
}

function basisParams(level: SimilarityLevel, f: CaseFeatures): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of level.fields) {
    if (field === 'pinHash') continue;
    out[field] = field === 'refNetworks' ? f.refNetworks.join(', ') : (f[field] ?? '');
  }
  if (level === PERSON_LEVEL) out.sector = f.sector ?? '';
  return out;
}

function fieldWords(field: SimilarityField, f: CaseFeatures): string {
  switch (field) {
    case 'bucType': return `BUC type ${f.bucType}`;
    case 'sector': return `sector ${f.sector}`;
    case 'senderCountry': return `sending country ${f.senderCountry}`;
    case 'residence': return residenceWords(f.residence);
    case 'refNetworks': return f.refNetworks.length ? `French references in ${f.refNetworks.join(', ')}` : 'no French reference';
    case 'pinHash': return 'the same person (French PIN)';
    default: return field;
  }
}

export function basisWords(level: SimilarityLevel, f: CaseFeatures): string {
  if (level === PERSON_LEVEL) return `earlier cases of the same person (French PIN) in sector ${f.sector}`;
  return `same ${level.fields.map((x) => fieldWords(x, f)).join(', ')}`;
}

export interface LevelCounts {
  level: SimilarityLevel;
  /** Institutions the similar cases went to, with how many. */
  counts: Array<{ institutionId: string; cases: number }>;
}

/** The suggestions, best first, from the counts of each level (person level first). */
export function rankSuggestions(levels: LevelCounts[], f: CaseFeatures, usable: (institutionId: string) => boolean, max = MAX_SUGGESTIONS,
  nameOf: (institutionId: string) => string | null = () => null): Suggestion[] {
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  for (const { level, counts } of levels) {
    const ofSimilar = counts.reduce((n, c) => n + c.cases, 0);
    const ranked = [...counts].sort((a, b) => b.cases - a.cases || (a.institutionId < b.institutionId ? -1 : 1));
    for (const c of ranked) {
      if (out.length >= max) return out;
      if (seen.has(c.institutionId) || !usable(c.institutionId)) continue;
      seen.add(c.institutionId);
      const lowerBound = wilsonLowerBound(c.cases, ofSimilar);
      out.push({
        institutionId: c.institutionId, similarCases: c.cases, ofSimilar, basis: basisWords(level, f), matchedOn: level.fields, level: level.name,
        institutionName: nameOf(c.institutionId), lowerBound, confidence: confidenceOf(lowerBound), basisParams: basisParams(level, f),
      });
    }
  }
  return out;
}
