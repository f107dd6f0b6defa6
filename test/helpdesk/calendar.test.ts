import {
  addBusinessMs,
  buildCalendar,
  businessMsBetween,
  isBusinessTime,
  nextOpening,
  type CalendarDefinition,
  type WeeklyHours,
} from '../../src/business-time';
import { AppError } from '../../src/shared/errors';
import { calendars, d, deskCalendar as fr, h } from './fixtures';

// French public holidays used below. 2024: Fri 1 Nov, Mon 11 Nov. 2025: Wed 1 Jan, Mon 21 Apr (Easter Monday),
// Thu 1 May, Thu 8 May, Thu 29 May (Ascension), Mon 9 Jun (Whit Monday), Mon 14 Jul, Fri 15 Aug, Tue 11 Nov,
// Thu 25 Dec. DST: Sun 30 Mar 2025 (+01:00 → +02:00), Sun 26 Oct 2025 (+02:00 → +01:00).

describe('isBusinessTime on the desk calendar (Mon–Fri 09:00–17:00 Europe/Paris, French holidays)', () => {
  test.each([
    ['Tuesday 09:00 sharp is open', '2025-05-06T09:00:00+02:00', true],
    ['Tuesday 08:59:59.999 is closed', '2025-05-06T08:59:59.999+02:00', false],
    ['Tuesday 16:59:59.999 is open', '2025-05-06T16:59:59.999+02:00', true],
    ['Tuesday 17:00 sharp is closed (intervals are half-open)', '2025-05-06T17:00:00+02:00', false],
    ['Saturday 10:00 is closed', '2025-05-10T10:00:00+02:00', false],
    ['Sunday 10:00 is closed', '2025-05-11T10:00:00+02:00', false],
    ['New Year, Wed 1 Jan 2025, is closed', '2025-01-01T10:00:00+01:00', false],
    ['Good Friday is open (no Alsace-Moselle holidays)', '2025-04-18T10:00:00+02:00', true],
    ['Easter Monday, 21 Apr 2025, is closed', '2025-04-21T10:00:00+02:00', false],
    ['1 May 2025 (Thursday) is closed', '2025-05-01T10:00:00+02:00', false],
    ['8 May 2025 (Thursday) is closed', '2025-05-08T10:00:00+02:00', false],
    ['Ascension, Thu 29 May 2025, is closed', '2025-05-29T10:00:00+02:00', false],
    ['Friday after Ascension is open (no bridge day configured)', '2025-05-30T10:00:00+02:00', true],
    ['Whit Monday, 9 Jun 2025, is closed (desk decision, see config)', '2025-06-09T10:00:00+02:00', false],
    ['14 July 2025 (Monday) is closed', '2025-07-14T10:00:00+02:00', false],
    ['15 August 2025 (Friday) is closed', '2025-08-15T10:00:00+02:00', false],
    ['1 November 2024 (Friday) is closed', '2024-11-01T10:00:00+01:00', false],
    ['11 November 2025 (Tuesday) is closed', '2025-11-11T10:00:00+01:00', false],
    ['Christmas, Thu 25 Dec 2025, is closed', '2025-12-25T10:00:00+01:00', false],
    ['26 December 2025 is open (Alsace-Moselle only)', '2025-12-26T10:00:00+01:00', true],
    ['Monday after spring DST change, 09:00 local = 07:00Z, is open', '2025-03-31T07:00:00Z', true],
    ['Monday after spring DST change, 06:59Z = 08:59 local, is closed', '2025-03-31T06:59:00Z', false],
    ['Monday after autumn DST change, 07:30Z = 08:30 local, is closed', '2025-10-27T07:30:00Z', false],
    ['Monday after autumn DST change, 08:00Z = 09:00 local, is open', '2025-10-27T08:00:00Z', true],
  ])('%s', (_name, at, expected) => {
    expect(isBusinessTime(fr, d(at))).toBe(expected);
  });
});

