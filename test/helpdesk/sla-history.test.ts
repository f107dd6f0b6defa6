/**
 * SLA clock, part 3: history is never rewritten. Table rows for a priority change in the middle of a ticket
 * (targets recomputed from the policy version the ticket keeps, the time already spent counting) and for a
 * calendar change in the middle of a month (a ticket keeps the calendar revision in force at its slaStartAt).
 * Local times are Paris time; policy 2024-05: P1 2 h/8 h, P2 4 h/24 h, P3 8 h/80 h, P4 16 h/160 h.
 */
import { buildCalendar, type CalendarDefinition } from '../../src/business-time';
import { computeSla, type Priority, type SlaStatus, type TicketEvent } from '../../src/helpdesk';
import { calendarDefinitionOf, revisionAt, type CalendarRevision } from '../../src/business-time/calendar-snapshots';
import { calendars, d, deskCalendar, h, policies } from './fixtures';

type Row = [at: string, action: 'created' | 'respond' | 'resolve' | 'wait' | 'resume'] | [at: string, action: 'priority', to: Priority];

const events = (rows: Row[]): TicketEvent[] => rows.map((r) =>
  r[1] === 'priority' ? { at: d(r[0]), action: 'priority', to: r[2] } : r[1] === 'wait' ? { at: d(r[0]), action: 'wait', on: 'counterpart' } : { at: d(r[0]), action: r[1] });

const iso = (s: string) => d(s).toISOString();

interface PriorityRow {
  name: string;
  opened: Priority;
  slaStartAt: string;
  events: Row[];
  now: string;
  expected: Partial<Record<keyof SlaStatus, unknown>>;
}

const priorityRows: PriorityRow[] = [
  {
    name: 'P3 raised to P1 after 1 business hour: both targets become P1\'s, counted from the start (response due 11:00, resolution 17:00)',
    opened: 'P3', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [['2025-05-06T09:00:00+02:00', 'created'], ['2025-05-06T10:00:00+02:00', 'priority', 'P1']],
    now: '2025-05-06T10:30:00+02:00',
    expected: {
      priority: 'P1', firstResponseTargetMs: h(2), resolutionTargetMs: h(8), firstResponseDueAt: iso('2025-05-06T11:00:00+02:00'),
      resolutionDueAt: iso('2025-05-06T17:00:00+02:00'), firstResponseBreached: false, firstResponseBusinessMs: h(1.5),
    },
  },
  {
    name: 'P3 raised to P1 after 3 business hours: the 2-hour response is already late (due 11:00), the response at 12:30 is breached',
    opened: 'P3', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [['2025-05-06T09:00:00+02:00', 'created'], ['2025-05-06T12:00:00+02:00', 'priority', 'P1'], ['2025-05-06T12:30:00+02:00', 'respond']],
    now: '2025-05-06T13:00:00+02:00',
    expected: { priority: 'P1', firstResponseDueAt: iso('2025-05-06T11:00:00+02:00'), firstResponseBreached: true, responseClock: 'stopped' },
  },
  {
    name: 'the same ticket as of 11:30, before the change: still P3, response due 17:00, on time (history as of a past instant)',
    opened: 'P3', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [['2025-05-06T09:00:00+02:00', 'created'], ['2025-05-06T12:00:00+02:00', 'priority', 'P1'], ['2025-05-06T12:30:00+02:00', 'respond']],
    now: '2025-05-06T11:30:00+02:00',
    expected: { priority: 'P3', firstResponseDueAt: iso('2025-05-06T17:00:00+02:00'), firstResponseBreached: false, responseClock: 'running' },
  },
  {
    name: 'P1 lowered to P4 at 10:00 Tue: response due after 16 business hours, Wed 7 May 17:00 (8 May is a holiday, not reached)',
    opened: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [['2025-05-06T09:00:00+02:00', 'created'], ['2025-05-06T10:00:00+02:00', 'priority', 'P4']],
    now: '2025-05-06T12:00:00+02:00',
    expected: { priority: 'P4', firstResponseDueAt: iso('2025-05-07T17:00:00+02:00'), firstResponseBreached: false, resolutionTargetMs: h(160) },
  },
  {
    name: 'P2 raised to P1 while waiting on the counterpart: the pause still counts for nothing, resolution due 8 business hours of running time',
    opened: 'P2', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [
      ['2025-05-06T09:00:00+02:00', 'created'], ['2025-05-06T09:30:00+02:00', 'respond'], ['2025-05-06T10:00:00+02:00', 'wait'],
      ['2025-05-06T11:00:00+02:00', 'priority', 'P1'], ['2025-05-06T13:00:00+02:00', 'resume'],
    ],
    now: '2025-05-06T14:00:00+02:00',
    // Running 09:00–10:00 and 13:00–14:00 = 2 h; 6 h left from 14:00: 3 h on Tuesday, 3 h on Wednesday → due Wed 12:00.
    expected: { priority: 'P1', resolutionBusinessMs: h(2), pausedMs: h(3), resolutionDueAt: iso('2025-05-07T12:00:00+02:00'), resolutionBreached: false },
  },
];

