/**
 * Rule induction from decisions: sequential covering in the manner of CN2 and RIPPER, over the non-personal
 * selectors of selectors.ts. Pure, deterministic, no I/O.
 *
 * The rules form a decision list. Repeatedly, the most general rule that qualifies is found among the examples
 * not yet covered: a beam search per institution (CN2), general to specific, one condition per level, beams ranked
 * by Laplace accuracy (p + 1) / (p + n + 2); the first level where some rule qualifies wins, the rule with the
 * most agreeing decisions first. A rule qualifies when it covers at least `minSupport` decisions for its
 * institution not covered by an earlier rule, agrees with at least `minAgreement` of all the decisions it covers,
 * and the institution serves the sector of every case it covers. It is then pruned (RIPPER): a condition whose
 * removal keeps the rule qualified goes. The decisions it agrees with are marked covered and the search starts
 * again, until no rule qualifies.
 *
 * The rules are an unordered set (CN2's unordered mode): each one's agreement is judged on every decision it
 * covers, not only on those earlier rules left, so a supervisor may publish any of them alone.
 */
import { ATTRIBUTES, attributeValue, compatible, selectorsFor, type Attribute, type ExampleFacts, type Selector } from './selectors';

export interface Example {
  caseId: string;
  institutionId: string;
  decidedAt: Date;
  facts: ExampleFacts;
}

export interface InductionSettings {
  minSupport: number;
  /** 0–1. */
  minAgreement: number;
  /** Whether a case of this sector may go to the institution (sector-networks.ts). */
  allowed(institutionId: string, sector: string | null): boolean;
  maxConditions?: number;
  beamWidth?: number;
}

export interface LeftOut {
  attribute: Attribute;
  /** The values seen among the agreeing decisions, most frequent first (at most 6). */
  values: Array<{ value: string; decisions: number }>;
}

export interface InducedRule {
  institutionId: string;
  selectors: Selector[];
  covered: Example[];
  agreeing: Example[];
  counterExamples: Example[];
  /** Facts that varied among the agreeing decisions without changing the choice. */
  leftOut: LeftOut[];
  /** The sectors of the agreeing decisions. */
  sectors: string[];
}

interface Scored {
  selectors: Selector[];
  covered: number[];
  p: number;
}

const laplace = (p: number, n: number) => (p + 1) / (p + n + 2);

class Search {
  private readonly bySelector = new Map<string, Uint8Array>();

  constructor(
    private readonly examples: readonly Example[], private readonly selectors: readonly Selector[],
    private readonly s: InductionSettings, private readonly open: Uint8Array,
  ) {
    for (const sel of selectors) this.bySelector.set(sel.key, Uint8Array.from(examples, (e) => (sel.holds(e.facts) ? 1 : 0)));
  }

  covered(selectors: readonly Selector[], from: readonly number[] = this.examples.map((_e, i) => i)): number[] {
    const masks = selectors.map((sel) => this.bySelector.get(sel.key) as Uint8Array);
    return from.filter((i) => masks.every((m) => m[i] === 1));
  }

  qualifies(institutionId: string, covered: readonly number[]): boolean {
    const p = covered.filter((i) => this.examples[i].institutionId === institutionId).length;
    if (this.count(institutionId, covered) < this.s.minSupport || p / covered.length < this.s.minAgreement) return false;
    return covered.every((i) => this.s.allowed(institutionId, this.examples[i].facts.sector));
  }

  /** Agreeing decisions not covered by an earlier rule. */
  count(institutionId: string, covered: readonly number[]): number {
    return covered.filter((i) => this.open[i] === 1 && this.examples[i].institutionId === institutionId).length;
  }

  /** One level of the beam for one institution: every compatible one-condition specialisation, best first. */
  private specialise(institutionId: string, beam: readonly Scored[]): Scored[] {
    const seen = new Set<string>();
    const next: Scored[] = [];
    for (const rule of beam) {
      for (const sel of this.selectors) {
        if (!compatible(sel, rule.selectors)) continue;
        const selectors = [...rule.selectors, sel];
        const key = selectors.map((x) => x.key).sort().join('&');
        if (seen.has(key)) continue;
        seen.add(key);
        const covered = this.covered([sel], rule.covered);
        const p = this.count(institutionId, covered);
        if (p >= this.s.minSupport && covered.length < rule.covered.length) next.push({ selectors, covered, p });
      }
    }
    return next.sort((a, b) => laplace(b.p, b.covered.length - b.p) - laplace(a.p, a.covered.length - a.p) || b.p - a.p);
  }

