/**
 * The help desk's thread with counterpart desks (ticket_messages: inbound once per message id, outbound as the
 * outbox of liaison.helpdesk-out) and the business calendar revisions. SQL only here.
 */
import type { CalendarDefinition } from '../business-time/calendar';
import type { CalendarRevision } from '../business-time/calendar-snapshots';
import type { ReplyOutbox, RelayOutcome } from '../helpdesk/counterparts/reply-outbox';
import type { ThreadEvent, ThreadMessage } from '../helpdesk/tickets/ticket-store';
import type { Database, Sql } from './database';

interface MessageRow {
  direction: 'in' | 'out'; counterpart_country: string; message_id: string; ticket_id: string; event_id: number | null;
  counterpart_ref: string; event: ThreadEvent; message: string | null; at: Date; delivery: ThreadMessage['delivery'];
  attempts: number; next_attempt_at: Date | null; sent_at: Date | null; last_error: string | null;
}

export const messageFromRow = (r: MessageRow): ThreadMessage => ({
  direction: r.direction, counterpartCountry: r.counterpart_country, messageId: r.message_id, ticketId: r.ticket_id,
  eventId: r.event_id === null ? null : Number(r.event_id), counterpartRef: r.counterpart_ref, event: r.event, message: r.message,
  at: r.at, delivery: r.delivery, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, sentAt: r.sent_at, lastError: r.last_error,
});

export async function insertMessage(tx: Sql, m: ThreadMessage): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO ticket_messages (direction, counterpart_country, message_id, ticket_id, event_id, counterpart_ref, event, message, at,
       delivery, attempts, next_attempt_at, sent_at, last_error)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
     ON CONFLICT (direction, counterpart_country, message_id) DO NOTHING RETURNING message_id`,
    [m.direction, m.counterpartCountry, m.messageId, m.ticketId, m.eventId, m.counterpartRef, m.event, m.message, m.at,
      m.delivery, m.attempts, m.nextAttemptAt, m.sentAt, m.lastError]);
  return rows.length === 1;
}

export async function setMessageEvent(tx: Sql, m: Pick<ThreadMessage, 'direction' | 'counterpartCountry' | 'messageId'>, eventId: number, event: ThreadEvent): Promise<void> {
  await tx.query('UPDATE ticket_messages SET event_id = $4, event = $5 WHERE direction = $1 AND counterpart_country = $2 AND message_id = $3',
    [m.direction, m.counterpartCountry, m.messageId, eventId, event]);
}

export async function messagesOf(tx: Sql, ticketIds: string[]): Promise<Map<string, ThreadMessage[]>> {
  const out = new Map<string, ThreadMessage[]>(ticketIds.map((id) => [id, []]));
  if (ticketIds.length === 0) return out;
  const rows = await tx.query<MessageRow>(
    'SELECT * FROM ticket_messages WHERE ticket_id = ANY($1::text[]) ORDER BY at, event_id NULLS LAST, direction, message_id', [ticketIds]);
  for (const r of rows) out.get(r.ticket_id)?.push(messageFromRow(r));
  return out;
}

interface RevisionRow { calendar_id: string; revision: number; digest: string; definition: CalendarDefinition; recorded_at: Date }

const revisionFromRow = (r: RevisionRow): CalendarRevision => ({
  calendarId: r.calendar_id, revision: r.revision, digest: r.digest, definition: r.definition, recordedAt: r.recorded_at,
});

export async function calendarRevisions(tx: Sql): Promise<CalendarRevision[]> {
  const rows = await tx.query<RevisionRow>('SELECT * FROM calendar_revisions ORDER BY calendar_id, revision');
  return rows.map(revisionFromRow);
}

/**
 * A new revision for each calendar whose latest recorded digest differs. One transaction under an advisory lock,
 * so two instances starting together record one revision, not two.
 */
export async function recordCalendarRevisions(
  db: Database, current: Array<{ calendarId: string; digest: string; definition: CalendarDefinition }>, at: Date,
): Promise<{ added: CalendarRevision[]; all: CalendarRevision[] }> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('helpdesk:calendar-revisions'))`);
    const latest = new Map<string, RevisionRow>();
    for (const r of await tx.query<RevisionRow>(
      'SELECT DISTINCT ON (calendar_id) * FROM calendar_revisions ORDER BY calendar_id, revision DESC')) latest.set(r.calendar_id, r);
    const added: CalendarRevision[] = [];
    for (const c of current) {
      const last = latest.get(c.calendarId);
      if (last?.digest === c.digest) continue;
      const [row] = await tx.query<RevisionRow>(
        `INSERT INTO calendar_revisions (calendar_id, revision, digest, definition, recorded_at) VALUES ($1,$2,$3,$4,$5) RETURNING *`,
        [c.calendarId, (last?.revision ?? 0) + 1, c.digest, JSON.stringify(c.definition), at]);
      added.push(revisionFromRow(row));
    }
    return { added, all: await calendarRevisions(tx) };
  });
}

/**
 * The outbox of liaison.helpdesk-out. Claimed with a lease (next_attempt_at pushed forward in the claiming
 * transaction), published outside any transaction, then marked: a crash after the broker's confirm re-sends the
 * same messageId once the lease expires (counterparts de-duplicate on it). A message waits while an earlier
 * unsent message of the same ticket exists, so a counterpart never reads the resolution before the response.
 */
export class PgReplyOutbox implements ReplyOutbox {
  constructor(private readonly db: Database) {}

  async claim(now: Date, limit: number, leaseMs: number): Promise<ThreadMessage[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<MessageRow>(
        `SELECT m.* FROM ticket_messages m
          WHERE m.direction = 'out' AND m.delivery IN ('pending', 'failed') AND m.next_attempt_at <= $1
            AND NOT EXISTS (SELECT 1 FROM ticket_messages o
                             WHERE o.ticket_id = m.ticket_id AND o.direction = 'out' AND o.delivery IN ('pending', 'failed')
                               AND (o.event_id, o.message_id) < (m.event_id, m.message_id))
          ORDER BY m.next_attempt_at, m.event_id LIMIT $2 FOR UPDATE OF m SKIP LOCKED`, [now, limit]);
      if (rows.length === 0) return [];
      await tx.query(
        `UPDATE ticket_messages SET next_attempt_at = $2 WHERE direction = 'out' AND message_id = ANY($1::text[])`,
        [rows.map((r) => r.message_id), new Date(now.getTime() + leaseMs)]);
      return rows.map(messageFromRow);
    });
  }

  async record(outcomes: RelayOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const o of outcomes) {
        if (o.status === 'deferred') {
          await tx.query(`UPDATE ticket_messages SET next_attempt_at = $3 WHERE direction = 'out' AND counterpart_country = $1 AND message_id = $2`,
            [o.message.counterpartCountry, o.message.messageId, o.retryAt]);
        } else if (o.status === 'sent') {
          await tx.query(
            `UPDATE ticket_messages SET delivery = 'sent', sent_at = $3, attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL
              WHERE direction = 'out' AND counterpart_country = $1 AND message_id = $2`,
            [o.message.counterpartCountry, o.message.messageId, o.at]);
        } else {
          await tx.query(
            `UPDATE ticket_messages SET delivery = 'failed', attempts = attempts + 1, next_attempt_at = $3, last_error = $4
              WHERE direction = 'out' AND counterpart_country = $1 AND message_id = $2`,
            [o.message.counterpartCountry, o.message.messageId, o.retryAt, o.error.slice(0, 500)]);
        }
      }
    });
  }

  async backlog(): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ticket_messages WHERE direction = 'out' AND delivery IN ('pending', 'failed')`);
    return r.n;
  }
}
