/**
 * A ticket as the API shows it: its fields, its SLA computed now (docs/contract.md §5 plus the detail the console
 * needs), the escalations raised, the actions possible, and its history. Internal messages are shown only to
 * those who may see them (operators); other callers see that the event happened, not what was written.
 */
import type { TicketCalendars } from '../../business-time/calendar-snapshots';
import { clockStandings, slaStanding, type EscalationKind } from '../sla/escalation';
import { computeSla, slaView, type SlaStatus, type TicketEvent } from '../sla/sla-clock';
import type { Priority, SlaPolicyVersion } from '../sla/sla-policy';
import { allowedActions } from './ticket-state';
import type { EscalationRecord, SlaSnapshot, ThreadMessage, TicketEventRecord, TicketRecord } from './ticket-store';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** The events the SLA clock replays: state and priority changes and the creation, not escalations. */
export function clockEvents(events: readonly TicketEventRecord[]): TicketEvent[] {
  const out: TicketEvent[] = [];
  for (const e of events) {
    if (e.kind === 'escalated') continue;
    if (e.kind === 'wait') out.push({ at: e.at, action: 'wait', on: e.waitOn! });
    else if (e.kind === 'priority') out.push({ at: e.at, action: 'priority', to: e.data.to as Priority });
    else out.push({ at: e.at, action: e.kind });
  }
  return out;
}

/** The priority a ticket opened with: the first priority change's `from`, else the current one. */
export function openingPriority(ticket: Pick<TicketRecord, 'priority'>, events: readonly TicketEventRecord[]): Priority {
  const first = events.find((e) => e.kind === 'priority');
  return first ? (first.data.from as Priority) : ticket.priority;
}

/** The SLA of a ticket with the calendars it keeps (calendar-snapshots.ts). */
export function ticketSlaWith(
  ticket: Pick<TicketRecord, 'priority' | 'slaStartAt'>,
  events: readonly TicketEventRecord[],
  policy: SlaPolicyVersion,
  calendars: TicketCalendars,
  now: Date,
): SlaStatus {
  return computeSla({
    policy,
    calendar: calendars.desk,
    counterpartCalendar: calendars.counterpart,
    priority: openingPriority(ticket, events),
    slaStartAt: ticket.slaStartAt,
    events: clockEvents(events),
    now,
  });
}

export function slaSnapshot(sla: SlaStatus): SlaSnapshot {
  return {
    firstResponseDueAt: sla.firstResponseDueAt,
    resolutionDueAt: sla.resolutionDueAt,
    responseClock: sla.responseClock,
    resolutionClock: sla.resolutionClock,
    firstResponseBreached: sla.firstResponseBreached,
    resolutionBreached: sla.resolutionBreached,
    firstResponseAt: sla.firstResponseAt ?? null,
  };
}

/** The contract's `sla` object and what the console shows beside it. */
export function ticketSlaView(sla: SlaStatus, now: Date) {
  const clocks = clockStandings(sla);
  return {
    ...slaView(sla),
    status: slaStanding(sla),
    firstResponseStatus: clocks.firstResponse,
    resolutionStatus: clocks.resolution,
    priority: sla.priority,
    asOf: now.toISOString(),
    clockStartAt: sla.clockStartAt.toISOString(),
    responseClock: sla.responseClock,
    resolutionClock: sla.resolutionClock,
    firstResponseAt: iso(sla.firstResponseAt),
    firstResponseTargetMs: sla.firstResponseTargetMs,
    resolutionTargetMs: sla.resolutionTargetMs,
    firstResponseBusinessMs: sla.firstResponseBusinessMs,
    resolutionBusinessMs: sla.resolutionBusinessMs,
    waitingByParty: sla.waitingByParty,
  };
}

export function eventView(e: TicketEventRecord, seesInternal: boolean) {
  const hidden = e.visibility === 'internal' && !seesInternal;
  return {
    at: e.at.toISOString(),
    kind: e.kind,
    actor: e.actor,
    state: e.stateAfter,
    ...(e.waitOn && { on: e.waitOn }),
    ...(e.message !== null && !hidden && { message: e.message, visibility: e.visibility }),
    ...(hidden && { visibility: 'internal', message: null }),
    ...(Object.keys(e.data).length > 0 && { data: e.data }),
  };
}

export function escalationView(e: EscalationRecord): { kind: EscalationKind; at: string; dueAt: string; notification: string } {
  return { kind: e.kind, at: e.at.toISOString(), dueAt: e.dueAt.toISOString(), notification: e.notification };
}

/** The ticket's own fields, as in lists. */
export function ticketFields(t: TicketRecord) {
  return {
    id: t.id,
    counterpartCountry: t.counterpartCountry,
    counterpartRef: t.counterpartRef,
    caseId: t.caseId,
    bucType: t.bucType,
    sedType: t.sedType,
    category: t.category,
    priority: t.priority,
    subject: t.subject,
    description: t.description,
    source: t.source,
    ...(t.autoKey && { automatic: { key: t.autoKey, ...t.origin } }),
    createdBy: t.createdBy,
    assignee: t.assignee,
    state: t.state,
    slaStartAt: t.slaStartAt.toISOString(),
    policyVersion: t.policyVersion,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    firstResponseAt: iso(t.sla.firstResponseAt),
    resolvedAt: iso(t.resolvedAt),
    closedAt: iso(t.closedAt),
  };
}

/**
 * One message of the conversation with the counterpart desk, with its delivery state: for what the desk sent,
 * pending / sent / failed (retried) / none (no broker configured); for what it received, none (nothing to deliver).
 */
export function threadView(m: ThreadMessage) {
  const delivery = m.direction === 'in'
    ? { state: 'none' as const, attempts: 0, sentAt: null }
    : {
      state: m.delivery, attempts: m.attempts, sentAt: iso(m.sentAt),
      ...(m.delivery === 'failed' && { nextAttemptAt: iso(m.nextAttemptAt), lastError: m.lastError }),
    };
  return { messageId: m.messageId, direction: m.direction, event: m.event, message: m.message, at: m.at.toISOString(), delivery };
}

export interface TicketDetail {
  ticket: TicketRecord;
  events: readonly TicketEventRecord[];
  escalations: readonly EscalationRecord[];
  thread: readonly ThreadMessage[];
  sla: SlaStatus;
  now: Date;
}

export function ticketView(d: TicketDetail, seesInternal: boolean) {
  return {
    ...ticketFields(d.ticket),
    sla: ticketSlaView(d.sla, d.now),
    escalations: d.escalations.map(escalationView),
    allowedActions: allowedActions(d.ticket.state),
    events: d.events.map((e) => eventView(e, seesInternal)),
    thread: d.thread.map(threadView),
  };
}

export type TicketView = ReturnType<typeof ticketView>;

export function ticketSummaryView(t: TicketRecord, sla: SlaStatus, escalations: readonly EscalationRecord[], now: Date) {
  return { ...ticketFields(t), sla: ticketSlaView(sla, now), escalations: escalations.map((e) => e.kind) };
}
