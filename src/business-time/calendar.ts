/**
 * Business calendars and business-time arithmetic.
 *
 * A calendar is data (zone, weekly opening hours in wall-clock time, public holidays from date-holidays, extra
 * closed/open days). All arithmetic is done on UTC instants; wall-clock hours are turned into instants per local
 * date with luxon, so daylight-saving changes are handled by construction (a 09:00 opening is 08:00Z in winter
 * and 07:00Z in summer; a 00:00–24:00 opening on the night of the spring change lasts 23 real hours).
 *
 * Time intervals are half-open: a desk open 09:00–17:00 is open at 09:00:00.000 and closed at 17:00:00.000.
 */
import Holidays, { type HolidaysTypes } from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { AppError, type ErrorDetail } from '../shared/errors';

export const HOUR_MS = 3_600_000;

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Index + 1 is luxon's ISO weekday (1 = Monday). */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Opening intervals per weekday, wall-clock "HH:MM" (end may be "24:00"); a missing day is closed. */
export type WeeklyHours = Partial<Record<Weekday, ReadonlyArray<readonly [string, string]>>>;

export interface HolidaySource {
  /** date-holidays country code (ISO 3166-1, e.g. FR, DE, GR for Greece, GB for the United Kingdom). */
  country: string;
  /** date-holidays state/region code, e.g. "57" for Moselle; absent = nationwide holidays only. */
  state?: string;
  /** date-holidays types that close the desk; default ["public"]. */
  types?: HolidaysTypes.HolidayType[];
  /** date-holidays rule expressions to ignore as holidays, e.g. "easter 50" (Whit Monday) if the desk works it. */
  ignoreRules?: string[];
}

export interface CalendarDefinition {
  id: string;
  /** IANA zone the weekly hours and the day boundaries are expressed in. */
  zone: string;
  weeklyHours: WeeklyHours;
  holidays?: HolidaySource;
  /** Local dates (YYYY-MM-DD) on which the desk is closed all day (e.g. a bridge day). */
  extraClosedDays?: string[];
  /** Local dates (YYYY-MM-DD) on which the holidays falling on that date are ignored (weekly hours still apply). */
  extraOpenDays?: string[];
}

interface MinuteInterval {
  readonly startMin: number;
  readonly endMin: number;
}

export interface BusinessCalendar {
  readonly id: string;
  readonly zone: string;
  readonly definition: CalendarDefinition;
  /** Opening intervals in minutes from local midnight, indexed by ISO weekday - 1. */
  readonly week: ReadonlyArray<ReadonlyArray<MinuteInterval>>;
  /** Closed instant ranges [startMs, endMs) that start in the given local year (holidays, extra closed days). */
  closedRangesOfYear(year: number): ReadonlyArray<readonly [number, number]>;
}

/** A calendar with no opening for this many consecutive days is a configuration error, not a long weekend. */
const MAX_CLOSED_DAYS = 370;
const TIME_RE = /^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function parseMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function checkDefinition(def: CalendarDefinition): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const at = (path: string, message: string) => errors.push({ path: `${def.id}.${path}`, message });
  if (!IANAZone.isValidZone(def.zone)) at('zone', `unknown IANA zone "${def.zone}"`);
  let anyOpening = false;
  for (const day of Object.keys(def.weeklyHours)) {
    if (!WEEKDAYS.includes(day as Weekday)) at(`weeklyHours.${day}`, 'not a weekday (mon…sun)');
  }
  for (const day of WEEKDAYS) {
    let previousEnd = -1;
    (def.weeklyHours[day] ?? []).forEach(([start, end], i) => {
      if (!TIME_RE.test(start) || !TIME_RE.test(end) || start === '24:00') {
        at(`weeklyHours.${day}[${i}]`, `times must be HH:MM (end may be 24:00), got ${start}–${end}`);
        return;
      }
      const s = parseMinutes(start);
      const e = parseMinutes(end);
      if (e <= s) at(`weeklyHours.${day}[${i}]`, `end ${end} is not after start ${start}`);
      if (s < previousEnd) at(`weeklyHours.${day}[${i}]`, 'intervals must be sorted and must not overlap');
      previousEnd = e;
      anyOpening = true;
    });
  }
  if (!anyOpening) at('weeklyHours', 'the calendar is never open');
  for (const [key, dates] of [['extraClosedDays', def.extraClosedDays], ['extraOpenDays', def.extraOpenDays]] as const) {
    (dates ?? []).forEach((d, i) => {
      if (!DATE_RE.test(d) || !DateTime.fromISO(d).isValid) at(`${key}[${i}]`, `not a date YYYY-MM-DD: "${d}"`);
    });
  }
  if (def.holidays && !new Holidays().getCountries()[def.holidays.country]) {
    at('holidays.country', `date-holidays does not know country "${def.holidays.country}"`);
  } else if (def.holidays?.state && !new Holidays().getStates(def.holidays.country)?.[def.holidays.state]) {
    at('holidays.state', `date-holidays does not know state "${def.holidays.state}" in ${def.holidays.country}`);
  }
  return errors;
}

