/**
 * "What would change if this draft table were published?": replays envelopes in delivery order through the table
 * in force and through the draft, and counts the decisions that differ, by rule and by institution, with examples.
 * Each side goes through decideForCase with its own case states, as production would have decided them (a case's
 * route carries its later SEDs, a case in triage holds them), with no operator intervening.
 */
import type { CaseRecord } from '../cases/case-store';
import type { Envelope } from '../intake/envelope';
import { decideForCase, type DecideConfig } from './decide-for-case';
import type { Directory } from '../routing/directory';
import type { Decision } from '../routing/evaluate';
import type { RuleTable } from '../routing/rule-table';

export interface DraftChange {
  envelopeId: string;
  caseId: string;
  bucType: string;
  before: Pick<Decision, 'outcome' | 'institutionId' | 'reason' | 'ruleId'>;
  after: Pick<Decision, 'outcome' | 'institutionId' | 'reason' | 'ruleId'>;
}

export interface DraftReport {
  envelopes: number;
  changed: number;
  automaticBefore: number;
  automaticAfter: number;
  /** Share of the envelopes forwarded automatically (0–1, three decimals) under the table in force and the draft. */
  automaticShareBefore: number;
  automaticShareAfter: number;
  /** Per deciding rule: how many decisions it made before and after. */
  byRule: Array<{ ruleId: string; before: number; after: number }>;
  /** Per target (institution id, or "triage:<reason>"): decisions before and after. */
  byTarget: Array<{ target: string; before: number; after: number }>;
  examples: DraftChange[];
}

const target = (d: Decision) => (d.outcome === 'forward' ? String(d.institutionId) : `triage:${d.reason}`);
const brief = (d: Decision) => ({ outcome: d.outcome, institutionId: d.institutionId, reason: d.reason, ruleId: d.ruleId });

type Tally = Map<string, { before: number; after: number }>;

function bump(m: Tally, k: string, side: 'before' | 'after'): void {
  const v = m.get(k) ?? { before: 0, after: 0 };
  v[side] += 1;
  m.set(k, v);
}

/** One side of the comparison: a table deciding with its own case states, as production would have. */
function sideOf(ruleTable: RuleTable, directory: Directory): (e: Envelope) => Decision {
  const cfg: DecideConfig = { ruleTable, directory, ruleSetVersion: null, directoryVersion: null };
  const cases = new Map<string, CaseRecord>();
  return (e: Envelope): Decision => {
    const step = decideForCase(cases.get(e.caseId), e, cfg, new Date(e.legalDeliveryAt), () => 'draft');
    cases.set(e.caseId, step.caseAfter);
    return step.decision;
  };
}

/**
 * The comparison fed envelope by envelope (in delivery order), so that the stored envelopes can be read page by page
 * instead of all at once; `report()` at the end. Holds one case state per case and side, never the envelopes.
 */
export class DraftComparison {
  private readonly rules: Tally = new Map();
  private readonly targets: Tally = new Map();
  private readonly decideBefore: (e: Envelope) => Decision;
  private readonly decideAfter: (e: Envelope) => Decision;
  private readonly tally: DraftReport = { envelopes: 0, changed: 0, automaticBefore: 0, automaticAfter: 0, automaticShareBefore: 0, automaticShareAfter: 0, byRule: [], byTarget: [], examples: [] };

  constructor(current: RuleTable, draft: RuleTable, directory: Directory, private readonly maxExamples = 20) {
    this.decideBefore = sideOf(current, directory);
    this.decideAfter = sideOf(draft, directory);
  }

  add(e: Envelope): void {
    const report = this.tally;
    report.envelopes += 1;
    const before = this.decideBefore(e);
    const after = this.decideAfter(e);
    bump(this.rules, before.ruleId ?? '(none)', 'before');
    bump(this.rules, after.ruleId ?? '(none)', 'after');
    bump(this.targets, target(before), 'before');
    bump(this.targets, target(after), 'after');
    if (before.outcome === 'forward') report.automaticBefore += 1;
    if (after.outcome === 'forward') report.automaticAfter += 1;
    if (target(before) !== target(after) || before.ruleId !== after.ruleId) {
      report.changed += 1;
      if (report.examples.length < this.maxExamples) {
        report.examples.push({ envelopeId: e.envelopeId, caseId: e.caseId, bucType: e.bucType, before: brief(before), after: brief(after) });
      }
    }
  }

  report(): DraftReport {
    const report = { ...this.tally, examples: [...this.tally.examples] };
    const sorted = (m: Tally) =>
      [...m.entries()].map(([k, v]) => ({ k, ...v })).filter((r) => r.before !== r.after).sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
    const share = (n: number) => (report.envelopes === 0 ? 0 : Math.round((n / report.envelopes) * 1000) / 1000);
    report.automaticShareBefore = share(report.automaticBefore);
    report.automaticShareAfter = share(report.automaticAfter);
    report.byRule = sorted(this.rules).map(({ k, before, after }) => ({ ruleId: k, before, after }));
    report.byTarget = sorted(this.targets).map(({ k, before, after }) => ({ target: k, before, after }));
    return report;
  }
}

/** The whole comparison over envelopes at hand (the command-line tool; the HTTP route runs DraftComparison in a worker). */
export function compareTables(
  envelopes: Iterable<Envelope>, current: RuleTable, draft: RuleTable, directory: Directory, maxExamples = 20,
): DraftReport {
  const comparison = new DraftComparison(current, draft, directory, maxExamples);
  for (const e of envelopes) comparison.add(e);
  return comparison.report();
}
