/**
 * Settings of the help desk's scheduled jobs, read from an environment record (the composition root passes
 * process.env or the parsed configuration; nothing here reads the process environment itself).
 *
 * | key | default | meaning |
 * |---|---|---|
 * | FORWARD_ACK_BUSINESS_DAYS | 5 | a forward still pending this many business days (desk calendar) after it was created opens an automatic ticket |
 * | ORPHAN_MAX_AGE_BUSINESS_HOURS | 16 | a case in triage for this many business hours opens an automatic ticket (once per triage episode) |
 * | HELPDESK_ESCALATION_CRON | `* * * * *` | when the escalation job runs (node-cron syntax, Europe/Paris) |
 * | HELPDESK_PIPELINE_WATCH_CRON | `*\/15 * * * *` | when the pipeline watch runs |
 */
import { AppError, type ErrorDetail } from '../shared/errors';

export interface HelpdeskSettings {
  forwardAckBusinessDays: number;
  orphanMaxAgeBusinessHours: number;
  escalationCron: string;
  pipelineWatchCron: string;
}

export const DEFAULT_HELPDESK_SETTINGS: Readonly<HelpdeskSettings> = Object.freeze({
  forwardAckBusinessDays: 5,
  orphanMaxAgeBusinessHours: 16,
  escalationCron: '* * * * *',
  pipelineWatchCron: '*/15 * * * *',
});

/** Five or six space-separated cron fields; node-cron checks the values when the job is scheduled. */
const CRON_SHAPE = /^\S+( \S+){4,5}$/;

function whole(env: Record<string, string | undefined>, key: string, def: number, max: number, errors: ErrorDetail[]): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    errors.push({ path: key, message: `${key}="${raw}" must be a whole number from 1 to ${max}` });
    return def;
  }
  return n;
}

function cron(env: Record<string, string | undefined>, key: string, def: string, errors: ErrorDetail[]): string {
  const raw = env[key]?.trim();
  if (raw === undefined || raw === '') return def;
  if (!CRON_SHAPE.test(raw)) errors.push({ path: key, message: `${key}="${raw}" must be a cron expression of 5 or 6 fields` });
  return raw;
}

export function helpdeskSettingsFromEnv(env: Record<string, string | undefined>): Readonly<HelpdeskSettings> {
  const errors: ErrorDetail[] = [];
  const d = DEFAULT_HELPDESK_SETTINGS;
  const settings: HelpdeskSettings = {
    forwardAckBusinessDays: whole(env, 'FORWARD_ACK_BUSINESS_DAYS', d.forwardAckBusinessDays, 60, errors),
    orphanMaxAgeBusinessHours: whole(env, 'ORPHAN_MAX_AGE_BUSINESS_HOURS', d.orphanMaxAgeBusinessHours, 2000, errors),
    escalationCron: cron(env, 'HELPDESK_ESCALATION_CRON', d.escalationCron, errors),
    pipelineWatchCron: cron(env, 'HELPDESK_PIPELINE_WATCH_CRON', d.pipelineWatchCron, errors),
  };
  if (errors.length) throw new AppError('CFG_INVALID', `Invalid configuration: ${errors.map((e) => e.message).join('; ')}.`, errors);
  return Object.freeze(settings);
}