describe('a priority change mid-ticket recomputes the targets from the policy version the ticket keeps', () => {
  test.each(priorityRows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const sla = computeSla({
      policy: policies[0], calendar: deskCalendar, counterpartCalendar: calendars.forCountry('DE'), priority: row.opened,
      slaStartAt: d(row.slaStartAt), events: events(row.events), now: d(row.now),
    });
    const actual = Object.fromEntries(Object.keys(row.expected).map((k) => {
      const v = sla[k as keyof SlaStatus];
      return [k, v instanceof Date ? v.toISOString() : v];
    }));
    expect(actual).toEqual(row.expected);
  });
});

// ---- calendars: FR-desk as shipped (revision 1, recorded 1 Oct 2025), then the desk closes Monday 17 November
// (revision 2, recorded Wednesday 12 November at noon: a change in the middle of the month).
const shipped = calendarDefinitionOf(deskCalendar);
const bridged: CalendarDefinition = { ...shipped, extraClosedDays: ['2025-11-17'] };
const revisions: CalendarRevision[] = [
  { calendarId: 'FR-desk', revision: 1, digest: 'a', definition: shipped, recordedAt: d('2025-10-01T00:00:00+02:00') },
  { calendarId: 'FR-desk', revision: 2, digest: 'b', definition: bridged, recordedAt: d('2025-11-12T12:00:00+01:00') },
];

interface CalendarRow {
  name: string;
  slaStartAt: string;
  events: Row[];
  now: string;
  revision: number;
  resolutionDueAt: string;
  resolutionBreached?: boolean;
}

// P3 resolution: 80 business hours = 10 desk days of 8 hours. 11 November is a public holiday.
const calendarRows: CalendarRow[] = [
  {
    name: 'P3 started Mon 10 Nov, before the change: keeps revision 1, Mon 17 open → due Mon 24 Nov 17:00',
    slaStartAt: '2025-11-10T09:00:00+01:00', events: [['2025-11-10T09:00:00+01:00', 'created']], now: '2025-11-20T12:00:00+01:00',
    revision: 1, resolutionDueAt: '2025-11-24T17:00:00+01:00',
  },
  {
    name: 'P3 started Fri 14 Nov, after the change: revision 2, Mon 17 closed → due Fri 28 Nov 17:00 (not Thu 27)',
    slaStartAt: '2025-11-14T09:00:00+01:00', events: [['2025-11-14T09:00:00+01:00', 'created']], now: '2025-11-20T12:00:00+01:00',
    revision: 2, resolutionDueAt: '2025-11-28T17:00:00+01:00',
  },
  {
    name: 'P3 started 3 Nov, resolved Fri 14 Nov, looked at for the monthly report on 30 Nov: due Mon 17 (revision 1, not Tue 18), in time',
    slaStartAt: '2025-11-03T09:00:00+01:00',
    events: [['2025-11-03T09:00:00+01:00', 'created'], ['2025-11-03T10:00:00+01:00', 'respond'], ['2025-11-14T16:00:00+01:00', 'resolve']],
    now: '2025-11-30T23:59:59+01:00',
    // 3, 4, 5, 6, 7, 10, 12, 13, 14 Nov (9 days), the 10th day is Mon 17 in revision 1.
    revision: 1, resolutionDueAt: '2025-11-17T17:00:00+01:00', resolutionBreached: false,
  },
  {
    name: 'a clock started before any revision was recorded (a SED of September) is measured with the first revision',
    slaStartAt: '2025-09-15T09:00:00+02:00', events: [['2025-11-10T09:00:00+01:00', 'created']], now: '2025-11-10T10:00:00+01:00',
    revision: 1, resolutionDueAt: '2025-09-26T17:00:00+02:00', resolutionBreached: true,
  },
];

describe('a calendar change mid-month changes the tickets that start afterwards, never those already measured', () => {
  test.each(calendarRows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const revision = revisionAt(revisions, d(row.slaStartAt))!;
    expect(revision.revision).toBe(row.revision);
    const sla = computeSla({
      policy: policies[0], calendar: buildCalendar(revision.definition), counterpartCalendar: calendars.forCountry('DE'), priority: 'P3',
      slaStartAt: d(row.slaStartAt), events: events(row.events), now: d(row.now),
    });
    expect(sla.resolutionDueAt.toISOString()).toBe(iso(row.resolutionDueAt));
    if (row.resolutionBreached !== undefined) expect(sla.resolutionBreached).toBe(row.resolutionBreached);
  });

  test('revisionAt takes the latest revision recorded at or before the instant, whatever the order given', () => {
    expect(revisionAt([...revisions].reverse(), d('2025-11-12T12:00:00+01:00'))?.revision).toBe(2);
    expect(revisionAt(revisions, d('2025-11-12T11:59:59.999+01:00'))?.revision).toBe(1);
    expect(revisionAt([], d('2025-11-12T12:00:00+01:00'))).toBeUndefined();
  });
});
