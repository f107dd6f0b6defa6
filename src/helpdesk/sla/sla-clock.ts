/**
 * The SLA clock: a pure function of the policy version, the calendars, the priority, slaStartAt, the ticket's
 * events and `now` (docs/contract.md §5).
 *
 * Rules, and the choices made where the contract is silent:
 * - Both clocks start at the first business instant at or after slaStartAt (which may precede the ticket).
 * - The response clock never pauses; it stops at the first `respond`, or at `resolve` if the ticket is resolved
 *   without a separate response (the resolution reaches the requester, so it is a response).
 * - The resolution clock runs in `new` and `open`, pauses in `waiting-*`, stops at `resolve`. After `reopen` it
 *   runs again from the business time it had reached: the time spent resolved/closed never counts, exactly like
 *   a pause, but it is not a pause and is not in `pausedMs` (nobody was being waited on).
 * - `pausedMs` is the business time (desk calendar) the resolution clock spent in `waiting-*` states after the
 *   clock started; it always equals waitingByParty.counterpart.deskBusinessMs + institution.deskBusinessMs.
 * - A due date is the earliest instant at which the running clock reaches its target, i.e. the target pushed
 *   forward by every pause and resolved period so far. While the resolution clock is paused its due date is
 *   projected as if it resumed now, so it moves forward as the pause lasts.
 * - Breached: the clock was still running after the due instant (for the response clock: the response came, or
 *   `now` is, after the due instant). Stopping exactly at the due instant is in time; stopping on Saturday for a
 *   target due Friday 17:00 is late, although no business time passed since.
 * - The result is "as of now": events after `now` are ignored, so the same function answers for a past instant
 *   (end of a month) as well as for the present.
 * - A priority change (`priority` event) recomputes both targets with the new priority's, in the same policy
 *   version, over the whole ticket: the business time already spent counts against the new targets (a P3 raised
 *   to P1 after 3 business hours has already missed its 2-hour response). `priority` in the input is the one the
 *   ticket opened with; as of an instant before a change, the earlier priority applies.
 */
import { AppError } from '../../shared/errors';
import { addBusinessMs, businessMsBetween, nextOpening, type BusinessCalendar } from '../../business-time/calendar';
import { targetsFor, type Priority, type SlaPolicyVersion } from './sla-policy';
import { applyAction, isWaiting, type TicketAction, type TicketState } from '../tickets/ticket-state';

/** One recorded state change; `created` may only come first. */
export type TicketEvent = { at: Date } & (TicketAction | { action: 'created' });

export interface SlaInput {
  policy: SlaPolicyVersion;
  /** The desk calendar named by the policy version. */
  calendar: BusinessCalendar;
  /** The counterpart country's desk calendar, to measure waiting on that party in its own business hours. */
  counterpartCalendar: BusinessCalendar;
  /** The priority the ticket opened with; `priority` events change it from then on. */
  priority: Priority;
  slaStartAt: Date;
  events: readonly TicketEvent[];
  now: Date;
}

export interface SlaStatus {
  policyVersion: string;
  /** The priority in force as of `now`, whose targets are measured. */
  priority: Priority;
  warnAtFraction: number;
  /** First business instant at or after slaStartAt. */
  clockStartAt: Date;
  firstResponseTargetMs: number;
  resolutionTargetMs: number;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  responseClock: 'running' | 'stopped';
  resolutionClock: 'running' | 'paused' | 'stopped';
  pausedMs: number;
  firstResponseAt?: Date;
  /** Set while the ticket is resolved or closed; cleared by a reopen. */
  resolvedAt?: Date;
  firstResponseBusinessMs: number;
  resolutionBusinessMs: number;
  responseFraction: number;
  resolutionFraction: number;
  waitingByParty: {
    counterpart: { deskBusinessMs: number; counterpartBusinessMs: number };
    institution: { deskBusinessMs: number };
  };
}

interface Segment {
  state: TicketState;
  from: number;
  to: number;
}

interface Replay {
  segments: Segment[];
  state: TicketState;
  priority: Priority;
  firstResponseAt?: number;
  resolvedAt?: number;
}

/** Replays the events through the state machine into state segments covering [clockStart, now]. */
function replay(events: readonly TicketEvent[], clockStart: number, now: number, priority: Priority): Replay {
  const ordered = events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.at.getTime() - y.e.at.getTime() || x.i - y.i)
    .map((x) => x.e)
    .filter((e) => e.at.getTime() <= now);
  const result: Replay = { segments: [], state: 'new', priority };
  let from = clockStart;
  ordered.forEach((event, index) => {
    if (event.action === 'created') {
      if (index !== 0) throw new AppError('HDK_INVALID_TRANSITION', 'a "created" event can only be the first one');
      return;
    }
    const at = Math.max(event.at.getTime(), clockStart);
    const next = applyAction(result.state, event);
    if (next !== result.state) {
      result.segments.push({ state: result.state, from, to: at });
      from = at;
    }
    const t = event.at.getTime();
    if ((event.action === 'respond' || event.action === 'resolve') && result.firstResponseAt === undefined) {
      result.firstResponseAt = t;
    }
    if (event.action === 'resolve') result.resolvedAt = t;
    if (event.action === 'priority') result.priority = event.to;
    if (event.action === 'reopen') result.resolvedAt = undefined;
    result.state = next;
  });
  result.segments.push({ state: result.state, from, to: Math.max(now, clockStart) });
  return result;
}

