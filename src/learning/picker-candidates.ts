/**
 * What the institution picker opens on for a case in triage (issue #20), before the operator types anything: the
 * SED's French references, the institutions of the sector's networks competent for the département of residence
 * (all the CPAMs of a département with several, e.g. 59), and the suggestions, each once, with its name and why.
 * Only institutions valid at the case's legal receipt. Pure: the facts, the directory and the suggestions in.
 */
import type { Directory } from '../routing/directory';
import { isForwardTarget } from '../routing/forward-target';
import type { RoutingFacts } from '../routing/facts';
import type { Suggestion } from './similarity';

export type CandidateWhy = 'reference' | 'residence' | 'suggestion';

export interface PickerCandidate {
  institutionId: string;
  name: string;
  acronym: string;
  /** Every reason it is offered, strongest first. */
  why: CandidateWhy[];
  /** The département of residence, for `residence`. */
  departement?: string;
  /** For `suggestion`: the counts and the confidence word of the suggestion. */
  suggestion?: Pick<Suggestion, 'similarCases' | 'ofSimilar' | 'confidence' | 'lowerBound'>;
}

/** The networks a sector's case is usually competent in (others: any network covering the département). */
const SECTOR_NETWORKS: Record<string, string[]> = {
  S: ['SICKNESS_GENERAL'], AW: ['SICKNESS_GENERAL'], P: ['PENSION_GENERAL'], FB: ['FAMILY_GENERAL'],
};

const MAX_RESIDENCE_CANDIDATES = 8;

export function pickerCandidates(facts: RoutingFacts, directory: Directory, suggestions: Suggestion[], at: string): PickerCandidate[] {
  const out = new Map<string, PickerCandidate>();
  const add = (id: string, why: CandidateWhy, extra: Partial<PickerCandidate> = {}) => {
    const row = directory.institution(id);
    if (!row || !isForwardTarget(directory, id, at)) return;
    const c = out.get(id) ?? { institutionId: id, name: row.name, acronym: row.acronym, why: [] };
    if (!c.why.includes(why)) c.why.push(why);
    out.set(id, { ...c, ...extra, why: c.why });
  };
  for (const r of facts.frenchRefs) add(r.institutionId, 'reference');
  const departement = facts.residence?.departement ?? null;
  if (departement) {
    const networks = SECTOR_NETWORKS[facts.sector ?? ''];
    const covering = directory.institutions
      .filter((i) => i.departements.includes(departement) && (!networks || i.networks.some((n) => networks.includes(n))))
      .slice(0, MAX_RESIDENCE_CANDIDATES);
    for (const i of covering) add(i.id, 'residence', { departement });
  }
  for (const s of suggestions) {
    add(s.institutionId, 'suggestion', { suggestion: { similarCases: s.similarCases, ofSimilar: s.ofSimilar, confidence: s.confidence, lowerBound: s.lowerBound } });
  }
  return [...out.values()];
}
