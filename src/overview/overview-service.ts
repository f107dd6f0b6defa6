/**
 * The supervisors' overview: today's and this month's flows beside yesterday's and the same days of the month
 * before, what is waiting now (the triage backlog by reason and by the legal clock), and the last 30 days day by day. Days and months are Europe/Paris calendar days (the desk's), counted on when this service received,
 * decided or was told each thing (not on legalDeliveryAt: this is the desk's workload, not the legal report).
 */
import { DateTime } from 'luxon';
import type { Clock } from '../shared/clock';
import { parsePageRequest, type Page, type PageRequest } from '../shared/paging';
import { instantBusinessHoursBefore } from '../business-time/business-age';

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
  /** The cases in triage per reason, by the legal clock: received at or before `oldBefore` / `overdueBefore`. */
  triageBacklog(oldBefore: Date, overdueBefore: Date): Promise<BacklogRow[]>;
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

export interface OverviewDeps {
  repo: OverviewRepository;
  ticketsAtRisk: TicketsAtRisk;
  clock: Clock;
  /** Business hours between two instants on the desk calendar, and the triage age classes (as the queue's). */
  businessHoursBetween: (from: Date, to: Date) => number;
  age: { oldBusinessHours: number; overdueBusinessHours: number };
}

export class OverviewService {
  constructor(private readonly deps: OverviewDeps) {}

  // long-function: the periods (today, yesterday, this month, the same days of the month before, 30 days) side by side
  async overview() {
    const now = DateTime.fromJSDate(this.deps.clock.now()).setZone(OVERVIEW_ZONE);
    const today = now.startOf('day');
    const month = now.startOf('month');
    const first = today.minus({ days: OVERVIEW_DAYS - 1 });
    const previousMonth = month.minus({ months: 1 });
    const from = previousMonth < first ? previousMonth : first;
    const [counted, waiting, ticketsAtRisk, backlog] = await Promise.all([
      this.deps.repo.dailyFlows(from.toJSDate(), OVERVIEW_ZONE), this.deps.repo.waitingNow(), this.deps.ticketsAtRisk(), this.backlog(now.toJSDate()),
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
    // The month before, to the same day of the month (or its last day): a fair comparison mid-month.
    const previousMonthEnd = previousMonth.set({ day: Math.min(today.day, previousMonth.daysInMonth!) });
    const previousMonthDays: DayFlows[] = [];
    for (let d = previousMonth; d <= previousMonthEnd; d = d.plus({ days: 1 })) previousMonthDays.push(day(d));
    const { date: _date, ...todayCounts } = day(today);
    const { date: yesterdayDate, ...yesterdayCounts } = day(today.minus({ days: 1 }));
    return {
      generatedAt: now.toUTC().toISO(),
      timeZone: OVERVIEW_ZONE,
      today: { date: today.toISODate(), ...todayCounts },
      yesterday: { date: yesterdayDate, ...yesterdayCounts },
      month: { month: month.toFormat('yyyy-MM'), ...sum(monthDays) },
      previousMonth: { month: previousMonth.toFormat('yyyy-MM'), through: previousMonthEnd.toISODate(), ...sum(previousMonthDays) },
      now: { ...waiting, ticketsAtRisk },
      backlog,
      days,
    };
  }

  /** The triage backlog by reason and by the legal clock (business hours since the first envelope's legalDeliveryAt). */
  private async backlog(now: Date) {
    const { age, businessHoursBetween } = this.deps;
    const oldBefore = instantBusinessHoursBefore(businessHoursBetween, now, age.oldBusinessHours);
    const overdueBefore = instantBusinessHoursBefore(businessHoursBetween, now, age.overdueBusinessHours);
    const rows = await this.deps.repo.triageBacklog(oldBefore, overdueBefore);
    const oldest = rows.reduce<Date | null>((o, r) => (r.oldestReceivedAt && (!o || r.oldestReceivedAt < o) ? r.oldestReceivedAt : o), null);
    const total = (k: 'cases' | 'envelopes' | 'old' | 'overdue') => rows.reduce((n, r) => n + r[k], 0);
    return {
      clock: 'legal' as const,
      oldBusinessHours: age.oldBusinessHours,
      overdueBusinessHours: age.overdueBusinessHours,
      cases: total('cases'), envelopes: total('envelopes'), old: total('old'), overdue: total('overdue'),
      oldestReceivedAt: oldest?.toISOString() ?? null,
      oldestBusinessHours: oldest ? Math.round(businessHoursBetween(oldest, now) * 10) / 10 : null,
      byReason: rows.map((r) => ({ reason: r.reason, cases: r.cases, envelopes: r.envelopes, old: r.old, overdue: r.overdue, oldestReceivedAt: r.oldestReceivedAt?.toISOString() ?? null })),
    };
  }
}

/** One reason of the triage backlog: cases, SEDs held, cases old / overdue by the legal clock, the oldest receipt. */
export interface BacklogRow {
  reason: string;
  cases: number;
  envelopes: number;
  old: number;
  overdue: number;
  oldestReceivedAt: Date | null;
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
