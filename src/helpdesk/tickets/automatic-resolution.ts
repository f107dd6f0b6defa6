/**
 * Automatic tickets follow their cause. A ticket opened because forwards were not acknowledged is resolved once
 * none of its forwards is pending any more (accepted or rejected); one opened for an aged orphan case is resolved
 * once that triage episode ends (the case assigned, returned, or, when a fact was missed, out of triage or in a
 * later episode); one opened because an X007 could not be carried out in RINA is resolved once a retry sent it. Each resolution is a `resolve` event by `system:case-follow-up` whose message says why and
 * whose data carries the cause and the ids.
 *
 * Two paths: the case pipeline reports each fact inside its own transaction (followCaseFact, wired by the
 * composition root to ForwardingService and TriageService), and the pipeline watch sweeps for causes gone that no
 * fact reported (a fact before the help desk started, a resolution refused by a lock), as a safety net.
 */
import type { CaseFact, CaseFactListener } from '../../cases/case-store';
import type { Logger } from '../../shared/logger';
import type { TransactionScope } from '../../shared/transaction-scope';
import type { HelpdeskMetrics } from '../helpdesk-metrics';
import type { Actor } from './ticket-request';
import type { TicketService } from './ticket-service';
import type { TicketRecord, TicketWriter } from './ticket-store';

export const CASE_FOLLOW_UP: Actor = { id: 'system:case-follow-up', kind: 'system', seesInternal: true };

export type CauseGoneKind = 'forwards-acknowledged' | 'case-assigned' | 'case-returned' | 'case-left-triage' | 'x007-sent';

export interface CauseGone {
  ticketId: string;
  cause: CauseGoneKind;
  explanation: string;
  data: Record<string, unknown>;
}

/** Forwards' and cases' state as the follow-up needs it, read in the caller's transaction. */
export interface CauseReader {
  tickets: TicketWriter;
  /** Open forward-unacknowledged tickets whose forwards include this one. */
  openForwardTickets(forwardId: string): Promise<TicketRecord[]>;
  /** Acknowledgement of each forward: status (pending, accepted, rejected) and institution. */
  forwardStatuses(forwardIds: string[]): Promise<ForwardStatus[]>;
  /** Open orphan-aged tickets of the case. */
  openOrphanTickets(caseId: string): Promise<TicketRecord[]>;
  /** Open x007-failed tickets whose X007 has been sent since (a retry went through): of these forwards, or all of them. */
  openX007TicketsSent(forwardIds?: string[], limit?: number): Promise<X007TicketCause[]>;
  /** Open automatic tickets whose cause is gone (the sweep), at most `limit` of each kind. */
  ticketsWithCauseGone(limit: number): Promise<{ forwards: ForwardTicketCause[]; orphans: OrphanTicketCause[] }>;
}

/** An x007-failed ticket whose X007 is sent now. */
export interface X007TicketCause {
  ticketId: string;
  forwardId: string;
  caseId: string;
  documentId: string | null;
}

export type ForwardStatus = { forwardId: string; status: string; institutionId: string };

/** A forward ticket none of whose forwards is pending. */
export interface ForwardTicketCause {
  ticketId: string;
  statuses: ForwardStatus[];
}

/** An orphan ticket whose triage episode is over: the case as it is now. */
export interface OrphanTicketCause {
  ticketId: string;
  caseId: string;
  status: string;
  institutionId: string | null;
}

export interface ResolvedTicket {
  ticketId: string;
  cause: CauseGoneKind;
}

/** The sentence of a forward ticket whose forwards are all acknowledged. */
export function forwardsAcknowledged(ticketId: string, statuses: ForwardStatus[]): CauseGone | undefined {
  if (statuses.length === 0 || statuses.some((s) => s.status === 'pending')) return undefined;
  const by = (status: string) => statuses.filter((s) => s.status === status).map((s) => s.forwardId);
  const accepted = by('accepted');
  const rejected = by('rejected');
  const parts = [accepted.length ? `accepted ${accepted.join(', ')}` : '', rejected.length ? `rejected ${rejected.join(', ')}` : ''].filter(Boolean);
  return {
    ticketId, cause: 'forwards-acknowledged',
    explanation: `Resolved automatically: ${statuses[0].institutionId} acknowledged the forwards (${parts.join('; ')}).`,
    data: { automatic: true, cause: 'forwards-acknowledged', accepted, rejected, institutionId: statuses[0].institutionId },
  };
}

export function caseLeftTriage(ticketId: string, fact: Extract<CaseFact, { kind: 'left-triage' }>): CauseGone {
  const assigned = fact.outcome === 'assigned';
  return {
    ticketId, cause: assigned ? 'case-assigned' : 'case-returned',
    explanation: assigned
      ? `Resolved automatically: case ${fact.caseId} was forwarded to ${fact.institutionId} from triage.`
      : `Resolved automatically: case ${fact.caseId} was returned from triage.`,
    data: { automatic: true, cause: assigned ? 'case-assigned' : 'case-returned', caseId: fact.caseId, ...(assigned && { institutionId: fact.institutionId }) },
  };
}

