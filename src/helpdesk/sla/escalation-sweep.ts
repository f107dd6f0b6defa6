/**
 * The escalation sweep (run every minute by the scheduler, inside one transaction under the job's lock): for
 * each open ticket, the SLA as of `now`, the thresholds newly crossed (escalationsDue: business hours only), and
 * for each one an escalation row, an `escalated` event on the ticket and, when a broker is configured, a
 * notification waiting in the outbox. The (ticket, kind) primary key makes "once per threshold" hold even if
 * two sweeps ever overlapped.
 */
import { isAppError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { escalationsDue, type EscalationKind } from './escalation';
import type { HelpdeskConfig } from '../helpdesk-config';
import type { PolicySnapshots } from './policy-snapshots';
import { SYSTEM_ACTORS } from '../tickets/ticket-request';
import type { SlaStatus } from './sla-clock';
import type { TicketEventRecord, TicketReader, TicketRecord, TicketWriter } from '../tickets/ticket-store';


export interface RaisedEscalation {
  ticketId: string;
  kind: EscalationKind;
  priority: TicketRecord['priority'];
  counterpartCountry: string;
  state: TicketRecord['state'];
  dueAt: Date;
}

export interface SweepResult {
  scanned: number;
  raised: RaisedEscalation[];
  /** Tickets whose SLA could not be computed (e.g. a calendar removed from the configuration). */
  failed: Array<{ ticketId: string; code: string }>;
}

export interface SweepDeps {
  config: HelpdeskConfig;
  snapshots: PolicySnapshots;
  /** Whether a notification is to be sent for each escalation (a broker is configured). */
  notify: boolean;
  logger: Logger;
  /** The SLA of a ticket with the policy version and calendar revisions it keeps (TicketService.measure). */
  measure: (r: TicketReader, t: TicketRecord, events: readonly TicketEventRecord[], at: Date) => Promise<SlaStatus>;
  /** Open tickets looked at per sweep (HELPDESK_SWEEP_LIMIT); the rest waits for the next run. */
  limit: number;
}

async function sweepTicket(w: TicketWriter, deps: SweepDeps, t: TicketRecord, ctx: { events: Awaited<ReturnType<TicketWriter['eventsOf']>>; raised: Set<EscalationKind> }, now: Date): Promise<RaisedEscalation[]> {
  const events = ctx.events.get(t.id) ?? [];
  const policy = await deps.snapshots.byVersion(w, t.policyVersion);
  const sla = await deps.measure(w, t, events, now);
  const out: RaisedEscalation[] = [];
  for (const kind of escalationsDue(sla, ctx.raised, now, deps.config.calendars.get(policy.calendar))) {
    const dueAt = kind.startsWith('response') ? sla.firstResponseDueAt : sla.resolutionDueAt;
    const inserted = await w.insertEscalation({
      ticketId: t.id, kind, at: now, dueAt, policyVersion: policy.version, notification: deps.notify ? 'pending' : 'none', sentAt: null,
    });
    if (!inserted) continue;
    await w.appendEvent({
      ticketId: t.id, at: now, kind: 'escalated', actor: SYSTEM_ACTORS.escalation.id, waitOn: null, stateAfter: t.state,
      message: null, visibility: null, data: { escalation: kind, dueAt: dueAt.toISOString(), policyVersion: policy.version },
    });
    out.push({ ticketId: t.id, kind, priority: t.priority, counterpartCountry: t.counterpartCountry, state: t.state, dueAt });
  }
  return out;
}

export async function sweepEscalations(w: TicketWriter, deps: SweepDeps, now: Date): Promise<SweepResult> {
  const open = await w.lockOpenTickets(deps.limit);
  if (open.length === deps.limit) {
    deps.logger.warn('escalation sweep hit its limit; the remaining tickets wait for the next run', { event: 'helpdesk.sweep_limit', limit: deps.limit });
  }
  const ids = open.map((t) => t.id);
  const events = await w.eventsOf(ids);
  const escalations = await w.escalationsOf(ids);
  const result: SweepResult = { scanned: open.length, raised: [], failed: [] };
  for (const t of open) {
    const raised = new Set((escalations.get(t.id) ?? []).map((e) => e.kind));
    try {
      result.raised.push(...(await sweepTicket(w, deps, t, { events, raised }, now)));
    } catch (e) {
      // A domain error on one ticket (no SQL ran for it) must not stop the others; anything else aborts the run.
      if (!isAppError(e)) throw e;
      result.failed.push({ ticketId: t.id, code: e.code });
    }
  }
  return result;
}