describe('nextOpening on the desk calendar', () => {
  test.each([
    ['an open instant is its own next opening', '2025-05-06T10:00:00+02:00', '2025-05-06T10:00:00+02:00'],
    ['early morning opens the same day at 09:00', '2025-05-06T03:00:00+02:00', '2025-05-06T09:00:00+02:00'],
    ['closing time opens the next morning', '2025-05-06T17:00:00+02:00', '2025-05-07T09:00:00+02:00'],
    ['Friday evening before spring DST opens Monday 09:00 summer time', '2025-03-28T18:00:00+01:00', '2025-03-31T09:00:00+02:00'],
    ['Friday evening before autumn DST opens Monday 09:00 winter time', '2025-10-24T18:00:00+02:00', '2025-10-27T09:00:00+01:00'],
    ['eve of 1 May opens Friday 2 May', '2025-04-30T17:30:00+02:00', '2025-05-02T09:00:00+02:00'],
    ['eve of 8 May opens Friday 9 May', '2025-05-07T17:00:00+02:00', '2025-05-09T09:00:00+02:00'],
    ['eve of Ascension opens Friday 30 May', '2025-05-28T17:00:00+02:00', '2025-05-30T09:00:00+02:00'],
    ['Friday before Whit Monday opens Tuesday 10 June', '2025-06-06T17:00:00+02:00', '2025-06-10T09:00:00+02:00'],
    ['Friday before 14 July opens Tuesday 15 July', '2025-07-11T17:00:00+02:00', '2025-07-15T09:00:00+02:00'],
    ['eve of 15 August opens Monday 18 August', '2025-08-14T17:00:00+02:00', '2025-08-18T09:00:00+02:00'],
    ['eve of 1 November 2024 opens Monday 4 November', '2024-10-31T17:00:00+01:00', '2024-11-04T09:00:00+01:00'],
    ['eve of 11 November 2025 opens Wednesday 12 November', '2025-11-10T17:00:00+01:00', '2025-11-12T09:00:00+01:00'],
    ['Christmas Eve evening opens Friday 26 December', '2025-12-24T17:00:00+01:00', '2025-12-26T09:00:00+01:00'],
    ['New Year\'s Eve evening opens Friday 2 January', '2025-12-31T17:00:00+01:00', '2026-01-02T09:00:00+01:00'],
  ])('%s', (_name, at, expected) => {
    expect(nextOpening(fr, d(at)).toISOString()).toBe(d(expected).toISOString());
  });
});

describe('addBusinessMs on the desk calendar', () => {
  test.each([
    ['zero duration returns the start unchanged, even when closed', '2025-05-10T12:00:00+02:00', 0, '2025-05-10T12:00:00+02:00'],
    ['Fri 15:00 + 2 h ends at closing, Fri 17:00, not Monday', '2025-05-16T15:00:00+02:00', h(2), '2025-05-16T17:00:00+02:00'],
    ['Fri 16:00 + 2 h → Mon 10:00', '2025-05-16T16:00:00+02:00', h(2), '2025-05-19T10:00:00+02:00'],
    ['Saturday + 1 h → Mon 10:00', '2025-05-17T12:00:00+02:00', h(1), '2025-05-19T10:00:00+02:00'],
    ['across spring DST: Fri 16:00 +01 + 2 h → Mon 10:00 +02', '2025-03-28T16:00:00+01:00', h(2), '2025-03-31T10:00:00+02:00'],
    ['across autumn DST: Fri 16:00 +02 + 2 h → Mon 10:00 +01', '2025-10-24T16:00:00+02:00', h(2), '2025-10-27T10:00:00+01:00'],
    ['across 1 May: Wed 16:00 + 8 h → Fri 2 May 16:00', '2025-04-30T16:00:00+02:00', h(8), '2025-05-02T16:00:00+02:00'],
    ['across 8 May and Ascension 2024: Tue 7 May 09:00 + 16 h → Fri 10 May 17:00', '2024-05-07T09:00:00+02:00', h(16), '2024-05-10T17:00:00+02:00'],
    ['across 1 November 2024: Thu 13:00 + 8 h → Mon 4 Nov 13:00', '2024-10-31T13:00:00+01:00', h(8), '2024-11-04T13:00:00+01:00'],
    ['across Christmas and New Year: Mon 22 Dec 09:00 + 80 h → Tue 6 Jan 17:00', '2025-12-22T09:00:00+01:00', h(80), '2026-01-06T17:00:00+01:00'],
    ['one millisecond after opening', '2025-05-06T08:00:00+02:00', 1, '2025-05-06T09:00:00.001+02:00'],
  ])('%s', (_name, start, ms, expected) => {
    expect(addBusinessMs(fr, d(start), ms).toISOString()).toBe(d(expected).toISOString());
  });

  test('a negative duration is refused', () => {
    expect(() => addBusinessMs(fr, d('2025-05-06T10:00:00+02:00'), -1)).toThrow(AppError);
  });
});

