/**
 * The SLA clock, one named row per case, fixed dates, expected values worked out by hand in the row.
 * Desk: Mon–Fri 09:00–17:00 Europe/Paris with French public holidays. Policy 2024-05: P1 2 h/8 h, P2 4 h/24 h,
 * P3 8 h/80 h, P4 16 h/160 h. All local times below are Paris time unless said otherwise.
 */
import {
  computeSla,
  parseSlaPolicies,
  policyFor,
  slaView,
  type Priority,
  type SlaPolicies,
  type SlaStatus,
  type TicketEvent,
  type WaitParty,
} from '../../src/helpdesk';
import { AppError } from '../../src/shared/errors';
import { calendars, d, deskCalendar, h, policies, policyConfig } from './fixtures';

type EventRow = [at: string, action: TicketEvent['action'], on?: WaitParty];

interface Row {
  name: string;
  priority: Priority;
  slaStartAt: string;
  events: EventRow[];
  now: string;
  /** EESSI country of the counterpart desk; DE unless said. */
  counterpart?: string;
  policies?: SlaPolicies;
  expected: Partial<Record<keyof SlaStatus, unknown>>;
}

const twoPolicies = parseSlaPolicies(
  {
    versions: [
      policyConfig.versions[0],
      {
        ...policyConfig.versions[0],
        version: '2025-06',
        effectiveFrom: '2025-06-16T00:00:00+02:00',
        priorities: { ...policyConfig.versions[0].priorities, P1: { firstResponseHours: 1, resolutionHours: 4 } },
      },
    ],
  },
  calendars.has,
);

function toEvents(rows: EventRow[]): TicketEvent[] {
  return rows.map(([at, action, on]) =>
    action === 'wait' ? { at: d(at), action, on: on ?? 'counterpart' } : ({ at: d(at), action } as TicketEvent),
  );
}

function run(row: Row): SlaStatus {
  const slaStartAt = d(row.slaStartAt);
  return computeSla({
    policy: policyFor(row.policies ?? policies, slaStartAt),
    calendar: deskCalendar,
    counterpartCalendar: calendars.forCountry(row.counterpart ?? 'DE'),
    priority: row.priority,
    slaStartAt,
    events: toEvents(row.events),
    now: d(row.now),
  });
}

/** The expected keys of the actual status, dates as ISO strings (expected dates are normalised the same way). */
function project(actual: SlaStatus, expected: Row['expected']): [Record<string, unknown>, Record<string, unknown>] {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  const a: Record<string, unknown> = {};
  const e: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expected)) {
    a[key] = norm(actual[key as keyof SlaStatus]);
    e[key] = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? d(value).toISOString() : value;
  }
  return [a, e];
}

