/**
 * The help desk's reads and marks on the case pipeline's tables (pipeline watch), and the escalation outbox.
 * SQL only here.
 */
import type { EscalationNotice, EscalationOutbox } from '../helpdesk/escalation-notices';
import type { PipelineWatchWriter, TriagedCase, UnacknowledgedForward } from '../helpdesk/pipeline-watch';
import type { Database, Sql } from './database';
import { ESCALATION_ORDER, PgTicketWriter } from './ticket-repository';

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
    await this.tx.query('UPDATE forwards SET reminder_raised_at = $2 WHERE forward_id = ANY($1::text[])', [forwards.map((f) => f.forwardId), at]);
    await this.tx.query(`INSERT INTO case_events (case_id, at, kind, data) VALUES ($1, $2, 'ticket-opened', $3)`, [
      forwards[0].caseId, at,
      JSON.stringify({ ticketId, reason: 'forward-unacknowledged', institutionId: forwards[0].institutionId, forwardIds: forwards.map((f) => f.forwardId) }),
    ]);
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
    await this.tx.query('UPDATE cases SET orphan_ticket_at = $2 WHERE case_id = $1', [c.caseId, at]);
    await this.tx.query(`INSERT INTO case_events (case_id, at, kind, data) VALUES ($1, $2, 'ticket-opened', $3)`, [
      c.caseId, at, JSON.stringify({ ticketId, reason: 'orphan-aged', triageReason: c.triageReason, triageSince: c.triageSince.toISOString() }),
    ]);
  }
}

/** Retry delay of an unconfirmed notification: 5 s doubling to 10 min. */
const notifyRetryMs = (attempts: number) => Math.min(600_000, 5000 * 2 ** Math.min(attempts - 1, 7));

export class PgEscalationOutbox implements EscalationOutbox {
  constructor(private readonly db: Database) {}

  async relayBatch(now: Date, limit: number, publish: (n: EscalationNotice) => Promise<void>) {
    return this.db.transaction(async (tx) => {
      // Publishing inside the claim, like the forward outbox: a crash after the confirm re-sends the same messageId.
      const rows = await tx.query<{
        ticket_id: string; kind: EscalationNotice['kind']; at: Date; due_at: Date; policy_version: string; publish_attempts: number;
        priority: EscalationNotice['priority']; state: EscalationNotice['state']; counterpart_country: string; case_id: string | null;
        category: string; assignee: string | null;
      }>(
        `SELECT e.ticket_id, e.kind, e.at, e.due_at, e.policy_version, e.publish_attempts,
                t.priority, t.state, t.counterpart_country, t.case_id, t.category, t.assignee
           FROM ticket_escalations e JOIN tickets t ON t.id = e.ticket_id
          WHERE e.notification = 'pending' AND e.next_attempt_at <= $1
          ORDER BY e.next_attempt_at, e.ticket_id, array_position($3::text[], e.kind) LIMIT $2 FOR UPDATE OF e SKIP LOCKED`,
        [now, limit, ESCALATION_ORDER]); // a warning goes out before the breach raised with it
      const result: Awaited<ReturnType<EscalationOutbox['relayBatch']>> = { sent: [], failed: [] };
      for (const r of rows) {
        const notice: EscalationNotice = {
          ticketId: r.ticket_id, kind: r.kind, at: r.at, dueAt: r.due_at, policyVersion: r.policy_version, priority: r.priority,
          state: r.state, counterpartCountry: r.counterpart_country, caseId: r.case_id, category: r.category, assignee: r.assignee,
        };
        try {
          await publish(notice);
          await tx.query(`UPDATE ticket_escalations SET notification = 'sent', sent_at = $3, publish_attempts = publish_attempts + 1,
                            last_error = NULL WHERE ticket_id = $1 AND kind = $2`, [r.ticket_id, r.kind, now]);
          result.sent.push(notice);
        } catch (e) {
          const attempts = r.publish_attempts + 1;
          await tx.query('UPDATE ticket_escalations SET publish_attempts = $3, next_attempt_at = $4, last_error = $5 WHERE ticket_id = $1 AND kind = $2',
            [r.ticket_id, r.kind, attempts, new Date(now.getTime() + notifyRetryMs(attempts)), String((e as Error).message).slice(0, 500)]);
          result.failed.push({ notice, error: e });
          break; // the broker is likely down: leave the rest for the next round
        }
      }
      return result;
    });
  }
}
