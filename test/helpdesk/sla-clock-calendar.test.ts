/** SLA clock, part 1: where the clocks start and when they are due (calendar, holidays, daylight saving). */
import { h } from './fixtures';
import { checkRow, type SlaRow } from './sla-harness';

const rows: SlaRow[] = [
  // ---- starts inside and outside business hours
  {
    name: 'P1 created Tue 10:00, untouched at 11:00 → response due 12:00, resolution due Wed 10:00 (7 h Tue + 1 h Wed)',
    priority: 'P1', slaStartAt: '2025-05-06T10:00:00+02:00',
    events: [['2025-05-06T10:00:00+02:00', 'created']], now: '2025-05-06T11:00:00+02:00',
    expected: {
      clockStartAt: '2025-05-06T10:00:00+02:00', firstResponseDueAt: '2025-05-06T12:00:00+02:00',
      resolutionDueAt: '2025-05-07T10:00:00+02:00', firstResponseBusinessMs: h(1), responseFraction: 0.5,
      resolutionFraction: 0.125, firstResponseBreached: false, resolutionBreached: false,
      responseClock: 'running', resolutionClock: 'running', pausedMs: 0,
    },
  },
  {
    name: 'P1 created Fri 16:00 → response due Mon 10:00, resolution due Mon 16:00 (1 h Fri + 7 h Mon)',
    priority: 'P1', slaStartAt: '2025-05-16T16:00:00+02:00',
    events: [['2025-05-16T16:00:00+02:00', 'created']], now: '2025-05-16T16:30:00+02:00',
    expected: { firstResponseDueAt: '2025-05-19T10:00:00+02:00', resolutionDueAt: '2025-05-19T16:00:00+02:00' },
  },
  {
    name: 'P2 created Saturday 11:00 → clock starts Mon 09:00, response due Mon 13:00, resolution due Wed 17:00',
    priority: 'P2', slaStartAt: '2025-05-17T11:00:00+02:00',
    events: [['2025-05-17T11:00:00+02:00', 'created']], now: '2025-05-17T12:00:00+02:00',
    expected: {
      clockStartAt: '2025-05-19T09:00:00+02:00', firstResponseDueAt: '2025-05-19T13:00:00+02:00',
      resolutionDueAt: '2025-05-21T17:00:00+02:00', firstResponseBusinessMs: 0, resolutionBusinessMs: 0,
    },
  },
  {
    name: 'P1 created Tue 07:30 → clock starts 09:00, response due 11:00, resolution due 17:00 the same day',
    priority: 'P1', slaStartAt: '2025-05-06T07:30:00+02:00',
    events: [['2025-05-06T07:30:00+02:00', 'created']], now: '2025-05-06T07:45:00+02:00',
    expected: {
      clockStartAt: '2025-05-06T09:00:00+02:00', firstResponseDueAt: '2025-05-06T11:00:00+02:00',
      resolutionDueAt: '2025-05-06T17:00:00+02:00',
    },
  },
  // ---- holidays
  {
    name: 'P1 created Wed 30 Apr 16:00, 1 May closed → response due Fri 2 May 10:00, resolution Fri 16:00',
    priority: 'P1', slaStartAt: '2025-04-30T16:00:00+02:00', events: [], now: '2025-04-30T16:00:00+02:00',
    expected: { firstResponseDueAt: '2025-05-02T10:00:00+02:00', resolutionDueAt: '2025-05-02T16:00:00+02:00' },
  },
  {
    name: 'P2 created Wed 7 May 15:00, 8 May closed → response Fri 9 May 11:00; resolution 2+8+8+6 h → Tue 13 May 15:00',
    priority: 'P2', slaStartAt: '2025-05-07T15:00:00+02:00', events: [], now: '2025-05-07T15:00:00+02:00',
    expected: { firstResponseDueAt: '2025-05-09T11:00:00+02:00', resolutionDueAt: '2025-05-13T15:00:00+02:00' },
  },
  {
    name: 'P2 created Wed 28 May 15:00, Ascension 29 May closed → response Fri 30 May 11:00; resolution Tue 3 Jun 15:00',
    priority: 'P2', slaStartAt: '2025-05-28T15:00:00+02:00', events: [], now: '2025-05-28T15:00:00+02:00',
    expected: { firstResponseDueAt: '2025-05-30T11:00:00+02:00', resolutionDueAt: '2025-06-03T15:00:00+02:00' },
  },
  {
    name: 'P1 created Fri 6 Jun 16:00, Whit Monday closed → response Tue 10 Jun 10:00, resolution Tue 16:00',
    priority: 'P1', slaStartAt: '2025-06-06T16:00:00+02:00', events: [], now: '2025-06-06T16:00:00+02:00',
    expected: { firstResponseDueAt: '2025-06-10T10:00:00+02:00', resolutionDueAt: '2025-06-10T16:00:00+02:00' },
  },
  {
    name: 'P1 created Fri 11 Jul 16:00, 14 July (Monday) closed → response Tue 15 Jul 10:00',
    priority: 'P1', slaStartAt: '2025-07-11T16:00:00+02:00', events: [], now: '2025-07-11T16:00:00+02:00',
    expected: { firstResponseDueAt: '2025-07-15T10:00:00+02:00' },
  },
  {
    name: 'P1 created Thu 14 Aug 16:30, 15 August (Friday) closed → response Mon 18 Aug 10:30',
    priority: 'P1', slaStartAt: '2025-08-14T16:30:00+02:00', events: [], now: '2025-08-14T16:30:00+02:00',
    expected: { firstResponseDueAt: '2025-08-18T10:30:00+02:00' },
  },
  {
    name: 'P1 created Thu 31 Oct 2024 16:00, 1 November (Friday) closed → response Mon 4 Nov 10:00',
    priority: 'P1', slaStartAt: '2024-10-31T16:00:00+01:00', events: [], now: '2024-10-31T16:00:00+01:00',
    expected: { firstResponseDueAt: '2024-11-04T10:00:00+01:00' },
  },
  {
    name: 'P1 created Mon 10 Nov 2025 16:00, 11 November (Tuesday) closed → response Wed 12 Nov 10:00',
    priority: 'P1', slaStartAt: '2025-11-10T16:00:00+01:00', events: [], now: '2025-11-10T16:00:00+01:00',
    expected: { firstResponseDueAt: '2025-11-12T10:00:00+01:00' },
  },
  {
    name: 'P1 created Wed 24 Dec 16:00, Christmas closed → response Fri 26 Dec 10:00, resolution Fri 16:00',
    priority: 'P1', slaStartAt: '2025-12-24T16:00:00+01:00', events: [], now: '2025-12-24T16:00:00+01:00',
    expected: { firstResponseDueAt: '2025-12-26T10:00:00+01:00', resolutionDueAt: '2025-12-26T16:00:00+01:00' },
  },
  {
    name: 'P3 created Wed 31 Dec 09:00, New Year closed → response Wed 17:00; resolution 8+8+5×8+3×8 h → Wed 14 Jan 17:00',
    priority: 'P3', slaStartAt: '2025-12-31T09:00:00+01:00', events: [], now: '2025-12-31T09:00:00+01:00',
    expected: { firstResponseDueAt: '2025-12-31T17:00:00+01:00', resolutionDueAt: '2026-01-14T17:00:00+01:00' },
  },
  // ---- daylight-saving changes
  {
    name: 'P1 created Fri 28 Mar 16:00 +01, spring DST on Sunday → response Mon 31 Mar 10:00 +02 (08:00Z)',
    priority: 'P1', slaStartAt: '2025-03-28T16:00:00+01:00', events: [], now: '2025-03-28T16:00:00+01:00',
    expected: { firstResponseDueAt: '2025-03-31T08:00:00Z', resolutionDueAt: '2025-03-31T14:00:00Z' },
  },
  {
    name: 'P1 created Fri 24 Oct 16:00 +02, autumn DST on Sunday → response Mon 27 Oct 10:00 +01 (09:00Z)',
    priority: 'P1', slaStartAt: '2025-10-24T16:00:00+02:00', events: [], now: '2025-10-24T16:00:00+02:00',
    expected: { firstResponseDueAt: '2025-10-27T09:00:00Z', resolutionDueAt: '2025-10-27T15:00:00Z' },
  },
  {
    name: 'P2 started in the spring DST night (Sun 30 Mar 01:30Z) → clock starts Mon 09:00 +02, response due 13:00 +02',
    priority: 'P2', slaStartAt: '2025-03-30T01:30:00Z', events: [], now: '2025-03-30T02:00:00Z',
    expected: { clockStartAt: '2025-03-31T07:00:00Z', firstResponseDueAt: '2025-03-31T11:00:00Z' },
  },
  {
    name: 'P1 paused over the autumn DST night: waiting Fri 24 Oct 16:00 +02 → Mon 27 Oct 10:00 +01 is 2 h paused',
    priority: 'P1', slaStartAt: '2025-10-24T09:00:00+02:00',
    events: [
      ['2025-10-24T09:00:00+02:00', 'created'], ['2025-10-24T09:30:00+02:00', 'respond'],
      ['2025-10-24T16:00:00+02:00', 'wait', 'institution'], ['2025-10-27T10:00:00+01:00', 'resume'],
    ],
    now: '2025-10-27T10:00:00+01:00',
    // 7 h ran on Friday; 1 h remains from Mon 10:00 → 11:00 +01.
    expected: { pausedMs: h(2), resolutionBusinessMs: h(7), resolutionDueAt: '2025-10-27T11:00:00+01:00' },
  },
];

describe('computeSla: starts, holidays and daylight saving', () => {
  test.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => checkRow(row));
});