const rows: Row[] = [
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
  // ---- slaStartAt before the ticket, breach boundaries
  {
    name: 'P1 SED delivered Fri 15:00, ticket created Mon, response Mon 10:30 → due Fri 17:00, breached (3.5 h used)',
    priority: 'P1', slaStartAt: '2025-05-16T15:00:00+02:00',
    events: [
      ['2025-05-19T10:00:00+02:00', 'created'], ['2025-05-19T10:30:00+02:00', 'respond'],
      ['2025-05-19T14:00:00+02:00', 'resolve'],
    ],
    now: '2025-05-19T15:00:00+02:00',
    // Resolution: 2 h Fri + 6 h Mon → due Mon 15:00; resolved 14:00 after 2 + 5 = 7 h.
    expected: {
      firstResponseDueAt: '2025-05-16T17:00:00+02:00', firstResponseBreached: true, firstResponseBusinessMs: h(3.5),
      responseFraction: 1.75, firstResponseAt: '2025-05-19T10:30:00+02:00', resolutionDueAt: '2025-05-19T15:00:00+02:00',
      resolutionBreached: false, resolutionBusinessMs: h(7), resolvedAt: '2025-05-19T14:00:00+02:00',
      resolutionClock: 'stopped', responseClock: 'stopped',
    },
  },
  {
    name: 'P1 response exactly at the due instant (12:00:00.000) is in time',
    priority: 'P1', slaStartAt: '2025-05-06T10:00:00+02:00',
    events: [['2025-05-06T10:00:00+02:00', 'created'], ['2025-05-06T12:00:00+02:00', 'respond']],
    now: '2025-05-06T15:00:00+02:00',
    expected: { firstResponseBreached: false, firstResponseBusinessMs: h(2), responseFraction: 1 },
  },
  {
    name: 'P1 response one millisecond after the due instant is late',
    priority: 'P1', slaStartAt: '2025-05-06T10:00:00+02:00',
    events: [['2025-05-06T10:00:00+02:00', 'created'], ['2025-05-06T12:00:00.001+02:00', 'respond']],
    now: '2025-05-06T15:00:00+02:00',
    expected: { firstResponseBreached: true, firstResponseBusinessMs: h(2) + 1 },
  },
  {
    name: 'P1 unanswered at closing, looked at Tue 20:00 → breached (due 17:00) with exactly 2 business hours used',
    priority: 'P1', slaStartAt: '2025-05-06T15:00:00+02:00', events: [], now: '2025-05-06T20:00:00+02:00',
    expected: { firstResponseDueAt: '2025-05-06T17:00:00+02:00', firstResponseBreached: true, responseFraction: 1 },
  },
  {
    name: 'P1 resolution due Fri 17:00, resolved Saturday → late although no business time passed',
    priority: 'P1', slaStartAt: '2025-05-16T09:00:00+02:00',
    events: [['2025-05-16T09:30:00+02:00', 'respond'], ['2025-05-17T10:00:00+02:00', 'resolve']],
    now: '2025-05-17T10:00:00+02:00',
    expected: { resolutionDueAt: '2025-05-16T17:00:00+02:00', resolutionBreached: true, resolutionFraction: 1 },
  },
  {
    name: 'events after now are ignored: response at 10:00 is not seen at 09:30',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [['2025-05-06T10:00:00+02:00', 'respond']], now: '2025-05-06T09:30:00+02:00',
    expected: { responseClock: 'running', firstResponseBusinessMs: h(0.5) },
  },
  // ---- pauses
  {
    name: 'P2 waiting on an institution Tue 16:00 → Wed 11:00: 3 h paused, due pushed from Fri 9 May 17:00 to Mon 12 May 12:00',
    priority: 'P2', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [
      ['2025-05-06T09:00:00+02:00', 'created'], ['2025-05-06T09:30:00+02:00', 'respond'],
      ['2025-05-06T16:00:00+02:00', 'wait', 'institution'], ['2025-05-07T11:00:00+02:00', 'resume'],
    ],
    now: '2025-05-07T12:00:00+02:00',
    expected: {
      pausedMs: h(3), resolutionBusinessMs: h(8), resolutionDueAt: '2025-05-12T12:00:00+02:00',
      waitingByParty: { counterpart: { deskBusinessMs: 0, counterpartBusinessMs: 0 }, institution: { deskBusinessMs: h(3) } },
      resolutionClock: 'running',
    },
  },
  {
    name: 'P2 waiting on DE Wed 7 May 15:00 → Mon 12 May 10:00: 11 h for the desk (8 May closed), 19 h for DE (8 May worked)',
    priority: 'P2', slaStartAt: '2025-05-07T09:00:00+02:00',
    events: [
      ['2025-05-07T09:15:00+02:00', 'respond'], ['2025-05-07T15:00:00+02:00', 'wait', 'counterpart'],
      ['2025-05-12T10:00:00+02:00', 'resume'],
    ],
    now: '2025-05-12T10:00:00+02:00', counterpart: 'DE',
    // 6 h ran on Wed; 18 h remain from Mon 10:00: 7 h Mon, 8 h Tue, 3 h Wed → Wed 14 May 12:00.
    expected: {
      pausedMs: h(11), resolutionBusinessMs: h(6), resolutionDueAt: '2025-05-14T12:00:00+02:00',
      waitingByParty: { counterpart: { deskBusinessMs: h(11), counterpartBusinessMs: h(19) }, institution: { deskBusinessMs: 0 } },
    },
  },
  {
    name: 'P1 still waiting at Tue 14:00: due projected from now (7 h left → Wed 13:00), clock paused',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [['2025-05-06T09:10:00+02:00', 'respond'], ['2025-05-06T10:00:00+02:00', 'wait', 'counterpart']],
    now: '2025-05-06T14:00:00+02:00',
    expected: {
      resolutionClock: 'paused', pausedMs: h(4), resolutionBusinessMs: h(1),
      resolutionDueAt: '2025-05-07T13:00:00+02:00', resolutionBreached: false,
    },
  },
  {
    name: 'P3 waiting on UK 09:30–12:00 Paris (08:30–11:00 London) then on an institution 12:00–15:00',
    priority: 'P3', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [
      ['2025-05-06T09:15:00+02:00', 'respond'], ['2025-05-06T09:30:00+02:00', 'wait', 'counterpart'],
      ['2025-05-06T12:00:00+02:00', 'wait', 'institution'], ['2025-05-06T15:00:00+02:00', 'resume'],
    ],
    now: '2025-05-06T16:00:00+02:00', counterpart: 'UK',
    expected: {
      pausedMs: h(5.5), resolutionBusinessMs: h(1.5),
      waitingByParty: { counterpart: { deskBusinessMs: h(2.5), counterpartBusinessMs: h(2) }, institution: { deskBusinessMs: h(3) } },
    },
  },
  {
    name: 'P1 resolved while waiting: due frozen at the resolve (1 h used, 7 h from Tue 14:00 → Wed 13:00)',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [
      ['2025-05-06T09:10:00+02:00', 'respond'], ['2025-05-06T10:00:00+02:00', 'wait', 'counterpart'],
      ['2025-05-06T14:00:00+02:00', 'resolve'],
    ],
    now: '2025-05-07T12:00:00+02:00',
    expected: {
      resolutionClock: 'stopped', pausedMs: h(4), resolutionBusinessMs: h(1),
      resolutionDueAt: '2025-05-07T13:00:00+02:00', resolvedAt: '2025-05-06T14:00:00+02:00',
    },
  },
  {
    name: 'P1 paused after running past the due time (waiting from 17:30, due 17:00) → breached',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [['2025-05-06T09:05:00+02:00', 'respond'], ['2025-05-06T17:30:00+02:00', 'wait', 'counterpart']],
    now: '2025-05-07T09:00:00+02:00',
    expected: { resolutionDueAt: '2025-05-06T17:00:00+02:00', resolutionBreached: true, resolutionClock: 'paused' },
  },
  // ---- resolution without separate response, reopen
  {
    name: 'P1 resolved at 10:00 without a respond: the resolution is the first response',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [['2025-05-06T10:00:00+02:00', 'resolve']], now: '2025-05-06T11:00:00+02:00',
    expected: {
      firstResponseAt: '2025-05-06T10:00:00+02:00', responseClock: 'stopped', firstResponseBusinessMs: h(1),
      resolutionBusinessMs: h(1), resolutionDueAt: '2025-05-06T17:00:00+02:00', resolutionClock: 'stopped',
    },
  },
  {
    name: 'P1 reopened Wed 10:00 after resolve Tue 12:00: resolved time does not count (3 h + 1 h, due Wed 15:00)',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [
      ['2025-05-06T09:30:00+02:00', 'respond'], ['2025-05-06T12:00:00+02:00', 'resolve'],
      ['2025-05-07T10:00:00+02:00', 'reopen'],
    ],
    now: '2025-05-07T11:00:00+02:00',
    expected: {
      resolutionBusinessMs: h(4), resolutionDueAt: '2025-05-07T15:00:00+02:00', resolutionClock: 'running',
      pausedMs: 0, resolvedAt: undefined, firstResponseAt: '2025-05-06T09:30:00+02:00',
    },
  },
  {
    name: 'P1 reopened then resolved again Wed 16:00: 3 h + 6 h > 8 h → due Wed 15:00, breached',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [
      ['2025-05-06T09:30:00+02:00', 'respond'], ['2025-05-06T12:00:00+02:00', 'resolve'],
      ['2025-05-07T10:00:00+02:00', 'reopen'], ['2025-05-07T16:00:00+02:00', 'resolve'],
    ],
    now: '2025-05-07T17:00:00+02:00',
    expected: {
      resolutionBusinessMs: h(9), resolutionDueAt: '2025-05-07T15:00:00+02:00', resolutionBreached: true,
      resolvedAt: '2025-05-07T16:00:00+02:00', resolutionClock: 'stopped',
    },
  },
  {
    name: 'P1 closed after resolve, reopened from closed: closed time does not count either',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [
      ['2025-05-06T09:30:00+02:00', 'respond'], ['2025-05-06T12:00:00+02:00', 'resolve'],
      ['2025-05-06T13:00:00+02:00', 'close'], ['2025-05-09T10:00:00+02:00', 'reopen'],
    ],
    now: '2025-05-09T10:00:00+02:00',
    // 3 h ran Tue; 5 h remain from Fri 10:00 → Fri 15:00 (8 May closed, but nothing ran anyway).
    expected: { resolutionBusinessMs: h(3), resolutionDueAt: '2025-05-09T15:00:00+02:00', pausedMs: 0 },
  },
  // ---- policy change mid-month
  {
    name: 'policy 2025-06 in force from Mon 16 Jun: P1 started Fri 13 Jun keeps 2024-05 (2 h → Fri 12:00)',
    priority: 'P1', slaStartAt: '2025-06-13T10:00:00+02:00', events: [], now: '2025-06-17T10:00:00+02:00',
    policies: twoPolicies,
    expected: { policyVersion: '2024-05', firstResponseDueAt: '2025-06-13T12:00:00+02:00' },
  },
  {
    name: 'policy 2025-06 in force from Mon 16 Jun: P1 started Mon 16 Jun 10:00 gets 1 h/4 h → 11:00 and 14:00',
    priority: 'P1', slaStartAt: '2025-06-16T10:00:00+02:00', events: [], now: '2025-06-16T10:00:00+02:00',
    policies: twoPolicies,
    expected: {
      policyVersion: '2025-06', firstResponseDueAt: '2025-06-16T11:00:00+02:00',
      resolutionDueAt: '2025-06-16T14:00:00+02:00',
    },
  },
];

