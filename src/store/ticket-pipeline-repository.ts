/**
 * The help desk's reads and marks on the case pipeline's tables (pipeline watch), and the escalation outbox
 * (leased, published outside any transaction, then marked).
 * SQL only here.
 */
import type { CauseReader, ForwardStatus, ForwardTicketCause, OrphanTicketCause, X007TicketCause } from '../helpdesk/tickets/automatic-resolution';
import type { EscalationNotice, EscalationOutbox } from '../helpdesk/sla/escalation-notices';
import type { PipelineWatchWriter, TriagedCase, UnacknowledgedForward } from '../helpdesk/tickets/pipeline-watch';
import type { TransactionScope } from '../shared/transaction-scope';
import { markForwardsReminded, markOrphanTicket } from './case-changes';
import type { Database, Sql } from './database';
import { PgNoticeOutbox, type NoticeTable } from './notice-outbox';
import { sqlOf } from './sql-scope';
import { ESCALATION_ORDER, PgTicketWriter, ticketFromRow } from './ticket-repository';

export class PgPipelineWatchWriter implements PipelineWatchWriter {
  readonly tickets: PgTicketWriter;

  constructor(private readonly tx: Sql) {
    this.tickets = new PgTicketWriter(tx);
  }

  async unacknowledgedForwards(createdBefore: Date, limit: number): Promise<UnacknowledgedForward[]> {
    const rows = await this.tx.query<{
      forward_id: string; case_id: string; institution_id: string; buc_type: string; created_at: Date; legal_delivery_at: Date;
    }>(
      `SELECT f.forward_id, f.case_id, f.institution_id, c.buc_type, f.created_at, f.legal_delivery_at
         FROM forwards f JOIN cases c ON c.case_id = f.case_id
        WHERE f.status = 'pending' AND f.reminder_raised_at IS NULL AND f.created_at <= $1
        ORDER BY f.created_at, f.forward_id LIMIT $2 FOR UPDATE OF f SKIP LOCKED`, [createdBefore, limit]);
    return rows.map((r) => ({
      forwardId: r.forward_id, caseId: r.case_id, institutionId: r.institution_id, bucType: r.buc_type,
      createdAt: r.created_at, legalDeliveryAt: r.legal_delivery_at,
    }));
  }

  async markForwardsReminded(forwards: UnacknowledgedForward[], ticketId: string, at: Date): Promise<void> {
    if (forwards.length === 0) return;
    await markForwardsReminded(this.tx, forwards.map((f) => f.forwardId), at, {
      caseId: forwards[0].caseId,
      data: { ticketId, reason: 'forward-unacknowledged', institutionId: forwards[0].institutionId, forwardIds: forwards.map((f) => f.forwardId) },
    });
  }

  async triagedCasesWithoutTicket(since: Date, limit: number): Promise<TriagedCase[]> {
    const rows = await this.tx.query<{
      case_id: string; buc_type: string; sender_country: string; triage_reason: string | null; triage_since: Date;
    }>(
      `SELECT case_id, buc_type, sender_country, triage_reason, triage_since FROM cases
        WHERE status = 'triage' AND triage_since <= $1 AND (orphan_ticket_at IS NULL OR orphan_ticket_at < triage_since)
        ORDER BY triage_since, case_id LIMIT $2 FOR UPDATE SKIP LOCKED`, [since, limit]);
    return rows.map((r) => ({
      caseId: r.case_id, bucType: r.buc_type, senderCountry: r.sender_country, triageReason: r.triage_reason, triageSince: r.triage_since,
    }));
  }

  async markOrphanTicket(c: TriagedCase, ticketId: string, at: Date): Promise<void> {
    await markOrphanTicket(this.tx, c.caseId, at, { ticketId, reason: 'orphan-aged', triageReason: c.triageReason, triageSince: c.triageSince.toISOString() });
  }
}

const OPEN_AUTOMATIC = `t.auto_key IS NOT NULL AND t.state NOT IN ('resolved', 'closed')`;

/** The state of forwards and cases behind automatic tickets, in the caller's transaction. */
export class PgCauseReader implements CauseReader {
  readonly tickets: PgTicketWriter;

  constructor(private readonly tx: Sql) {
    this.tickets = new PgTicketWriter(tx);
  }

  async openForwardTickets(forwardId: string) {
    const rows = await this.tx.query<Parameters<typeof ticketFromRow>[0]>(
      `SELECT t.* FROM tickets t WHERE ${OPEN_AUTOMATIC} AND t.category = 'forward-unacknowledged'
          AND t.origin->'forwardIds' @> jsonb_build_array($1::text) ORDER BY t.id`, [forwardId]);
    return rows.map(ticketFromRow);
  }

  async forwardStatuses(forwardIds: string[]): Promise<ForwardStatus[]> {
    const rows = await this.tx.query<{ forward_id: string; status: string; institution_id: string }>(
      'SELECT forward_id, status, institution_id FROM forwards WHERE forward_id = ANY($1::text[]) ORDER BY forward_id', [forwardIds]);
    return rows.map((r) => ({ forwardId: r.forward_id, status: r.status, institutionId: r.institution_id }));
  }

  async openOrphanTickets(caseId: string) {
    const rows = await this.tx.query<Parameters<typeof ticketFromRow>[0]>(
      `SELECT t.* FROM tickets t WHERE ${OPEN_AUTOMATIC} AND t.category = 'orphan-aged' AND t.case_id = $1 ORDER BY t.id`, [caseId]);
    return rows.map(ticketFromRow);
  }

