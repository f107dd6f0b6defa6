/**
 * What changed between two versions of a report, figure by figure: both reports flattened to leaf paths, rows of
 * tables named by their identity (`byBucType[P_BUC_01].forwarded`, not a position that shifts when a row is
 * added), and every leaf whose value differs listed with its value before and after. Bookkeeping fields
 * (version, generation time and author) are not figures and are left out.
 */
import { createHash } from 'node:crypto';
import type { Change, Report, ReportDraft } from './report-model';

const NOT_FIGURES = new Set(['version', 'generatedAt', 'generatedBy', 'trigger', 'asOf', 'changes', 'previousVersion']);

/** What identifies a row of each kind of table: the first combination whose fields the row has. */
const IDENTITY = [
  ['bucType'], ['ticketId', 'clock'], ['counterpartCountry', 'priority'], ['institutionId'], ['country'], ['sector'],
  ['policyVersion'], ['priority'], ['reason'], ['ruleId'], ['version'],
];

function rowKey(row: unknown, index: number): string {
  if (row === null || typeof row !== 'object') return String(index);
  const r = row as Record<string, unknown>;
  const keys = IDENTITY.find((combo) => combo.every((k) => k in r));
  return keys ? keys.map((k) => String(r[k])).join('/') : String(index);
}

function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) {
    value.forEach((row, i) => flatten(row, `${path}[${rowKey(row, i)}]`, out));
    if (value.length === 0) out.set(`${path}[]`, 0);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (path === '' && NOT_FIGURES.has(k)) continue;
      flatten(v, path ? `${path}.${k}` : k, out);
    }
    return;
  }
  out.set(path, value);
}

export function figuresOf(report: ReportDraft | Report): Map<string, unknown> {
  const out = new Map<string, unknown>();
  flatten(report, '', out);
  return out;
}

export function reportChanges(before: Report, after: ReportDraft): Change[] {
  const a = figuresOf(before);
  const b = figuresOf(after);
  const changes: Change[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (path.endsWith('[]')) continue;
    const x = a.has(path) ? a.get(path) : null;
    const y = b.has(path) ? b.get(path) : null;
    if (x !== y) changes.push({ path, before: x, after: y });
  }
  return changes.sort((p, q) => p.path.localeCompare(q.path));
}

/** A digest of the figures alone: two versions with the same digest say the same thing. */
export function figuresDigest(report: ReportDraft | Report): string {
  const flat = [...figuresOf(report).entries()].sort(([p], [q]) => p.localeCompare(q));
  return createHash('sha256').update(JSON.stringify(flat)).digest('hex');
}