describe('computeSla', () => {
  test.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const sla = run(row);
    const [actual, expected] = project(sla, row.expected);
    expect(actual).toEqual(expected);
    // Invariant: every paused millisecond is attributed to exactly one party.
    expect(sla.pausedMs).toBe(sla.waitingByParty.counterpart.deskBusinessMs + sla.waitingByParty.institution.deskBusinessMs);
  });
});

describe('computeSla refuses histories the state machine forbids', () => {
  test.each([
    ['waiting before any response', [['2025-05-06T10:00:00+02:00', 'wait', 'counterpart']]],
    ['reopening an open ticket', [['2025-05-06T10:00:00+02:00', 'respond'], ['2025-05-06T11:00:00+02:00', 'reopen']]],
    ['"created" after another event', [['2025-05-06T10:00:00+02:00', 'respond'], ['2025-05-06T11:00:00+02:00', 'created']]],
  ] as Array<[string, EventRow[]]>)('%s', (_name, events) => {
    const row: Row = { name: '', priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00', events, now: '2025-05-07T09:00:00+02:00', expected: {} };
    expect(() => run(row)).toThrow(expect.objectContaining({ code: 'HDK_INVALID_TRANSITION' }) as AppError);
  });
});

describe('slaView', () => {
  test('exposes the contract fields with UTC RFC 3339 times', () => {
    const sla = run(rows[1]);
    expect(slaView(sla)).toEqual({
      policyVersion: '2024-05',
      firstResponseDueAt: '2025-05-19T08:00:00.000Z',
      resolutionDueAt: '2025-05-19T14:00:00.000Z',
      firstResponseBreached: false,
      resolutionBreached: false,
      pausedMs: 0,
    });
  });
});
