/**
 * 10,000 generated envelopes in the 2024 annex-2 proportions route without a single crash; the share routed
 * automatically is printed and must stay in a plausible band. Every decision agrees with its own trace.
 */
import path from 'node:path';
import type { Envelope } from '../../src/intake/envelope';
import { loadRoutingConfig } from '../../src/routing/config-files';
import type { Decision } from '../../src/routing/evaluate';
import { routeTraffic } from '../../src/simulation/route-traffic';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';

const CONFIG_DIR = path.resolve(__dirname, '../../config');
const { directory, ruleTable } = loadRoutingConfig(CONFIG_DIR);

function disagreement(d: Decision): string | null {
  const last = d.trace[d.trace.length - 1];
  if (d.ruleId === null) return d.trace.some((s) => s.matched) ? 'no rule id but a matched step' : null;
  if (!last?.matched || last.ruleId !== d.ruleId) return 'deciding step is not the last one';
  if (d.trace.slice(0, -1).some((s) => s.matched)) return 'a matched step before the deciding one';
  if ((last.institutionId ?? null) !== d.institutionId || (last.reason ?? null) !== d.reason || last.explanation !== d.explanation) return 'decision differs from its step';
  if (!d.explanation.includes(d.institutionId ?? d.reason ?? '\u0000')) return 'explanation does not name the outcome';
  return null;
}

describe('generated traffic mix (10,000 envelopes, annex 2 proportions)', () => {
  const items = generateEnvelopes({ count: 10_000, seed: 2024, from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z', configDir: CONFIG_DIR });
  const envelopes = items.filter((i): i is Envelope => !isMalformed(i));
  const disagreements: string[] = [];
  const summary = routeTraffic(envelopes, {
    directory,
    ruleTable,
    onDecision: (e, _facts, d) => {
      const problem = disagreement(d);
      if (problem) disagreements.push(`${e.envelopeId}: ${problem}`);
    },
  });

  it('routes every envelope without a crash, and prints the automatic share', () => {
    const rows = [...summary.byRule].sort((a, b) => b[1] - a[1]).map(([rule, n]) => ({ rule, envelopes: n, share: `${((100 * n) / summary.envelopes).toFixed(1)}%` }));
    console.log(
      `Routed ${summary.envelopes} envelopes (${summary.cases} cases): ` +
        `${(100 * summary.automaticShare).toFixed(1)}% of envelopes and ${(100 * summary.automaticCaseShare).toFixed(1)}% of cases forwarded automatically.\n` +
        `${rows.map((r) => `${r.rule.padEnd(24)} ${String(r.envelopes).padStart(6)} ${r.share.padStart(7)}`).join('\n')}\n` +
        `triage: ${[...summary.byTriageReason].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
    expect(summary.crashes).toEqual([]);
    expect(summary.envelopes).toBe(10_000);
  });

  it('forwards a plausible share automatically', () => {
    // The mix is mostly pensions and sickness with residence or references: well above half, but H/M BUCs,
    // residents abroad without reference, 59/62/76 and identity problems keep a real triage queue.
    expect(summary.automaticShare).toBeGreaterThan(0.55);
    expect(summary.automaticShare).toBeLessThan(0.85);
    expect(summary.byTriageReason.get('NO_RULE')).toBeGreaterThan(0);
    expect(summary.byTriageReason.get('IDENTITY_MISMATCH')).toBeGreaterThan(0);
    expect(summary.byRule.get('AFFINITY')).toBeGreaterThan(0);
  });

  it('never returns a decision that disagrees with its trace', () => {
    expect(disagreements).toEqual([]);
  });

  it('does not crash on malformed envelopes that are JSON either', () => {
    const odd = generateEnvelopes({ count: 2000, seed: 5, from: '2024-01-01', to: '2024-02-01', malformedShare: 1, configDir: CONFIG_DIR })
      .filter(isMalformed)
      .flatMap((m) => {
        try {
          return [JSON.parse(m.raw) as Envelope];
        } catch {
          return [];
        }
      });
    expect(odd.length).toBeGreaterThan(1000);
    expect(routeTraffic(odd, { directory, ruleTable }).crashes).toEqual([]);
  });
});
