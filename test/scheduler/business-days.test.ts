/** Business days on the desk calendar (Mon–Fri 09:00–17:00 Europe/Paris, French public holidays): the pipeline watch's deadlines. */
import { addBusinessDays } from '../../src/business-time/business-days';
import { loadHelpdeskConfig } from '../../src/helpdesk/helpdesk-config';

const desk = loadHelpdeskConfig('config').calendars.get('FR-desk');

describe('addBusinessDays on FR-desk', () => {
  test.each([
    ['plain week: Monday 10:00 + 5 = next Monday 10:00', '2025-03-03T10:00:00+01:00', 5, '2025-03-10T10:00:00+01:00'],
    ['8 May (Victoire 1945) in between: Monday + 5 = Tuesday after', '2025-05-05T10:00:00+02:00', 5, '2025-05-13T10:00:00+02:00'],
    ['Whit Monday 9 June 2025 in between', '2025-06-02T10:00:00+02:00', 5, '2025-06-10T10:00:00+02:00'],
    ['Christmas in between, 26 December is worked', '2025-12-23T15:00:00+01:00', 5, '2025-12-31T15:00:00+01:00'],
    ['Saturday + 5 = five full days: Friday 17:00', '2025-03-01T12:00:00+01:00', 5, '2025-03-07T17:00:00+01:00'],
    ['at the opening + 1 = the same day\'s closing', '2025-03-03T09:00:00+01:00', 1, '2025-03-03T17:00:00+01:00'],
    ['Friday evening before the DST change + 5 = Friday 17:00 summer time', '2025-03-28T18:30:00+01:00', 5, '2025-04-04T17:00:00+02:00'],
    ['Tuesday 16:59 + 1 = Wednesday 16:59', '2025-03-04T16:59:00+01:00', 1, '2025-03-05T16:59:00+01:00'],
    ['0 days = the next opening', '2025-03-01T12:00:00+01:00', 0, '2025-03-03T09:00:00+01:00'],
  ])('%s', (_name, start, days, expected) => {
    expect(addBusinessDays(desk, new Date(start), days).toISOString()).toBe(new Date(expected).toISOString());
  });

  test('a fractional or negative number of days is refused', () => {
    expect(() => addBusinessDays(desk, new Date('2025-03-03T10:00:00Z'), 1.5)).toThrow(/whole, non-negative/);
    expect(() => addBusinessDays(desk, new Date('2025-03-03T10:00:00Z'), -1)).toThrow(/whole, non-negative/);
  });
});