function runsResolutionClock(state: TicketState): boolean {
  return state === 'new' || state === 'open';
}

interface ClockRun {
  businessMs: number;
  dueAt: number;
  breached: boolean;
}

/** Due instant and breach for a clock that runs during `running` (time-ordered, non-overlapping) intervals. */
function runClock(cal: BusinessCalendar, running: Segment[], targetMs: number, projectFrom: number): ClockRun {
  let businessMs = 0;
  let dueAt: number | undefined;
  let lastRunningInstant: number | undefined;
  for (const seg of running) {
    if (seg.to <= seg.from) continue;
    const length = businessMsBetween(cal, new Date(seg.from), new Date(seg.to));
    if (dueAt === undefined && businessMs + length >= targetMs) {
      dueAt = addBusinessMs(cal, new Date(seg.from), targetMs - businessMs).getTime();
    }
    businessMs += length;
    lastRunningInstant = seg.to;
  }
  if (dueAt === undefined) {
    return {
      businessMs,
      dueAt: addBusinessMs(cal, new Date(projectFrom), targetMs - businessMs).getTime(),
      breached: false,
    };
  }
  return { businessMs, dueAt, breached: lastRunningInstant !== undefined && lastRunningInstant > dueAt };
}

function sumBusinessMs(cal: BusinessCalendar, segments: Segment[]): number {
  return segments.reduce((sum, s) => sum + Math.max(0, businessMsBetween(cal, new Date(s.from), new Date(s.to))), 0);
}

export function computeSla(input: SlaInput): SlaStatus {
  const { calendar, counterpartCalendar } = input;
  const clockStart = nextOpening(calendar, input.slaStartAt).getTime();
  const now = input.now.getTime();
  const r = replay(input.events, clockStart, now, input.priority);
  const targets = targetsFor(input.policy, r.priority);

  const responseStop = Math.max(clockStart, r.firstResponseAt ?? now);
  const responseRun = [{ state: 'new' as const, from: clockStart, to: responseStop }];
  const response = runClock(calendar, responseRun, targets.firstResponseMs, responseStop);

  const resolutionClock = runsResolutionClock(r.state) ? 'running' : isWaiting(r.state) ? 'paused' : 'stopped';
  // Until the target is reached, the due date is the remaining business time counted from the instant the clock
  // stopped (resolve) or from now (running, or paused: the pause keeps pushing the due date forward).
  const projectFrom = Math.max(clockStart, resolutionClock === 'stopped' ? (r.resolvedAt ?? now) : now);
  const running = r.segments.filter((s) => runsResolutionClock(s.state));
  const resolution = runClock(calendar, running, targets.resolutionMs, projectFrom);

  const onCounterpart = r.segments.filter((s) => s.state === 'waiting-counterpart');
  const onInstitution = r.segments.filter((s) => s.state === 'waiting-institution');
  const counterpartDeskMs = sumBusinessMs(calendar, onCounterpart);
  const institutionDeskMs = sumBusinessMs(calendar, onInstitution);

  return {
    policyVersion: input.policy.version,
    priority: r.priority,
    warnAtFraction: input.policy.warnAtFraction,
    clockStartAt: new Date(clockStart),
    firstResponseTargetMs: targets.firstResponseMs,
    resolutionTargetMs: targets.resolutionMs,
    firstResponseDueAt: new Date(response.dueAt),
    resolutionDueAt: new Date(resolution.dueAt),
    firstResponseBreached: response.breached,
    resolutionBreached: resolution.breached,
    responseClock: r.firstResponseAt === undefined ? 'running' : 'stopped',
    resolutionClock,
    pausedMs: counterpartDeskMs + institutionDeskMs,
    ...(r.firstResponseAt !== undefined && { firstResponseAt: new Date(r.firstResponseAt) }),
    ...(r.resolvedAt !== undefined && { resolvedAt: new Date(r.resolvedAt) }),
    firstResponseBusinessMs: response.businessMs,
    resolutionBusinessMs: resolution.businessMs,
    responseFraction: response.businessMs / targets.firstResponseMs,
    resolutionFraction: resolution.businessMs / targets.resolutionMs,
    waitingByParty: {
      counterpart: {
        deskBusinessMs: counterpartDeskMs,
        counterpartBusinessMs: sumBusinessMs(counterpartCalendar, onCounterpart),
      },
      institution: { deskBusinessMs: institutionDeskMs },
    },
  };
}

/** The `sla` object a ticket exposes (docs/contract.md §5), times as RFC 3339 UTC strings. */
export function slaView(sla: SlaStatus): {
  policyVersion: string;
  firstResponseDueAt: string;
  resolutionDueAt: string;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  pausedMs: number;
} {
  return {
    policyVersion: sla.policyVersion,
    firstResponseDueAt: sla.firstResponseDueAt.toISOString(),
    resolutionDueAt: sla.resolutionDueAt.toISOString(),
    firstResponseBreached: sla.firstResponseBreached,
    resolutionBreached: sla.resolutionBreached,
    pausedMs: sla.pausedMs,
  };
}
