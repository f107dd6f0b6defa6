import { loadRoutingConfig } from '../../src/routing/config-files';
import { evaluate } from '../../src/routing/evaluate';
import { extractFacts } from '../../src/routing/facts';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import type { Envelope } from '../../src/intake/envelope';
import { learnCandidates } from '../../src/learning/learn-candidates';
import { practice } from '../bench/learning';
const { directory, ruleTable } = loadRoutingConfig('config');
const cfg = { directory, ruleTable, ruleSetVersion: 1 } as never as Parameters<typeof learnCandidates>[1];
const month = (seed: string, from: string, to: string) => generateEnvelopes({ count: 1200, seed, from, to }).filter((e): e is Envelope => !isMalformed(e));
const one = month('learning-m1', '2026-09-01', '2026-10-01');
const two = month('learning-m2', '2026-10-01', '2026-11-01');
const seen = new Set<string>();
const raw = [];
const GATES = new Set(['NO_PERSON', 'IDENTITY_MISMATCH']);
for (const e of one) {
  if (seen.has(e.caseId)) continue; seen.add(e.caseId);
  const f = extractFacts(e, directory, null);
  const d = evaluate(f, ruleTable, directory);
  if (d.outcome === 'triage') raw.push({ caseId: e.caseId, institutionId: practice(f), decidedAt: new Date('2026-10-01T10:00:00Z'), envelope: e });
}
const cands = learnCandidates(raw, cfg, { minSupport: Number(process.argv[2] ?? 5), minAgreement: 0.9 });
for (const c of cands) console.log(c.decisions, c.ofSimilar, c.institutionId, c.insertBefore, c.conditions.join(' & '));
const rules = [...ruleTable.rules];
for (const c of cands) { const at = rules.findIndex((r) => r.id === c.insertBefore); rules.splice(at, 0, c.rule); }
const t2 = { rules };
let auto = 0, learn = 0, wrong = 0; const left = new Map<string, number>();
for (const e of two) {
  const f = extractFacts(e, directory, null);
  const d0 = evaluate(f, ruleTable, directory);
  const d = evaluate(f, t2, directory);
  if (d0.outcome === 'forward' || !GATES.has(d0.reason ?? '')) learn++;
  if (d.outcome === 'forward') auto++;
  if (d.outcome === 'forward' && d.ruleId?.startsWith('LEARNED') && d.institutionId !== practice(f)) { wrong++; console.log('WRONG', d.ruleId, f.sector, f.bucType, f.residence?.country, practice(f)); }
  if (d.outcome === 'triage' && !GATES.has(d.reason ?? '')) { const k = `${f.sector} ${f.residence === null ? 'nores' : 'res'} ${d.reason}`; left.set(k, (left.get(k) ?? 0) + 1); }
}
console.log({ orphans: raw.length, auto: auto / two.length, learn: learn / two.length, wrong });
console.log([...left].sort((a, b) => b[1] - a[1]).slice(0, 20));
const fb = raw.filter((r) => r.envelope.bucType.startsWith('FB'));
console.log(fb.map((r) => { const f = extractFacts(r.envelope, directory, null); return `${f.bucType} ${evaluate(f, ruleTable, directory).ruleId} ${f.residence?.country}`; }));