  async openX007TicketsSent(forwardIds?: string[], limit = 500): Promise<X007TicketCause[]> {
    // The ticket's idempotency key names its forward (x007-tickets.ts: kind x007-failed, ref the forward id).
    const rows = await this.tx.query<{ id: string; forward_id: string; case_id: string; document_id: string | null }>(
      `SELECT t.id, x.forward_id, x.case_id, x.document_id FROM tickets t JOIN rina_x007 x ON t.auto_key = 'x007-failed:' || x.forward_id
        WHERE ${OPEN_AUTOMATIC} AND t.category = 'x007-failed' AND x.state = 'sent' AND ($1::text[] IS NULL OR x.forward_id = ANY($1::text[]))
        ORDER BY t.created_at, t.id LIMIT $2`, [forwardIds ?? null, limit]);
    return rows.map((r) => ({ ticketId: r.id, forwardId: r.forward_id, caseId: r.case_id, documentId: r.document_id }));
  }

  async ticketsWithCauseGone(limit: number): Promise<{ forwards: ForwardTicketCause[]; orphans: OrphanTicketCause[] }> {
    // A forward ticket's cause is gone when none of the forwards it lists is pending any more.
    const forwards = await this.tx.query<{ id: string; statuses: Array<{ forwardId: string; status: string; institutionId: string }> | null }>(
      `SELECT t.id, (SELECT json_agg(json_build_object('forwardId', f.forward_id, 'status', f.status, 'institutionId', f.institution_id)
                                     ORDER BY f.forward_id)
                       FROM forwards f WHERE f.forward_id IN (SELECT jsonb_array_elements_text(t.origin->'forwardIds'))) AS statuses
         FROM tickets t
        WHERE ${OPEN_AUTOMATIC} AND t.category = 'forward-unacknowledged'
          AND NOT EXISTS (SELECT 1 FROM forwards f WHERE f.status = 'pending'
                             AND f.forward_id IN (SELECT jsonb_array_elements_text(t.origin->'forwardIds')))
        ORDER BY t.created_at, t.id LIMIT $1`, [limit]);
    // An orphan ticket's cause is gone when the case left the triage episode it was opened for.
    const orphans = await this.tx.query<{ id: string; case_id: string; status: string; institution_id: string | null }>(
      `SELECT t.id, c.case_id, c.status, c.institution_id FROM tickets t JOIN cases c ON c.case_id = t.case_id
        WHERE ${OPEN_AUTOMATIC} AND t.category = 'orphan-aged'
          AND (c.status <> 'triage' OR c.triage_since > (t.origin->>'triageSince')::timestamptz)
        ORDER BY t.created_at, t.id LIMIT $1`, [limit]);
    return {
      forwards: forwards.map((r) => ({ ticketId: r.id, statuses: r.statuses ?? [] })),
      orphans: orphans.map((r) => ({ ticketId: r.id, caseId: r.case_id, status: r.status, institutionId: r.institution_id })),
    };
  }
}

/** The cause reader in the transaction of a case change (the follow-up commits with the fact it follows). */
export function causeReaderIn(scope: TransactionScope): PgCauseReader {
  return new PgCauseReader(sqlOf(scope));
}


interface EscalationRow {
  ticket_id: string; kind: EscalationNotice['kind']; at: Date; due_at: Date; policy_version: string; publish_attempts: number;
  priority: EscalationNotice['priority']; state: EscalationNotice['state']; counterpart_country: string; case_id: string | null;
  category: string; assignee: string | null;
}

/**
 * The escalation outbox's table (statements built by store/notice-outbox.ts). A notice is claimed only once no
 * earlier notice of its ticket is pending (earlier: raised before, or with it and first in ESCALATION_ORDER), so a
 * warning goes out before the breach raised with it, also across instances.
 */
const ESCALATION_NOTICES: NoticeTable<EscalationNotice, EscalationRow> = {
  table: 'ticket_escalations',
  key: [{ column: 'ticket_id', type: 'text', of: (n) => n.ticketId }, { column: 'kind', type: 'text', of: (n) => n.kind }],
  returning: ['x.at', 'x.due_at', 'x.policy_version'],
  order: ['ticket_id'],
  claimWhere: `NOT EXISTS (SELECT 1 FROM ticket_escalations p
                        WHERE p.ticket_id = e.ticket_id AND p.notification = 'pending'
                          AND (p.at, array_position($5::text[], p.kind)) < (e.at, array_position($5::text[], e.kind)))`,
  claimParams: () => [ESCALATION_ORDER],
  join: { from: 'JOIN tickets t ON t.id = l.ticket_id', columns: ['t.priority', 't.state', 't.counterpart_country', 't.case_id', 't.category', 't.assignee'] },
  fromRow: (r) => ({
    ticketId: r.ticket_id, kind: r.kind, at: r.at, dueAt: r.due_at, policyVersion: r.policy_version, priority: r.priority,
    state: r.state, counterpartCountry: r.counterpart_country, caseId: r.case_id, category: r.category, assignee: r.assignee,
    publishAttempts: Number(r.publish_attempts),
  }),
};

/** The escalation outbox of the notice relay (src/shared/notice-relay.ts): lease, publish outside, mark. */
export class PgEscalationOutbox extends PgNoticeOutbox<EscalationNotice, EscalationRow> implements EscalationOutbox {
  constructor(db: Database) {
    super(db, ESCALATION_NOTICES);
  }
}
