/**
 * The help desk's configuration files (CONFIG_DIR): config/calendars.json and config/sla-policy.json, each checked
 * against its JSON Schema and then by the domain (zones, holiday codes, calendars named by policies, dates).
 * A bad file stops the start with every problem named.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../shared/errors';
import { describeErrors, validatorFor } from '../validation/schemas';
import { loadCalendars, type CalendarRegistry, type CalendarsConfig } from '../business-time/calendar-config';
import type { BusinessCalendar } from '../business-time/calendar';
import { parseSlaPolicies, policyFor, type SlaPolicies, type SlaPolicyConfig, type SlaPolicyVersionConfig } from './sla/sla-policy';

export const HELPDESK_FILES = {
  calendars: { file: 'calendars.json', schema: 'calendars.schema.json' },
  policy: { file: 'sla-policy.json', schema: 'sla-policy.schema.json' },
} as const;

export interface HelpdeskConfig {
  calendars: CalendarRegistry;
  policies: SlaPolicies;
  /** Each version as written in the file, by version id (what is snapshotted on first use). */
  policyDefinitions: ReadonlyMap<string, SlaPolicyVersionConfig>;
}

/** The desk's calendar at `at`: the one the policy version in force measures business time in. */
export function deskCalendarAt(config: Pick<HelpdeskConfig, 'calendars' | 'policies'>, at: Date): BusinessCalendar {
  return config.calendars.get(policyFor(config.policies, at).calendar);
}

function readJsonFile(configDir: string, file: string): unknown {
  const full = path.join(configDir, file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new AppError('CFG_INVALID', `Cannot read the configuration file ${full}: ${message}`, [{ path: full, message }]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new AppError('CFG_INVALID', `${file} is not valid JSON: ${message}`, [{ path: file, message }]);
  }
}

function checked<T>(configDir: string, entry: { file: string; schema: string }): T {
  const json = readJsonFile(configDir, entry.file);
  const validate = validatorFor(entry.schema);
  if (!validate(json)) {
    throw new AppError('HDK_POLICY_INVALID', `${entry.file} does not match ${entry.schema}`, describeErrors(validate.errors, entry.file));
  }
  return json as T;
}

/** The version as a snapshot: what defines the measurement, without comments. */
export function policyDefinition(v: SlaPolicyVersionConfig): SlaPolicyVersionConfig {
  const { $comment: _comment, ...definition } = v;
  return JSON.parse(JSON.stringify(definition)) as SlaPolicyVersionConfig;
}

export function loadHelpdeskConfig(configDir: string): HelpdeskConfig {
  const calendars = loadCalendars(checked<CalendarsConfig>(configDir, HELPDESK_FILES.calendars));
  const policyConfig = checked<SlaPolicyConfig>(configDir, HELPDESK_FILES.policy);
  const policies = parseSlaPolicies(policyConfig, calendars.has);
  const policyDefinitions = new Map(policyConfig.versions.map((v) => [v.version, policyDefinition(v)]));
  return { calendars, policies, policyDefinitions };
}
