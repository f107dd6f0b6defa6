/**
 * Escalation thresholds: warn at 75 % of a target, escalate at breach, only within the desk's business hours,
 * never twice. Desk Mon–Fri 09:00–17:00 Paris; P1 = 2 h response / 8 h resolution, P2 = 4 h / 24 h.
 */
import {
  computeSla,
  escalationsDue,
  policyFor,
  type EscalationKind,
  type Priority,
  type TicketEvent,
} from '../../src/helpdesk';
import { FixedClock } from '../../src/shared/clock';
import { calendars, d, deskCalendar, policies } from './fixtures';

function slaAt(priority: Priority, slaStartAt: string, events: TicketEvent[], now: Date) {
  return computeSla({
    policy: policyFor(policies, d(slaStartAt)),
    calendar: deskCalendar,
    counterpartCalendar: calendars.forCountry('DE'),
    priority,
    slaStartAt: d(slaStartAt),
    events,
    now,
  });
}

const respond = (at: string): TicketEvent => ({ at: d(at), action: 'respond' });
const resolve = (at: string): TicketEvent => ({ at: d(at), action: 'resolve' });
const waitOn = (at: string): TicketEvent => ({ at: d(at), action: 'wait', on: 'counterpart' });

interface Row {
  name: string;
  priority: Priority;
  slaStartAt: string;
  events: TicketEvent[];
  now: string;
  raised: EscalationKind[];
  expected: EscalationKind[];
}

const rows: Row[] = [
  {
    name: 'one warning: P1 unanswered at Tue 10:30, 1 h 30 of 2 h = 75 %',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00', events: [], now: '2025-05-06T10:30:00+02:00',
    raised: [], expected: ['response-warning'],
  },
  {
    name: 'nothing one millisecond before 75 %',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00', events: [], now: '2025-05-06T10:29:59.999+02:00',
    raised: [], expected: [],
  },
  {
    name: 'never twice: the warning already raised is not returned again',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00', events: [], now: '2025-05-06T10:45:00+02:00',
    raised: ['response-warning'], expected: [],
  },
  {
    name: 'one breach: P1 unanswered at 11:00:00.001, warning already raised',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00', events: [], now: '2025-05-06T11:00:00.001+02:00',
    raised: ['response-warning'], expected: ['response-breach'],
  },
  {
    name: 'none at night: P1 from Tue 15:00 breached at 17:00, nothing at 17:30',
    priority: 'P1', slaStartAt: '2025-05-06T15:00:00+02:00', events: [], now: '2025-05-06T17:30:00+02:00',
    raised: ['response-warning'], expected: [],
  },
  {
    name: 'the pending breach is returned at the next opening, Wed 09:00',
    priority: 'P1', slaStartAt: '2025-05-06T15:00:00+02:00', events: [], now: '2025-05-07T09:00:00+02:00',
    raised: ['response-warning'], expected: ['response-breach'],
  },
  {
    name: 'none on a Saturday (P1 from Fri 14:00, response due Fri 16:00)',
    priority: 'P1', slaStartAt: '2025-05-16T14:00:00+02:00', events: [], now: '2025-05-17T10:00:00+02:00',
    raised: ['response-warning'], expected: [],
  },
  {
    name: 'none on a holiday, 1 May (P1 from Wed 30 Apr 14:00, response due 16:00)',
    priority: 'P1', slaStartAt: '2025-04-30T14:00:00+02:00', events: [], now: '2025-05-01T10:00:00+02:00',
    raised: ['response-warning'], expected: [],
  },
  {
    name: 'after an outage both pending thresholds of a clock come back, warning first',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00', events: [], now: '2025-05-06T11:30:00+02:00',
    raised: [], expected: ['response-warning', 'response-breach'],
  },
  {
    name: 'resolution warning: P2 answered, 18 h of 24 h used by Fri 9 May 11:00 (8 May closed)',
    priority: 'P2', slaStartAt: '2025-05-06T09:00:00+02:00', events: [respond('2025-05-06T09:30:00+02:00')],
    now: '2025-05-09T11:00:00+02:00', raised: [], expected: ['resolution-warning'],
  },
  {
    name: 'a paused resolution clock still escalates the breach it ran into before the pause',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [respond('2025-05-06T09:05:00+02:00'), waitOn('2025-05-06T17:30:00+02:00')],
    now: '2025-05-07T09:00:00+02:00', raised: ['resolution-warning'], expected: ['resolution-breach'],
  },
  {
    name: 'a late response already given is not escalated',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00', events: [respond('2025-05-06T11:30:00+02:00')],
    now: '2025-05-06T11:45:00+02:00', raised: [], expected: [],
  },
  {
    name: 'a ticket resolved late is not escalated',
    priority: 'P1', slaStartAt: '2025-05-06T09:00:00+02:00',
    events: [respond('2025-05-06T09:05:00+02:00'), resolve('2025-05-07T10:00:00+02:00')],
    now: '2025-05-07T11:00:00+02:00', raised: [], expected: [],
  },
];

describe('escalationsDue', () => {
  test.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const now = d(row.now);
    const sla = slaAt(row.priority, row.slaStartAt, row.events, now);
    expect(escalationsDue(sla, new Set(row.raised), now, deskCalendar)).toEqual(row.expected);
  });
});

describe('a scheduler run every 15 minutes with an injected clock, P1 never answered', () => {
  test.each([
    [
      // Response: 75 % at 16:30, due 17:00, crossed after closing → Wed 09:00. Resolution 8 h: 2 h Tue + 6 h Wed:
      // 75 % (6 h) at Wed 13:00, due Wed 15:00 → first run after it, 15:15.
      'opened Tue 6 May 15:00: the response breach waits for Wednesday morning',
      '2025-05-06T15:00:00+02:00',
      [
        ['response-warning', '2025-05-06T16:30:00+02:00'],
        ['response-breach', '2025-05-07T09:00:00+02:00'],
        ['resolution-warning', '2025-05-07T13:00:00+02:00'],
        ['resolution-breach', '2025-05-07T15:15:00+02:00'],
      ],
    ],
    [
      // Response: 75 % at 12:30, due 13:00 → 13:15. Resolution 8 h: 6 h Wed + (8 May closed) + 2 h Fri: 75 % is
      // reached at Wed 17:00 sharp, closing time, so it waits over the night and the holiday until Fri 09:00;
      // due Fri 11:00 → 11:15.
      'opened Wed 7 May 11:00: the resolution warning waits over 8 May until Friday 09:00',
      '2025-05-07T11:00:00+02:00',
      [
        ['response-warning', '2025-05-07T12:30:00+02:00'],
        ['response-breach', '2025-05-07T13:15:00+02:00'],
        ['resolution-warning', '2025-05-09T09:00:00+02:00'],
        ['resolution-breach', '2025-05-09T11:15:00+02:00'],
      ],
    ],
  ] as Array<[string, string, Array<[EscalationKind, string]>]>)('%s', (_name, openedAt, expected) => {
    const clock = new FixedClock(openedAt);
    const raised = new Set<EscalationKind>();
    const log: Array<[EscalationKind, string]> = [];
    while (clock.now() < d('2025-05-13T00:00:00+02:00')) {
      const now = clock.now();
      const sla = slaAt('P1', openedAt, [], now);
      for (const kind of escalationsDue(sla, raised, now, deskCalendar)) {
        raised.add(kind);
        log.push([kind, now.toISOString()]);
      }
      clock.advance(15 * 60_000);
    }
    expect(log).toEqual(expected.map(([kind, at]) => [kind, d(at).toISOString()]));
  });
});
