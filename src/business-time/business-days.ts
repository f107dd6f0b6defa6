/**
 * Business days on a calendar, for deadlines stated in days ("acknowledged within 5 business days").
 *
 * `days` business days after an instant is the same point of the business day (the business time elapsed since
 * that day's opening) on the `days`-th following open day: Monday 10:00 + 5 → next Monday 10:00, or Tuesday
 * 10:00 when a holiday falls in between. An instant outside business hours counts from the next opening, and
 * from an opening N days end at the closing of the N-th day: Saturday + 5 → Friday 17:00, five full business
 * days. When the target day is shorter than the elapsed part of the first one, the deadline is its closing time.
 */
import { DateTime } from 'luxon';
import { AppError } from '../shared/errors';
import { addBusinessMs, businessMsBetween, nextOpening, type BusinessCalendar } from './calendar';

/** A calendar is never closed longer than this (calendar.ts refuses such definitions); a bound for the walk. */
const MAX_DAYS_WALKED_PER_BUSINESS_DAY = 371;

function openMsOn(cal: BusinessCalendar, day: DateTime): number {
  return businessMsBetween(cal, day.toJSDate(), day.plus({ days: 1 }).toJSDate());
}

/** The end of the day's last opening interval. */
function closingOn(cal: BusinessCalendar, day: DateTime): Date {
  return addBusinessMs(cal, nextOpening(cal, day.toJSDate()), openMsOn(cal, day));
}

export function addBusinessDays(cal: BusinessCalendar, start: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) {
    throw new AppError('INT_UNEXPECTED', `addBusinessDays needs a whole, non-negative number of days, got ${days}`);
  }
  const first = nextOpening(cal, start);
  if (days === 0) return first;
  let day = DateTime.fromJSDate(first, { zone: cal.zone }).startOf('day');
  const offset = businessMsBetween(cal, day.toJSDate(), first);
  let openDay = day;
  let previousOpenDay = day;
  for (let counted = 0, walked = 0; counted < days;) {
    day = day.plus({ days: 1 });
    if (++walked > MAX_DAYS_WALKED_PER_BUSINESS_DAY * days) {
      throw new AppError('HDK_POLICY_INVALID', `calendar ${cal.id} has no ${days} open days after ${start.toISOString()}`);
    }
    if (openMsOn(cal, day) > 0) {
      previousOpenDay = openDay;
      openDay = day;
      counted += 1;
    }
  }
  // From an opening, N days end at the closing of the last of them (the next opening is the same business instant).
  if (offset === 0) return closingOn(cal, previousOpenDay);
  return addBusinessMs(cal, nextOpening(cal, openDay.toJSDate()), Math.min(offset, openMsOn(cal, openDay)));
}