describe('businessMsBetween on the desk calendar', () => {
  test.each([
    ['same instant is zero', '2025-05-06T10:00:00+02:00', '2025-05-06T10:00:00+02:00', 0],
    ['Fri 16:00 +01 → Mon 10:00 +02 across spring DST is 2 h', '2025-03-28T16:00:00+01:00', '2025-03-31T10:00:00+02:00', h(2)],
    ['reversed bounds give the negative', '2025-03-31T10:00:00+02:00', '2025-03-28T16:00:00+01:00', -h(2)],
    ['all of 14 July 2025 is zero', '2025-07-14T00:00:00+02:00', '2025-07-15T00:00:00+02:00', 0],
    ['week of 8 May 2025 is four days, 32 h', '2025-05-05T00:00:00+02:00', '2025-05-12T00:00:00+02:00', h(32)],
    ['May 2025: 22 weekdays less 1, 8 and 29 May = 19 days, 152 h', '2025-05-01T00:00:00+02:00', '2025-06-01T00:00:00+02:00', h(152)],
    ['year 2025: 261 weekdays less 10 weekday holidays = 251 days, 2008 h', '2025-01-01T00:00:00+01:00', '2026-01-01T00:00:00+01:00', h(2008)],
    ['a night counts nothing', '2025-05-06T17:00:00+02:00', '2025-05-07T09:00:00+02:00', 0],
  ])('%s', (_name, a, b, expected) => {
    expect(businessMsBetween(fr, d(a), d(b))).toBe(expected);
  });
});

const ALL_DAY: WeeklyHours = {
  mon: [['00:00', '24:00']], tue: [['00:00', '24:00']], wed: [['00:00', '24:00']], thu: [['00:00', '24:00']],
  fri: [['00:00', '24:00']], sat: [['00:00', '24:00']], sun: [['00:00', '24:00']],
};
const roundTheClock = buildCalendar({ id: 'paris-24-7', zone: 'Europe/Paris', weeklyHours: ALL_DAY });
const sundayNight = buildCalendar({ id: 'sunday-2-3', zone: 'Europe/Paris', weeklyHours: { sun: [['02:00', '03:00']] } });

describe('daylight-saving changes measured on a round-the-clock calendar', () => {
  test.each([
    ['spring-forward Sunday lasts 23 h', '2025-03-30T00:00:00+01:00', '2025-03-31T00:00:00+02:00', h(23)],
    ['fall-back Sunday lasts 25 h', '2025-10-26T00:00:00+02:00', '2025-10-27T00:00:00+01:00', h(25)],
    ['an ordinary Sunday lasts 24 h', '2025-04-06T00:00:00+02:00', '2025-04-07T00:00:00+02:00', h(24)],
  ])('%s', (_name, a, b, expected) => {
    expect(businessMsBetween(roundTheClock, d(a), d(b))).toBe(expected);
  });

  test('24 business hours from midnight before spring-forward end at 01:00 summer time', () => {
    expect(addBusinessMs(roundTheClock, d('2025-03-30T00:00:00+01:00'), h(24)).toISOString()).toBe(
      d('2025-03-31T01:00:00+02:00').toISOString(),
    );
  });

  test('an opening inside the spring-forward gap (02:00–03:00) does not exist that night', () => {
    expect(nextOpening(sundayNight, d('2025-03-29T12:00:00Z')).toISOString()).toBe(
      d('2025-04-06T02:00:00+02:00').toISOString(),
    );
  });
});

