/**
 * Which escalation thresholds a ticket has newly crossed. Pure: the scheduler computes the SLA with the same
 * `now`, calls this, and records each returned kind (ticket event, notification, console flag) in the same
 * transaction that adds it to the ticket's raised set, under its database lock, so a kind is never raised twice.
 *
 * - A warning is due once a clock has used `warnAtFraction` of its target; a breach once it is breached.
 * - Nothing is returned outside the desk's business hours: nobody should be paged at night, on weekends or on
 *   holidays. A threshold crossed then stays pending and is returned at the next run within business hours.
 * - Only clocks that are not stopped escalate: a late response that has been given, or a ticket resolved late,
 *   is reported (breached flag, monthly report) but no longer worth an alarm. A paused resolution clock still
 *   escalates what it crossed before the pause.
 * - If a run finds both the warning and the breach of a clock pending (e.g. after a scheduler outage), both are
 *   returned, warning first, so the ticket's history states every threshold that was crossed.
 */
import { isBusinessTime, type BusinessCalendar } from '../../business-time/calendar';
import type { SlaStatus } from './sla-clock';

export const ESCALATION_KINDS = [
  'response-warning',
  'response-breach',
  'resolution-warning',
  'resolution-breach',
] as const;
export type EscalationKind = (typeof ESCALATION_KINDS)[number];

export function escalationsDue(
  sla: SlaStatus,
  alreadyRaised: ReadonlySet<EscalationKind>,
  now: Date,
  deskCalendar: BusinessCalendar,
): EscalationKind[] {
  if (!isBusinessTime(deskCalendar, now)) return [];
  const crossed: EscalationKind[] = [];
  if (sla.responseClock === 'running') {
    if (sla.firstResponseBusinessMs >= sla.warnAtFraction * sla.firstResponseTargetMs) crossed.push('response-warning');
    if (sla.firstResponseBreached) crossed.push('response-breach');
  }
  if (sla.resolutionClock !== 'stopped') {
    if (sla.resolutionBusinessMs >= sla.warnAtFraction * sla.resolutionTargetMs) crossed.push('resolution-warning');
    if (sla.resolutionBreached) crossed.push('resolution-breach');
  }
  return crossed.filter((kind) => !alreadyRaised.has(kind));
}

export const SLA_STANDINGS = ['on-time', 'warning', 'breached'] as const;
/** `sla.status` of a ticket: what the console colours it with (computed here, never in the browser). */
export type SlaStanding = (typeof SLA_STANDINGS)[number];

/** The standing of each clock, at the thresholds the escalation job uses (the console colours each clock with it). */
export interface ClockStandings {
  firstResponse: SlaStanding;
  resolution: SlaStanding;
}

/**
 * Each clock at a glance: breached once breached (even stopped: a late response stays late); warning when the
 * clock still counts (the response clock running; the resolution clock running or paused) and has used
 * `warnAtFraction` of its target; on time otherwise.
 */
export function clockStandings(sla: SlaStatus): ClockStandings {
  const responseWarned = sla.responseClock === 'running' && sla.firstResponseBusinessMs >= sla.warnAtFraction * sla.firstResponseTargetMs;
  const resolutionWarned = sla.resolutionClock !== 'stopped' && sla.resolutionBusinessMs >= sla.warnAtFraction * sla.resolutionTargetMs;
  return {
    firstResponse: sla.firstResponseBreached ? 'breached' : responseWarned ? 'warning' : 'on-time',
    resolution: sla.resolutionBreached ? 'breached' : resolutionWarned ? 'warning' : 'on-time',
  };
}

/** The ticket's SLA at a glance (`sla.status`): the worse of its two clocks' standings. */
export function slaStanding(sla: SlaStatus): SlaStanding {
  const { firstResponse, resolution } = clockStandings(sla);
  return SLA_STANDINGS[Math.max(SLA_STANDINGS.indexOf(firstResponse), SLA_STANDINGS.indexOf(resolution))]!;
}
