/**
 * A supervisor's draft of the rule table: the edits (reorder, enable/disable, dates, add, edit, delete) as plain
 * functions on an immutable value, and its keeping in sessionStorage so that a reload does not lose it. A draft
 * holds rules only (conditions on facts, targets), never anything about a person; it belongs to the account that
 * started it, so another login in the same tab does not pick it up. Nothing here judges a rule: the service checks
 * the draft when it is simulated and when it is published.
 */
import type { ErrorDetail, Schemas } from '../../api/client';

export type Rule = Schemas['rule'];
type DraftReport = Schemas['DraftReport'];

/** A rule of the draft with a key of its own, so that rows, focus and errors follow it while it moves. */
export interface DraftEntry {
  key: string;
  rule: Rule;
}

export interface RulesDraft {
  owner: string;
  /** The version the draft was started from (the one in force, or an older one). */
  sourceVersion: number;
  /** The version in force when the draft was started: sent as basedOnVersion, so that a publication in between is refused. */
  basedOnVersion: number;
  startedAt: string;
  description?: string;
  entries: DraftEntry[];
  nextKey: number;
  /** The rules of the source version, to mark what the draft changed. */
  source: Rule[];
  /** The last simulation, with the content of the draft it was run on. */
  simulation?: { of: string; report: DraftReport };
}

const STORAGE_KEY = 'eessi-liaison.rules-draft';

export function startDraft(owner: string, from: { version: number; description?: string; rules: Rule[] }, basedOnVersion: number, startedAt: string): RulesDraft {
  return {
    owner, sourceVersion: from.version, basedOnVersion, startedAt, description: from.description,
    entries: from.rules.map((rule, i) => ({ key: `r${i}`, rule })), nextKey: from.rules.length, source: from.rules,
  };
}

export const draftRules = (d: RulesDraft): Rule[] => d.entries.map((e) => e.rule);

/** What a simulation is judged on: the table the service would receive. */
const contentOf = (d: RulesDraft): string => JSON.stringify({ description: d.description, rules: draftRules(d) });

/** The draft as it is now has been simulated (an edit after the simulation, and it has not). */
export const simulatedAsIs = (d: RulesDraft): boolean => d.simulation !== undefined && d.simulation.of === contentOf(d);

/** The draft `current` with the report of a simulation run on `sent` (the draft as it was when the request left). */
export const withSimulation = (current: RulesDraft, sent: RulesDraft, report: DraftReport): RulesDraft => ({ ...current, simulation: { of: contentOf(sent), report } });

const mapEntry = (d: RulesDraft, key: string, change: (r: Rule) => Rule): RulesDraft =>
  ({ ...d, entries: d.entries.map((e) => (e.key === key ? { key, rule: change(e.rule) } : e)) });

/** Moves a rule one place up (-1) or down (+1) in the evaluation order. */
export function moveRule(d: RulesDraft, key: string, by: -1 | 1): RulesDraft {
  const i = d.entries.findIndex((e) => e.key === key);
  const j = i + by;
  if (i < 0 || j < 0 || j >= d.entries.length) return d;
  const entries = [...d.entries];
  [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  return { ...d, entries };
}

/** Disabled rules stay in the table (and the trace) but never match; enabling drops the flag (true is the default). */
export const toggleRule = (d: RulesDraft, key: string): RulesDraft => mapEntry(d, key, (r) => {
  const { enabled, ...rest } = r;
  return enabled === false ? rest : { ...rest, enabled: false };
});

/** Date limits (calendar dates, inclusive); an empty one removes the limit. */
export const limitRule = (d: RulesDraft, key: string, validFrom: string, validTo: string): RulesDraft => mapEntry(d, key, (r) => {
  const { validFrom: _f, validTo: _t, ...rest } = r;
  return { ...rest, ...(validFrom ? { validFrom } : {}), ...(validTo ? { validTo } : {}) };
});

export const replaceRule = (d: RulesDraft, key: string, rule: Rule): RulesDraft => mapEntry(d, key, () => rule);

export const removeRule = (d: RulesDraft, key: string): RulesDraft => ({ ...d, entries: d.entries.filter((e) => e.key !== key) });

/** Adds a rule before the rule `beforeKey` (at the end when null); returns the draft and the new rule's key. */
export function insertRule(d: RulesDraft, beforeKey: string | null, rule: Rule): { draft: RulesDraft; key: string } {
  const key = `r${d.nextKey}`;
  const at = beforeKey === null ? -1 : d.entries.findIndex((e) => e.key === beforeKey);
  const entries = [...d.entries];
  entries.splice(at < 0 ? entries.length : at, 0, { key, rule });
  return { draft: { ...d, entries, nextKey: d.nextKey + 1 }, key };
}

/** How a rule of the draft differs from the source version (by id). */
export function changeOf(d: RulesDraft, rule: Rule): 'new' | 'modified' | null {
  const before = d.source.find((r) => r.id === rule.id);
  if (!before) return 'new';
  return JSON.stringify(sorted(before)) === JSON.stringify(sorted(rule)) ? null : 'modified';
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)]));
  return v;
}

/**
 * The service's problems (`details[]` with JSON paths into the body sent, `/rules/3/then/forward/institutionId`)
 * attached to the rule they concern, by key, with the rest of the path; problems elsewhere stay apart.
 */
export function errorsByRule(d: RulesDraft, details: ErrorDetail[]): { byKey: Record<string, ErrorDetail[]>; other: ErrorDetail[] } {
  const byKey: Record<string, ErrorDetail[]> = {};
  const other: ErrorDetail[] = [];
  for (const detail of details) {
    const m = /^\/rules\/(\d+)(\/.*)?$/.exec(detail.path);
    const entry = m ? d.entries[Number(m[1])] : undefined;
    if (!entry) other.push(detail);
    else (byKey[entry.key] ??= []).push({ ...detail, path: m?.[2] ?? '/' });
  }
  return { byKey, other };
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage refused by the browser: the draft then lives as long as the page
  }
}

/** The draft kept in this tab for this account, if any (a damaged one is dropped). */
export function loadDraft(owner: string): RulesDraft | null {
  const raw = storage()?.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as RulesDraft;
    if (d.owner !== owner || !Array.isArray(d.entries) || !Array.isArray(d.source) || typeof d.basedOnVersion !== 'number') return null;
    return d;
  } catch {
    storage()?.removeItem(STORAGE_KEY);
    return null;
  }
}

export function saveDraft(d: RulesDraft): void {
  storage()?.setItem(STORAGE_KEY, JSON.stringify(d));
}

export function clearDraft(): void {
  storage()?.removeItem(STORAGE_KEY);
}