/** Validates a definition and returns a calendar; throws HDK_POLICY_INVALID naming every problem. */
export function buildCalendar(def: CalendarDefinition): BusinessCalendar {
  const errors = checkDefinition(def);
  if (errors.length > 0) {
    throw new AppError('HDK_POLICY_INVALID', `calendar "${def.id}" is invalid`, errors);
  }
  const week = WEEKDAYS.map((day) =>
    (def.weeklyHours[day] ?? []).map(([s, e]) => ({ startMin: parseMinutes(s), endMin: parseMinutes(e) })),
  );
  const source = def.holidays;
  const options = { types: source?.types ?? ['public'], timezone: def.zone };
  let holidays: Holidays | undefined;
  if (source?.state) holidays = new Holidays(source.country, source.state, options);
  else if (source) holidays = new Holidays(source.country, options);
  const ignored = new Set(source?.ignoreRules ?? []);
  const openDays = new Set(def.extraOpenDays ?? []);
  const cache = new Map<number, ReadonlyArray<readonly [number, number]>>();

  const computeYear = (year: number): ReadonlyArray<readonly [number, number]> => {
    const ranges: Array<readonly [number, number]> = [];
    for (const h of holidays?.getHolidays(year) ?? []) {
      if (ignored.has(h.rule) || openDays.has(h.date.slice(0, 10))) continue;
      ranges.push([h.start.getTime(), h.end.getTime()]);
    }
    for (const d of def.extraClosedDays ?? []) {
      const day = DateTime.fromISO(d, { zone: def.zone });
      if (day.year === year) ranges.push([day.toMillis(), day.plus({ days: 1 }).toMillis()]);
    }
    return ranges.sort((a, b) => a[0] - b[0]);
  };

  return Object.freeze({
    id: def.id,
    zone: def.zone,
    definition: def,
    week,
    closedRangesOfYear(year: number) {
      let ranges = cache.get(year);
      if (!ranges) {
        ranges = computeYear(year);
        cache.set(year, ranges);
      }
      return ranges;
    },
  });
}

/** A local calendar date, carried as a UTC-midnight DateTime so adding days never meets a DST change. */
type LocalDate = DateTime;

function localDateOf(cal: BusinessCalendar, ms: number): LocalDate {
  const local = DateTime.fromMillis(ms, { zone: cal.zone });
  return DateTime.utc(local.year, local.month, local.day);
}

function instantAt(cal: BusinessCalendar, date: LocalDate, minutes: number): number {
  const day = minutes >= 24 * 60 ? date.plus({ days: 1 }) : date;
  const m = minutes % (24 * 60);
  return DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(m / 60), minute: m % 60 },
    { zone: cal.zone },
  ).toMillis();
}

function subtract(intervals: Array<[number, number]>, cut: readonly [number, number]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [s, e] of intervals) {
    if (cut[1] <= s || cut[0] >= e) {
      out.push([s, e]);
      continue;
    }
    if (cut[0] > s) out.push([s, cut[0]]);
    if (cut[1] < e) out.push([cut[1], e]);
  }
  return out;
}

// Openings per calendar and local date (key yyyymmdd): computing them costs several luxon conversions, and SLA
// runs over hundreds of tickets revisit the same few hundred dates.
const openingsCache = new WeakMap<BusinessCalendar, Map<number, ReadonlyArray<readonly [number, number]>>>();

/** The desk's opening intervals [startMs, endMs) on one local date, holidays removed, in time order. */
function openingsOn(cal: BusinessCalendar, date: LocalDate): ReadonlyArray<readonly [number, number]> {
  let byDate = openingsCache.get(cal);
  if (!byDate) {
    byDate = new Map();
    openingsCache.set(cal, byDate);
  }
  const key = date.year * 10_000 + date.month * 100 + date.day;
  let openings = byDate.get(key);
  if (!openings) {
    openings = computeOpenings(cal, date);
    byDate.set(key, openings);
  }
  return openings;
}

