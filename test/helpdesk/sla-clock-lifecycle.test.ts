/** SLA clock, part 2: what happens to the clocks over a ticket's life. */
import { slaView } from '../../src/helpdesk';
import type { AppError } from '../../src/shared/errors';
import { h } from './fixtures';
import { checkRow, runRow, twoPolicies, type EventRow, type SlaRow } from './sla-harness';

const rows: SlaRow[] = [
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

describe('computeSla: responses, breaches, pauses, reopen, policy versions', () => {
  test.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => checkRow(row));
});

describe('computeSla refuses histories the state machine forbids', () => {
  test.each([
    ['waiting before any response', [['2025-05-06T10:00:00+02:00', 'wait', 'counterpart']]],
    ['reopening an open ticket', [['2025-05-06T10:00:00+02:00', 'respond'], ['2025-05-06T11:00:00+02:00', 'reopen']]],
    ['"created" after another event', [['2025-05-06T10:00:00+02:00', 'respond'], ['2025-05-06T11:00:00+02:00', 'created']]],
  ] as Array<[string, EventRow[]]>)('%s', (_name, events) => {
    const row: SlaRow = { name: '', priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00', events, now: '2025-05-07T09:00:00+02:00', expected: {} };
    expect(() => runRow(row)).toThrow(expect.objectContaining({ code: 'HDK_INVALID_TRANSITION' }) as AppError);
  });
});

describe('slaView', () => {
  test('exposes the contract fields with UTC RFC 3339 times (P1 from Fri 16:00, waiting 1 h on Mon)', () => {
    const sla = runRow({
      name: 'view', priority: 'P1', slaStartAt: '2025-05-16T16:00:00+02:00',
      events: [
        ['2025-05-16T16:10:00+02:00', 'respond'], ['2025-05-19T09:00:00+02:00', 'wait', 'institution'],
        ['2025-05-19T10:00:00+02:00', 'resume'],
      ],
      now: '2025-05-19T10:00:00+02:00', expected: {},
    });
    // Response due Mon 10:00 +02; resolution 1 h Fri + 7 h Mon pushed by the 1 h pause → Mon 17:00 +02.
    expect(slaView(sla)).toEqual({
      policyVersion: '2024-05',
      firstResponseDueAt: '2025-05-19T08:00:00.000Z',
      resolutionDueAt: '2025-05-19T15:00:00.000Z',
      firstResponseBreached: false,
      resolutionBreached: false,
      pausedMs: h(1),
    });
  });
});