  /** The most general qualifying rule (and its institution), or null. */
  best(): { institutionId: string; rule: Scored } | null {
    const counts = new Map<string, number>();
    this.examples.forEach((e, i) => { if (this.open[i] === 1) counts.set(e.institutionId, (counts.get(e.institutionId) ?? 0) + 1); });
    const classes = [...counts].filter(([, n]) => n >= this.s.minSupport).map(([id]) => id).sort();
    const all = this.examples.map((_e, i) => i);
    const beams = new Map(classes.map((c) => [c, [{ selectors: [] as Selector[], covered: all, p: counts.get(c) ?? 0 }]]));
    for (let depth = 0; depth <= (this.s.maxConditions ?? 4); depth += 1) {
      let found: { institutionId: string; rule: Scored } | null = null;
      for (const c of classes) {
        const beam = beams.get(c) as Scored[];
        for (const rule of beam) {
          if (!this.qualifies(c, rule.covered)) continue;
          const better = found === null || rule.p > found.rule.p || (rule.p === found.rule.p && rule.covered.length < found.rule.covered.length);
          if (better) found = { institutionId: c, rule };
        }
      }
      if (found) return found;
      for (const c of classes) beams.set(c, this.specialise(c, beams.get(c) as Scored[]).slice(0, this.s.beamWidth ?? 6));
    }
    return null;
  }

  /** RIPPER-style pruning towards generality: drop any condition the rule still qualifies without. */
  prune(institutionId: string, rule: Scored): Scored {
    let current = rule;
    for (let changed = true; changed && current.selectors.length > 0;) {
      changed = false;
      for (const sel of current.selectors) {
        const selectors = current.selectors.filter((x) => x !== sel);
        const covered = this.covered(selectors);
        if (this.qualifies(institutionId, covered)) {
          current = { selectors, covered, p: this.count(institutionId, covered) };
          changed = true;
          break;
        }
      }
    }
    return current;
  }
}

function leftOutOf(selectors: readonly Selector[], agreeing: readonly Example[]): LeftOut[] {
  const used = new Set(selectors.map((s) => s.attribute));
  const out: LeftOut[] = [];
  for (const attribute of ATTRIBUTES) {
    if (used.has(attribute)) continue;
    const tally = new Map<string, number>();
    for (const e of agreeing) {
      const v = attributeValue(attribute, e.facts);
      tally.set(v, (tally.get(v) ?? 0) + 1);
    }
    if (tally.size < 2) continue;
    const values = [...tally].map(([value, decisions]) => ({ value, decisions })).sort((a, b) => b.decisions - a.decisions || (a.value < b.value ? -1 : 1));
    out.push({ attribute, values: values.slice(0, 6) });
  }
  return out;
}

/** The rules learned from the examples, in the order found (the most general, most supported first). */
export function induceRules(examples: readonly Example[], settings: InductionSettings): InducedRule[] {
  const sorted = [...examples].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  const open = new Uint8Array(sorted.length).fill(1);
  const search = new Search(sorted, selectorsFor(sorted.map((e) => e.facts)), settings, open);
  const out: InducedRule[] = [];
  for (;;) {
    const found = search.best();
    if (found === null) break;
    const rule = search.prune(found.institutionId, found.rule);
    const covered = rule.covered.map((i) => sorted[i]);
    const agreeing = covered.filter((e) => e.institutionId === found.institutionId);
    out.push({
      institutionId: found.institutionId,
      selectors: rule.selectors,
      covered,
      agreeing,
      counterExamples: covered.filter((e) => e.institutionId !== found.institutionId),
      leftOut: leftOutOf(rule.selectors, agreeing),
      sectors: [...new Set(covered.map((e) => e.facts.sector ?? ''))].sort(),
    });
    for (const i of rule.covered) if (sorted[i].institutionId === found.institutionId) open[i] = 0;
  }
  return out;
}
