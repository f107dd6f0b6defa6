/**
 * The supervisors' overview: today's and this month's flows at a glance, what is waiting now, and the last 30 days
 * day by day. Days and months are Europe/Paris calendar days (the desk's), counted on when this service received,
 * decided or was told each thing (not on legalDeliveryAt: this is the desk's workload, not the legal report).
 */
import { DateTime } from 'luxon';
import type { Clock } from '../shared/clock';
import { parsePageRequest, type Page, type PageRequest } from '../shared/paging';

export const OVERVIEW_ZONE = 'Europe/Paris';
export const OVERVIEW_DAYS = 30;

export interface FlowCounts {
  /** Envelopes stored by intake. */
  received: number;
  /** Envelopes the rules forwarded (including later SEDs following their case). */
  forwardedAutomatically: number;
  /** Cases operators forwarded from triage. */
  forwardedAfterTriage: number;
  /** Envelopes the rules sent to triage (or that waited there with their case). */
  toTriage: number;
  /** Rejected inputs (first receipt). */
  quarantined: number;
  /** Cases an institution bounced. */
  bounced: number;
}

export interface DayFlows extends FlowCounts {
  date: string;
}

export interface OverviewRepository {
  /** Counts per Paris calendar day from `from` on; days without anything may be missing. */
  dailyFlows(from: Date, timeZone: string): Promise<DayFlows[]>;
  /** x007Failed: forwards not carried out in RINA that no retry could fix (each with a ticket; see src/forwarding/x007.ts). */
  waitingNow(): Promise<{ inTriage: number; quarantineOpen: number; x007Failed: number }>;
}

/** Open tickets whose SLA is in warning or breached (the help desk computes the SLA; see ticketsAtRisk). */
export type TicketsAtRisk = () => Promise<number>;

const ZERO: FlowCounts = { received: 0, forwardedAutomatically: 0, forwardedAfterTriage: 0, toTriage: 0, quarantined: 0, bounced: 0 };
const KEYS = Object.keys(ZERO) as Array<keyof FlowCounts>;

function sum(days: DayFlows[]): FlowCounts {
  const out = { ...ZERO };
  for (const d of days) for (const k of KEYS) out[k] += d[k];
  return out;
}

export class OverviewService {
  constructor(private readonly deps: { repo: OverviewRepository; ticketsAtRisk: TicketsAtRisk; clock: Clock }) {}

  async overview() {
    const now = DateTime.fromJSDate(this.deps.clock.now()).setZone(OVERVIEW_ZONE);
    const today = now.startOf('day');
    const month = now.startOf('month');
    const first = today.minus({ days: OVERVIEW_DAYS - 1 });
    const from = month < first ? month : first;
    const [counted, waiting, ticketsAtRisk] = await Promise.all([
      this.deps.repo.dailyFlows(from.toJSDate(), OVERVIEW_ZONE), this.deps.repo.waitingNow(), this.deps.ticketsAtRisk(),
    ]);
    const byDate = new Map(counted.map((d) => [d.date, d]));
    const day = (d: DateTime): DayFlows => {
      const date = d.toISODate()!;
      return { ...ZERO, ...byDate.get(date), date };
    };
    const days: DayFlows[] = [];
    for (let d = first; d <= today; d = d.plus({ days: 1 })) days.push(day(d));
    const monthDays: DayFlows[] = [];
    for (let d = month; d <= today; d = d.plus({ days: 1 })) monthDays.push(day(d));
    const { date: _date, ...todayCounts } = day(today);
    return {
      generatedAt: now.toUTC().toISO(),
      timeZone: OVERVIEW_ZONE,
      today: { date: today.toISODate(), ...todayCounts },
      month: { month: month.toFormat('yyyy-MM'), ...sum(monthDays) },
      now: { ...waiting, ticketsAtRisk },
      days,
    };
  }
}

/** A ticket summary as the help desk lists it (only what the at-risk judgement reads). */
export interface TicketSummary {
  state: string;
  sla: { status?: string; firstResponseBreached: boolean; resolutionBreached: boolean };
  escalations: readonly string[];
}

/**
 * At risk: an open ticket whose SLA the help desk reports in warning or breached (`sla.status`), or — where the
 * help desk does not say — with a breached clock or an escalation raised.
 */
export function isAtRisk(t: TicketSummary): boolean {
  if (t.state === 'resolved' || t.state === 'closed') return false;
  if (t.sla.status !== undefined) return t.sla.status === 'warning' || t.sla.status === 'breached';
  return t.sla.firstResponseBreached || t.sla.resolutionBreached || t.escalations.length > 0;
}

const OPEN_STATES = ['new', 'open', 'waiting-counterpart', 'waiting-institution'] as const;

/** Counts the open tickets at risk through the help desk's own list (and so its own SLA computation). */
export function ticketsAtRiskFrom(tickets: {
  list(filter: { states: Array<(typeof OPEN_STATES)[number]> }, page: PageRequest): Promise<Page<TicketSummary>>;
}): TicketsAtRisk {
  return async () => {
    let n = 0;
    let cursor: string | null = null;
    do {
      const page: Page<TicketSummary> = await tickets.list({ states: [...OPEN_STATES] }, parsePageRequest({ limit: '500', cursor: cursor ?? undefined }));
      n += page.items.filter(isAtRisk).length;
      cursor = page.nextCursor;
    } while (cursor);
    return n;
  };
}
