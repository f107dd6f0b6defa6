/** The shipped help desk configuration, loaded once for the help desk tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HOUR_MS, loadCalendars, type CalendarsConfig } from '../../src/business-time';
import { parseSlaPolicies, type SlaPolicyConfig } from '../../src/helpdesk';

const ROOT = path.resolve(__dirname, '../..');

export function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(path.join(ROOT, relative), 'utf8')) as T;
}

export const calendarsConfig = readJson<CalendarsConfig>('config/calendars.json');
export const policyConfig = readJson<SlaPolicyConfig>('config/sla-policy.json');
export const calendars = loadCalendars(calendarsConfig);
export const policies = parseSlaPolicies(policyConfig, calendars.has);
export const deskCalendar = calendars.get('FR-desk');

/** Hours as milliseconds, so expectations read like the SLA table. */
export const h = (hours: number): number => hours * HOUR_MS;
export const d = (iso: string): Date => new Date(iso);
