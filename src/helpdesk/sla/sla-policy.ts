/**
 * Versioned SLA policies (config/sla-policy.json, schema schemas/sla-policy.schema.json).
 *
 * A ticket takes the version in force at its slaStartAt and keeps it for ever: store `policyVersion` on the
 * ticket and look it up with policyByVersion afterwards, so that publishing a new version never rewrites the
 * history of tickets (or of reported months) started under an older one. Versions are append-only: editing the
 * targets of a published version would rewrite history, which is why the store should keep a snapshot of every
 * version it has applied (see the report of this module).
 */
import { AppError, type ErrorDetail } from '../../shared/errors';
import { HOUR_MS } from '../../business-time/calendar';

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface PriorityTargets {
  firstResponseHours: number;
  resolutionHours: number;
}

/** One version as written in the configuration file. */
export interface SlaPolicyVersionConfig {
  $comment?: string;
  version: string;
  /** RFC 3339 with offset: the first instant (inclusive) at which a starting ticket takes this version. */
  effectiveFrom: string;
  /** Id of the desk calendar (config/calendars.json) in which the targets are business hours. */
  calendar: string;
  /** Share of tickets that must meet both targets (reported monthly). */
  targetCompliance: number;
  /** Fraction of a target at which a warning is raised (0.75 = 75 %). */
  warnAtFraction: number;
  priorities: Record<Priority, PriorityTargets>;
}

export interface SlaPolicyConfig {
  $comment?: string;
  versions: SlaPolicyVersionConfig[];
}

export interface SlaPolicyVersion extends Omit<SlaPolicyVersionConfig, 'effectiveFrom'> {
  effectiveFrom: Date;
}

/** Versions sorted by effectiveFrom, oldest first. */
export type SlaPolicies = readonly SlaPolicyVersion[];

const RFC3339_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function checkVersion(v: SlaPolicyVersionConfig, knownCalendar: (id: string) => boolean): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const at = (path: string, message: string) => errors.push({ path: `versions[${v.version}].${path}`, message });
  if (!RFC3339_WITH_OFFSET.test(v.effectiveFrom) || Number.isNaN(Date.parse(v.effectiveFrom))) {
    at('effectiveFrom', `not an RFC 3339 date-time with offset: "${v.effectiveFrom}"`);
  }
  if (!knownCalendar(v.calendar)) at('calendar', `no calendar "${v.calendar}" is configured`);
  if (!(v.targetCompliance > 0 && v.targetCompliance <= 1)) at('targetCompliance', 'must be in (0, 1]');
  if (!(v.warnAtFraction > 0 && v.warnAtFraction < 1)) at('warnAtFraction', 'must be in (0, 1)');
  for (const p of PRIORITIES) {
    const t = v.priorities?.[p];
    if (!t) {
      at(`priorities.${p}`, 'missing');
      continue;
    }
    for (const key of ['firstResponseHours', 'resolutionHours'] as const) {
      if (!(Number.isFinite(t[key]) && t[key] > 0)) at(`priorities.${p}.${key}`, 'must be a positive number');
    }
  }
  return errors;
}

/**
 * Validates the policy file against the calendars and returns its versions oldest first.
 * Throws HDK_POLICY_INVALID listing every problem (duplicate versions or effective dates included).
 */
export function parseSlaPolicies(config: SlaPolicyConfig, knownCalendar: (id: string) => boolean): SlaPolicies {
  const errors: ErrorDetail[] = [];
  if (config.versions.length === 0) errors.push({ path: 'versions', message: 'at least one version is needed' });
  const seenVersions = new Set<string>();
  for (const v of config.versions) {
    if (seenVersions.has(v.version)) errors.push({ path: `versions[${v.version}]`, message: 'duplicate version' });
    seenVersions.add(v.version);
    errors.push(...checkVersion(v, knownCalendar));
  }
  const versions = config.versions
    .map((v) => ({ ...v, priorities: { ...v.priorities }, effectiveFrom: new Date(v.effectiveFrom) }))
    .sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
  for (let i = 1; i < versions.length; i++) {
    if (versions[i].effectiveFrom.getTime() === versions[i - 1].effectiveFrom.getTime()) {
      errors.push({
        path: `versions[${versions[i].version}].effectiveFrom`,
        message: `same effectiveFrom as version ${versions[i - 1].version}`,
      });
    }
  }
  if (errors.length > 0) throw new AppError('HDK_POLICY_INVALID', 'the SLA policy is invalid', errors);
  return Object.freeze(versions.map((v) => Object.freeze(v)));
}

/**
 * The version in force at `slaStartAt`: the latest whose effectiveFrom is at or before it.
 * A ticket whose clock started before the first version (a SED delivered before the desk opened) takes the first
 * version: no policy was in force, and the first one is the only applicable yardstick.
 */
export function policyFor(policies: SlaPolicies, slaStartAt: Date): SlaPolicyVersion {
  if (policies.length === 0) throw new AppError('HDK_POLICY_INVALID', 'no SLA policy version is configured');
  let chosen = policies[0];
  for (const v of policies) {
    if (v.effectiveFrom.getTime() <= slaStartAt.getTime()) chosen = v;
  }
  return chosen;
}

/** The version a ticket recorded at its start; throws HDK_POLICY_INVALID if it disappeared from the config. */
export function policyByVersion(policies: SlaPolicies, version: string): SlaPolicyVersion {
  const found = policies.find((v) => v.version === version);
  if (!found) throw new AppError('HDK_POLICY_INVALID', `SLA policy version "${version}" is not configured`);
  return found;
}

export interface TargetsMs {
  firstResponseMs: number;
  resolutionMs: number;
}

export function targetsFor(policy: SlaPolicyVersion, priority: Priority): TargetsMs {
  const t = policy.priorities[priority];
  return {
    firstResponseMs: Math.round(t.firstResponseHours * HOUR_MS),
    resolutionMs: Math.round(t.resolutionHours * HOUR_MS),
  };
}
