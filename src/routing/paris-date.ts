/**
 * Effective dates (rule "since/until", institution validFrom/validTo) are calendar dates in French law and in the
 * IR. They are judged on the Europe/Paris calendar date of `legalDeliveryAt`: a SED delivered at 23:30 UTC on
 * 30 September 2024 arrived on 1 October in Paris, so a rule "since 2024-10-01" applies to it.
 * Intervals are inclusive at both ends: valid on `from` and still valid on `to`.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// One formatter for the process: building an Intl.DateTimeFormat costs far more than using it.
// en-CA formats as YYYY-MM-DD.
const parisDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** True for a real calendar date written YYYY-MM-DD (2024-02-30 is not one). */
export function isCalendarDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = CALENDAR_DATE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The instant of an RFC 3339 timestamp with offset (epoch ms), or null when it is not one. */
export function parseInstant(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const m = RFC3339.exec(s);
  if (!m || !isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`)) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) return null;
  const ms = Date.parse(s.replace(/[t ]/, 'T').replace(/z$/, 'Z'));
  return Number.isNaN(ms) ? null : ms;
}

/** The Europe/Paris calendar date (YYYY-MM-DD) of an RFC 3339 instant, or null when it is not one. */
export function parisCalendarDate(instant: unknown): string | null {
  const ms = parseInstant(instant);
  return ms === null ? null : parisDay.format(ms);
}

/** A calendar date as given, or the Paris calendar date of an instant. */
export function toCalendarDate(dateOrInstant: string): string | null {
  return isCalendarDate(dateOrInstant) ? dateOrInstant : parisCalendarDate(dateOrInstant);
}

/**
 * Whether `date` lies in [from, to], both optional and inclusive. YYYY-MM-DD strings compare correctly as text.
 */
export function withinDates(date: string, from: string | null | undefined, to: string | null | undefined): boolean {
  if (from && date < from) return false;
  if (to && date > to) return false;
  return true;
}