function computeOpenings(cal: BusinessCalendar, date: LocalDate): Array<[number, number]> {
  let intervals = cal.week[date.weekday - 1]
    .map((iv): [number, number] => [instantAt(cal, date, iv.startMin), instantAt(cal, date, iv.endMin)])
    // A wall-clock opening that falls entirely inside a spring-forward gap has no real duration.
    .filter(([s, e]) => e > s);
  if (intervals.length === 0) return intervals;
  // A holiday range starting late the previous year (e.g. 31 Dec 13:00 → 1 Jan) may still cover this date.
  for (const year of [date.year - 1, date.year]) {
    for (const range of cal.closedRangesOfYear(year)) intervals = subtract(intervals, range);
  }
  return intervals;
}

/** Walks opening intervals from the local date containing `fromMs`, stopping when `visit` returns true. */
function walkOpenings(cal: BusinessCalendar, fromMs: number, visit: (s: number, e: number) => boolean): void {
  let closedDays = 0;
  for (let date = localDateOf(cal, fromMs); ; date = date.plus({ days: 1 })) {
    const intervals = openingsOn(cal, date).filter(([, e]) => e > fromMs);
    closedDays = intervals.length === 0 ? closedDays + 1 : 0;
    if (closedDays > MAX_CLOSED_DAYS) {
      throw new AppError('HDK_POLICY_INVALID', `calendar "${cal.id}" has no opening for ${MAX_CLOSED_DAYS} days`);
    }
    for (const [s, e] of intervals) {
      if (visit(Math.max(s, fromMs), e)) return;
    }
  }
}

/**
 * The earliest instant t ≥ start such that exactly `ms` business milliseconds lie in [start, t).
 * So a target ending exactly at closing time is due at closing time (Fri 15:00 + 2 h → Fri 17:00, not Mon 09:00),
 * and `ms = 0` returns `start` unchanged.
 */
export function addBusinessMs(cal: BusinessCalendar, start: Date, ms: number): Date {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new AppError('INT_UNEXPECTED', `addBusinessMs needs a finite, non-negative duration, got ${ms}`);
  }
  let remaining = ms;
  let result = start.getTime();
  if (remaining === 0) return new Date(result);
  walkOpenings(cal, start.getTime(), (s, e) => {
    if (remaining <= e - s) {
      result = s + remaining;
      return true;
    }
    remaining -= e - s;
    return false;
  });
  return new Date(result);
}

/** Business milliseconds in [a, b); negative when b is before a, so that between(a, b) = −between(b, a). */
export function businessMsBetween(cal: BusinessCalendar, a: Date, b: Date): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to < from) return -businessMsBetween(cal, b, a);
  let total = 0;
  const lastDate = localDateOf(cal, to);
  for (let date = localDateOf(cal, from); date <= lastDate; date = date.plus({ days: 1 })) {
    for (const [s, e] of openingsOn(cal, date)) {
      const overlap = Math.min(e, to) - Math.max(s, from);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

export function isBusinessTime(cal: BusinessCalendar, at: Date): boolean {
  const t = at.getTime();
  return openingsOn(cal, localDateOf(cal, t)).some(([s, e]) => s <= t && t < e);
}

/** `at` itself when the desk is open at `at`, otherwise the start of the next opening interval. */
export function nextOpening(cal: BusinessCalendar, at: Date): Date {
  let result = at.getTime();
  walkOpenings(cal, result, (s) => {
    result = s;
    return true;
  });
  return new Date(result);
}

/**
 * Every opening interval [startMs, endMs) that starts in [from, to), holidays and DST applied, in time order: the
 * calendar as rows, for the reports to measure business time in SQL with exactly this arithmetic.
 */
export function openingsBetween(cal: BusinessCalendar, from: Date, to: Date): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  const lastDate = localDateOf(cal, to.getTime());
  for (let date = localDateOf(cal, from.getTime()); date <= lastDate; date = date.plus({ days: 1 })) {
    for (const iv of openingsOn(cal, date)) {
      if (iv[0] >= from.getTime() && iv[0] < to.getTime()) out.push(iv);
    }
  }
  return out;
}