describe('counterpart calendars', () => {
  test.each([
    ['DE: German Unity Day, Fri 3 Oct 2025, is closed in Germany', 'DE', '2025-10-03T09:00:00+02:00', '2025-10-03T17:00:00+02:00', 0],
    ['FR desk: 3 Oct 2025 is an ordinary Friday', 'FR', '2025-10-03T09:00:00+02:00', '2025-10-03T17:00:00+02:00', h(8)],
    ['DE: 8 May 2025 is worked in Germany (nationwide holidays)', 'DE', '2025-05-08T09:00:00+02:00', '2025-05-08T17:00:00+02:00', h(8)],
    ['UK: 09:00–17:00 London is 10:00–18:00 Paris', 'UK', '2025-05-06T10:00:00+02:00', '2025-05-06T18:00:00+02:00', h(8)],
    ['UK: early May bank holiday, Mon 5 May 2025, is closed', 'UK', '2025-05-05T10:00:00+02:00', '2025-05-05T18:00:00+02:00', 0],
    ['EL (Greece, GR holidays): Orthodox Easter Monday, 6 May 2024, is closed', 'EL', '2024-05-06T09:00:00+03:00', '2024-05-06T17:00:00+03:00', 0],
    ['FR desk: 6 May 2024 is an ordinary Monday', 'FR', '2024-05-06T09:00:00+02:00', '2024-05-06T17:00:00+02:00', h(8)],
    ['IS: New Year\'s Eve is a public holiday from 13:00, so 4 h', 'IS', '2025-12-31T09:00:00Z', '2025-12-31T17:00:00Z', h(4)],
  ])('%s', (_name, country, a, b, expected) => {
    const cal = country === 'FR' ? fr : calendars.forCountry(country);
    expect(businessMsBetween(cal, d(a), d(b))).toBe(expected);
  });
});

describe('calendar overrides', () => {
  const base: CalendarDefinition = {
    id: 'FR-variant',
    zone: 'Europe/Paris',
    weeklyHours: fr.definition.weeklyHours,
    holidays: { country: 'FR' },
  };
  test.each([
    ['ignoring rule "easter 50" opens Whit Monday', { holidays: { country: 'FR', ignoreRules: ['easter 50'] } }, '2025-06-09T10:00:00+02:00', true],
    ['extraOpenDays opens Whit Monday 2025 only', { extraOpenDays: ['2025-06-09'] }, '2025-06-09T10:00:00+02:00', true],
    ['extraOpenDays of 2025 leaves Whit Monday 2026 closed', { extraOpenDays: ['2025-06-09'] }, '2026-05-25T10:00:00+02:00', false],
    ['extraClosedDays closes a bridge day', { extraClosedDays: ['2025-05-02'] }, '2025-05-02T10:00:00+02:00', false],
    ['no holiday source: 1 May is a working Thursday', { holidays: undefined }, '2025-05-01T10:00:00+02:00', true],
  ])('%s', (_name, override, at, expected) => {
    expect(isBusinessTime(buildCalendar({ ...base, ...override }), d(at))).toBe(expected);
  });
});

describe('invalid calendar definitions are refused with HDK_POLICY_INVALID', () => {
  const base: CalendarDefinition = { id: 'bad', zone: 'Europe/Paris', weeklyHours: { mon: [['09:00', '17:00']] } };
  test.each([
    ['unknown zone', { zone: 'Europe/Lutece' }, 'bad.zone'],
    ['unknown holiday country', { holidays: { country: 'XX' } }, 'bad.holidays.country'],
    ['unknown holiday state', { holidays: { country: 'FR', state: '99' } }, 'bad.holidays.state'],
    ['end before start', { weeklyHours: { mon: [['17:00', '09:00']] } }, 'bad.weeklyHours.mon[0]'],
    ['overlapping intervals', { weeklyHours: { mon: [['09:00', '12:00'], ['11:00', '17:00']] } }, 'bad.weeklyHours.mon[1]'],
    ['malformed time', { weeklyHours: { mon: [['9h', '17:00']] } }, 'bad.weeklyHours.mon[0]'],
    ['never open', { weeklyHours: {} }, 'bad.weeklyHours'],
    ['not a weekday', { weeklyHours: { lun: [['09:00', '17:00']] } as WeeklyHours }, 'bad.weeklyHours.lun'],
    ['impossible closed day', { extraClosedDays: ['2025-02-30'] }, 'bad.extraClosedDays[0]'],
  ])('%s', (_name, override, path) => {
    try {
      buildCalendar({ ...base, ...override } as CalendarDefinition);
      throw new Error('expected HDK_POLICY_INVALID');
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('HDK_POLICY_INVALID');
      expect((e as AppError).details.map((x) => x.path)).toContain(path);
    }
  });
});
