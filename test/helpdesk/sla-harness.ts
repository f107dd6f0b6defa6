/**
 * Harness for the SLA clock tables: one named row per case, fixed dates, expected values worked out by hand in the
 * row. Desk: Mon–Fri 09:00–17:00 Europe/Paris with French public holidays. Policy 2024-05: P1 2 h/8 h,
 * P2 4 h/24 h, P3 8 h/80 h, P4 16 h/160 h. Local times in the rows are Paris time unless said otherwise.
 */
import {
  computeSla,
  parseSlaPolicies,
  policyFor,
  type Priority,
  type SlaPolicies,
  type SlaStatus,
  type TicketEvent,
  type WaitParty,
} from '../../src/helpdesk';
import { calendars, d, deskCalendar, policies, policyConfig } from './fixtures';

export type EventRow = [at: string, action: TicketEvent['action'], on?: WaitParty];

export interface SlaRow {
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

/** The shipped 2024-05 policy plus a 2025-06 version from Mon 16 Jun 2025 with P1 at 1 h / 4 h. */
export const twoPolicies = parseSlaPolicies(
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

export function runRow(row: SlaRow): SlaStatus {
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
function project(actual: SlaStatus, expected: SlaRow['expected']): [Record<string, unknown>, Record<string, unknown>] {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  const a: Record<string, unknown> = {};
  const e: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expected)) {
    a[key] = norm(actual[key as keyof SlaStatus]);
    e[key] = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? d(value).toISOString() : value;
  }
  return [a, e];
}

export function checkRow(row: SlaRow): void {
  const sla = runRow(row);
  const [actual, expected] = project(sla, row.expected);
  expect(actual).toEqual(expected);
  // Invariant: every paused millisecond is attributed to exactly one party.
  expect(sla.pausedMs).toBe(sla.waitingByParty.counterpart.deskBusinessMs + sla.waitingByParty.institution.deskBusinessMs);
}
