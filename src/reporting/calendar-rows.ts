/**
 * Keeps the database's copy of the desk calendars (business_openings) in step with the configured calendars, so
 * that SQL measures business time with the SLA clock's own openings (holidays, DST, extra days): the openings are
 * produced by src/business-time/calendar.ts, never re-implemented in SQL. Rewritten when the definition changes or
 * when the years needed (the earliest ticket clock to the year after the report) are not all covered.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { CalendarRegistry } from '../business-time/calendar-config';
import { openingsBetween } from '../business-time/calendar';
import { AppError } from '../shared/errors';
import type { CalendarRows } from './report-store';

/** Returns whether any calendar was rewritten. */
export async function syncCalendarRows(rows: CalendarRows, calendars: CalendarRegistry, untilYear: number): Promise<boolean> {
  let written = false;
  const needed = await rows.calendarsNeeded();
  for (const id of needed.calendarIds) {
    if (!calendars.has(id)) {
      throw new AppError('HDK_POLICY_INVALID', `SLA policy calendar "${id}" is no longer configured: business hours cannot be measured.`, [{ path: `calendars.${id}`, message: 'missing' }]);
    }
    const cal = calendars.get(id);
    const sha = createHash('sha256').update(JSON.stringify(cal.definition)).digest('hex');
    const earliest = needed.earliestStart ? DateTime.fromJSDate(needed.earliestStart, { zone: cal.zone }).year : untilYear;
    const fromYear = Math.min(earliest, untilYear - 1);
    const toYear = untilYear + 1;
    const state = await rows.calendarState(id);
    if (state && state.definitionSha256 === sha && state.fromYear <= fromYear && state.toYear >= toYear) continue;
    const from = DateTime.fromObject({ year: fromYear, month: 1, day: 1 }, { zone: cal.zone }).toJSDate();
    const to = DateTime.fromObject({ year: toYear + 1, month: 1, day: 1 }, { zone: cal.zone }).toJSDate();
    await rows.replaceCalendar(id, sha, fromYear, toYear, openingsBetween(cal, from, to));
    written = true;
  }
  return written;
}
