/**
 * The calendars configuration (config/calendars.json, schema schemas/calendars.schema.json): the desk's own
 * calendar and one calendar per counterpart country, so that the time spent waiting on a foreign desk can be
 * measured in that desk's business hours.
 *
 * The structure is checked by the JSON Schema (src/config / src/validation); this module checks what a schema
 * cannot: zones, date-holidays country and state codes, interval order, uniqueness.
 */
import { AppError, type ErrorDetail } from '../shared/errors';
import { buildCalendar, type BusinessCalendar, type CalendarDefinition, type WeeklyHours } from './calendar';

export interface CalendarEntry extends Omit<CalendarDefinition, 'weeklyHours'> {
  $comment?: string;
  /** Absent = the file's defaultWeeklyHours. */
  weeklyHours?: WeeklyHours;
  /** EESSI country code (EL for Greece, UK for the United Kingdom) whose desk this calendar describes. */
  country?: string;
}

export interface CalendarsConfig {
  $comment?: string;
  defaultWeeklyHours: WeeklyHours;
  calendars: CalendarEntry[];
}

export interface CalendarRegistry {
  /** The calendar with this id; throws HDK_POLICY_INVALID when there is none. */
  get(id: string): BusinessCalendar;
  /** The calendar of the desk of an EESSI country; throws HDK_POLICY_INVALID when none is configured. */
  forCountry(eessiCountry: string): BusinessCalendar;
  has(id: string): boolean;
  ids(): string[];
  countries(): string[];
}

/** Builds every calendar (validating each) and indexes them by id and by EESSI country. */
export function loadCalendars(config: CalendarsConfig): CalendarRegistry {
  const errors: ErrorDetail[] = [];
  const byId = new Map<string, BusinessCalendar>();
  const byCountry = new Map<string, BusinessCalendar>();
  for (const entry of config.calendars) {
    if (byId.has(entry.id)) {
      errors.push({ path: entry.id, message: 'duplicate calendar id' });
      continue;
    }
    if (entry.country && byCountry.has(entry.country)) {
      errors.push({ path: `${entry.id}.country`, message: `a calendar for ${entry.country} already exists` });
      continue;
    }
    try {
      const { country: _country, ...definition } = entry;
      const calendar = buildCalendar({ ...definition, weeklyHours: entry.weeklyHours ?? config.defaultWeeklyHours });
      byId.set(entry.id, calendar);
      if (entry.country) byCountry.set(entry.country, calendar);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      errors.push(...e.details);
    }
  }
  if (errors.length > 0) throw new AppError('HDK_POLICY_INVALID', 'the calendars configuration is invalid', errors);

  return Object.freeze({
    get(id: string) {
      const calendar = byId.get(id);
      if (!calendar) throw new AppError('HDK_POLICY_INVALID', `no calendar "${id}" is configured`);
      return calendar;
    },
    forCountry(eessiCountry: string) {
      const calendar = byCountry.get(eessiCountry);
      if (!calendar) throw new AppError('HDK_POLICY_INVALID', `no calendar is configured for country ${eessiCountry}`);
      return calendar;
    },
    has: (id: string) => byId.has(id),
    ids: () => [...byId.keys()],
    countries: () => [...byCountry.keys()],
  });
}
