/**
 * The instant a given number of business hours before another, on a calendar known only through "business hours
 * between two instants" (monotone in its start): a minimum age in business hours becomes a bound on a timestamp
 * column, so the queue's age filter means the same hours its age column shows.
 */
const HOUR_MS = 3_600_000;
const PRECISION_MS = 60_000;

/**
 * The latest instant t (to the minute) with businessHoursBetween(t, to) ≥ hours. Business hours never exceed
 * clock hours, so t is at most `to` − hours; the search steps back (doubling) until enough business time lies
 * behind, then bisects.
 */
export function instantBusinessHoursBefore(businessHoursBetween: (from: Date, to: Date) => number, to: Date, hours: number): Date {
  if (!(hours > 0)) return to;
  const end = to.getTime();
  let late = end - hours * HOUR_MS;
  const enough = (t: number) => businessHoursBetween(new Date(t), to) >= hours - 1e-9;
  if (enough(late)) return new Date(late);
  let step = Math.max(hours * HOUR_MS, 24 * HOUR_MS);
  let early = late - step;
  // At most ~ 2^12 days back: a calendar with no opening for that long is a configuration error caught elsewhere.
  for (let i = 0; i < 12 && !enough(early); i += 1) {
    late = early;
    step *= 2;
    early -= step;
  }
  while (late - early > PRECISION_MS) {
    const mid = Math.floor((early + late) / 2);
    if (enough(mid)) early = mid;
    else late = mid;
  }
  return new Date(early);
}