/** An orphan ticket found by the sweep: the case moved on without the fact being reported. */
export function orphanEpisodeOver(c: OrphanTicketCause): CauseGone {
  if (c.status === 'forwarded') return caseLeftTriage(c.ticketId, { kind: 'left-triage', caseId: c.caseId, outcome: 'assigned', institutionId: c.institutionId, at: new Date(0) });
  if (c.status === 'returned') return caseLeftTriage(c.ticketId, { kind: 'left-triage', caseId: c.caseId, outcome: 'returned', institutionId: null, at: new Date(0) });
  return {
    ticketId: c.ticketId, cause: 'case-left-triage',
    explanation: `Resolved automatically: case ${c.caseId} left the triage episode this ticket was about (it is ${c.status} now).`,
    data: { automatic: true, cause: 'case-left-triage', caseId: c.caseId, caseStatus: c.status },
  };
}

export function x007Sent(c: X007TicketCause): CauseGone {
  return {
    ticketId: c.ticketId, cause: 'x007-sent',
    explanation: `Resolved automatically: the X007 of forward ${c.forwardId} (case ${c.caseId}) was sent in RINA after a retry${c.documentId ? ` (document ${c.documentId})` : ''}.`,
    data: { automatic: true, cause: 'x007-sent', forwardId: c.forwardId, caseId: c.caseId, documentId: c.documentId },
  };
}

/** Resolves one automatic ticket for its cause; false when it is no longer open (someone resolved it first). */
export async function resolveForCause(service: TicketService, w: TicketWriter, gone: CauseGone, now: Date): Promise<boolean> {
  const ticket = await w.lockTicket(gone.ticketId);
  if (!ticket || ticket.state === 'resolved' || ticket.state === 'closed') return false;
  await service.applyIn(w, ticket, { action: { action: 'resolve' }, message: gone.explanation, visibility: 'internal' }, CASE_FOLLOW_UP, now,
    { data: gone.data, reply: false });
  return true;
}

/** The event-driven path: one fact of the case pipeline, in its transaction. */
export async function followCaseFact(service: TicketService, r: CauseReader, fact: CaseFact): Promise<ResolvedTicket[]> {
  const gone: CauseGone[] = [];
  if (fact.kind === 'forward-acknowledged') {
    for (const t of await r.openForwardTickets(fact.forwardId)) {
      const ids = Array.isArray(t.origin.forwardIds) ? (t.origin.forwardIds as string[]) : [];
      const g = forwardsAcknowledged(t.id, await r.forwardStatuses(ids));
      if (g) gone.push(g);
    }
  } else {
    for (const t of await r.openOrphanTickets(fact.caseId)) gone.push(caseLeftTriage(t.id, fact));
  }
  const resolved: ResolvedTicket[] = [];
  for (const g of gone) {
    if (await resolveForCause(service, r.tickets, g, fact.at)) resolved.push({ ticketId: g.ticketId, cause: g.cause });
  }
  return resolved;
}

/** The safety net (pipeline watch): every open automatic ticket whose cause is gone. */
export async function sweepGoneCauses(service: TicketService, r: CauseReader, now: Date, limit = 500): Promise<ResolvedTicket[]> {
  const found = await r.ticketsWithCauseGone(limit);
  const gone = [
    ...found.forwards.map((f) => forwardsAcknowledged(f.ticketId, f.statuses)).filter((g): g is CauseGone => g !== undefined),
    ...found.orphans.map(orphanEpisodeOver),
    ...(await r.openX007TicketsSent(undefined, limit)).map(x007Sent),
  ];
  const resolved: ResolvedTicket[] = [];
  for (const g of gone) {
    if (await resolveForCause(service, r.tickets, g, now)) resolved.push({ ticketId: g.ticketId, cause: g.cause });
  }
  return resolved;
}

/** The event-driven path of X007s: the relay sent these forwards' X007s (a retry went through), in a transaction of their own. */
export async function followX007sSent(service: TicketService, r: CauseReader, forwardIds: string[], now: Date): Promise<ResolvedTicket[]> {
  if (forwardIds.length === 0) return [];
  const resolved: ResolvedTicket[] = [];
  for (const g of (await r.openX007TicketsSent(forwardIds)).map(x007Sent)) {
    if (await resolveForCause(service, r.tickets, g, now)) resolved.push({ ticketId: g.ticketId, cause: g.cause });
  }
  return resolved;
}

/**
 * The listener ForwardingService and TriageService call (`onFact`): follows the fact in its transaction, through
 * the cause reader that shares it, and logs what it resolved once that transaction committed.
 */
export function caseFollowUp(
  deps: { service: TicketService; logger: Logger; metrics: Pick<HelpdeskMetrics, 'automaticResolutions'> },
  readerIn: (scope: TransactionScope) => CauseReader,
): CaseFactListener {
  return async (w, fact) => {
    const resolved = await followCaseFact(deps.service, readerIn(w.scope), fact);
    return () => {
      for (const r of resolved) {
        deps.metrics.automaticResolutions.inc({ cause: r.cause, via: 'event' });
        deps.logger.info('automatic ticket resolved: its cause is gone', { event: 'helpdesk.ticket_auto_resolved', ticketId: r.ticketId, cause: r.cause, via: 'event' });
      }
    };
  };
}
