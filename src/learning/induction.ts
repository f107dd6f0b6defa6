/**
 * Rule induction from decisions: sequential covering in the manner of CN2 and RIPPER, over the non-personal
 * selectors of selectors.ts. Pure, deterministic, no I/O.
 *
 * Repeatedly, the rule that qualifies and takes the most decisions not yet covered is found: a beam search per
 * institution (CN2), general to specific, one condition per level, beams ranked by Laplace accuracy
 * (p + 1) / (p + n + 2); a rule that qualifies is not specialised further, and of equal takes the one with fewer
 * conditions wins. A rule qualifies when it covers at least `minSupport` decisions for its
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

  /**
   * The qualifying rule that takes the most decisions not yet covered (ties: fewer conditions, then fewer
   * decisions against it), and its institution; null when none qualifies.
   */
  best(): { institutionId: string; rule: Scored } | null {
    const counts = new Map<string, number>();
    this.examples.forEach((e, i) => { if (this.open[i] === 1) counts.set(e.institutionId, (counts.get(e.institutionId) ?? 0) + 1); });
    const classes = [...counts].filter(([, n]) => n >= this.s.minSupport).map(([id]) => id).sort();
    const all = this.examples.map((_e, i) => i);
    let found: { institutionId: string; rule: Scored } | null = null;
    // A rule without a sector condition gets one (learned-rule.ts): count it.
    const size = (r: Scored) => r.selectors.length + (r.selectors.some((x) => x.attribute === 'sector') ? 0 : 1);
    const better = (a: Scored, b: Scored) => a.p > b.p || (a.p === b.p && (size(a) < size(b) || (size(a) === size(b) && a.covered.length < b.covered.length)));
    for (const c of classes) {
      let beam: Scored[] = [{ selectors: [], covered: all, p: counts.get(c) ?? 0 }];
      for (let depth = 0; depth <= (this.s.maxConditions ?? 4) && beam.length > 0; depth += 1) {
        for (const rule of beam) {
          if (this.qualifies(c, rule.covered) && (found === null || better(rule, found.rule))) found = { institutionId: c, rule };
        }
        // A rule that qualifies is not specialised further: its specialisations take no more.
        beam = this.specialise(c, beam.filter((r) => !this.qualifies(c, r.covered))).slice(0, this.s.beamWidth ?? 6);
      }
    }
    return found;
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
  // A learned rule always names its sectors (a selector, or the guard learned-rule.ts adds).
  const used = new Set<Attribute>(['sector', ...selectors.map((s) => s.attribute)]);
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

/**
 * Rules that forward to the same institution with the same conditions but for the sector become one rule for
 * those sectors (each qualified on its own, so together they do too): fewer rules for a supervisor to read.
 */
export function mergeBySector(rules: readonly InducedRule[]): InducedRule[] {
  const groups = new Map<string, InducedRule[]>();
  for (const r of rules) {
    const key = `${r.institutionId}|${r.selectors.filter((x) => x.attribute !== 'sector').map((x) => x.key).sort().join('&')}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    if (g.length === 1) return g[0];
    const selectors = g[0].selectors.filter((x) => x.attribute !== 'sector');
    const agreeing = g.flatMap((r) => r.agreeing);
    return {
      institutionId: g[0].institutionId, selectors, agreeing,
      covered: g.flatMap((r) => r.covered),
      counterExamples: g.flatMap((r) => r.counterExamples),
      leftOut: leftOutOf(selectors, agreeing),
      sectors: [...new Set(g.flatMap((r) => r.sectors))].sort(),
    };
  });
}
