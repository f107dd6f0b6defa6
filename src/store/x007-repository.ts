/**
 * The X007 outbox (rina_x007, migration 016): one job per forward that moves a case that came through RINA to a
 * new institution, written with the forward (x007-jobs.ts, from applyCaseChanges); leased to one relay at a time
 * (one committed statement, SKIP LOCKED), its steps recorded only where the relay still holds the lease.
 */
import type { CaseEventRecord } from '../cases/case-store';
import type { X007Failure, X007Job, X007Outbox, X007State, X007Status } from '../forwarding/x007';
import { insertCaseEvents } from './case-changes';
import type { Database } from './database';

/**
 * Jobs not yet sent whose forward is no longer live (superseded by a reassignment, rejected by its institution,
 * cancelled): they are never sent. A live forward is pending or accepted.
 */
const CANCEL_DEAD = `
  UPDATE rina_x007 x SET state = 'cancelled', updated_at = $1, lease_owner = NULL, lease_until = NULL
    FROM forwards f
   WHERE f.forward_id = x.forward_id AND x.state IN ('pending', 'created') AND f.status NOT IN ('pending', 'accepted')
     AND (x.lease_until IS NULL OR x.lease_until < $1)`;

const CLAIM = `
  WITH due AS (
    SELECT x.forward_id FROM rina_x007 x JOIN forwards f ON f.forward_id = x.forward_id
     WHERE x.state IN ('pending', 'created') AND x.next_attempt_at <= $1 AND (x.lease_until IS NULL OR x.lease_until < $1)
       AND f.status IN ('pending', 'accepted')
       -- The operator's undo window (migration 017): a forward still held is not carried out in RINA yet, and an
       -- undone one is 'cancelled' (not live), so its X007 is cancelled above and never sent.
       AND (f.release_at IS NULL OR f.release_at <= $1)
     ORDER BY x.next_attempt_at, x.forward_id LIMIT $2 FOR UPDATE OF x SKIP LOCKED)
  UPDATE rina_x007 x SET lease_owner = $3, lease_until = $4 FROM due WHERE x.forward_id = due.forward_id
  RETURNING x.forward_id, x.case_id, x.institution_id, x.state, x.document_id, x.attempts, x.next_attempt_at`;

interface JobRow { forward_id: string; case_id: string; institution_id: string; state: X007Job['state']; document_id: string | null; attempts: number; next_attempt_at: Date }

export class PgX007Outbox implements X007Outbox {
  constructor(private readonly db: Database) {}

  async claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<X007Job[]> {
    const rows = await this.db.transaction(async (tx) => {
      await tx.query(CANCEL_DEAD, [now]);
      return tx.query<JobRow>(CLAIM, [now, limit, owner, leaseUntil]);
    });
    return rows
      .sort((a, b) => new Date(a.next_attempt_at).getTime() - new Date(b.next_attempt_at).getTime() || a.forward_id.localeCompare(b.forward_id))
      .map((r) => ({ forwardId: r.forward_id, caseId: r.case_id, institutionId: r.institution_id, state: r.state, documentId: r.document_id, attempts: Number(r.attempts) }));
  }

  async markCreated(owner: string, forwardId: string, documentId: string, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE rina_x007 SET state = 'created', document_id = $3, updated_at = $4
        WHERE forward_id = $1 AND lease_owner = $2 AND state = 'pending' RETURNING forward_id`, [forwardId, owner, documentId, at]);
    return rows.length === 1;
  }

  /** Marks the X007s sent, with a case event `x007-sent` each (the case's history shows the hand-over in RINA). */
  async markDone(owner: string, jobs: X007Job[], at: Date): Promise<number> {
    if (jobs.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<EventRow>(
        `UPDATE rina_x007 SET state = 'sent', sent_at = $2, updated_at = $2, last_error = NULL, lease_owner = NULL, lease_until = NULL
          WHERE forward_id = ANY($1::text[]) AND lease_owner = $3 AND state IN ('pending', 'created')
          RETURNING forward_id, case_id, institution_id, document_id`,
        [jobs.map((j) => j.forwardId), at, owner]);
      await insertCaseEvents(tx, rows.map((r) => x007Event(r, 'x007-sent', at)));
      return rows.length;
    });
  }

  async markFailed(owner: string, failures: Array<{ item: X007Job; nextAttemptAt: Date; error: string }>, at: Date): Promise<void> {
    if (failures.length === 0) return;
    await this.db.query(
      `UPDATE rina_x007 x SET attempts = x.attempts + 1, next_attempt_at = t.next_attempt_at, last_error = t.error, updated_at = $5,
              lease_owner = NULL, lease_until = NULL
         FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS t(forward_id, next_attempt_at, error)
        WHERE x.forward_id = t.forward_id AND x.lease_owner = $4`,
      [failures.map((f) => f.item.forwardId), failures.map((f) => f.nextAttemptAt.toISOString()), failures.map((f) => f.error), owner, at]);
  }

  /** Marks the X007s failed (no retry can fix them), with a case event `x007-failed` each carrying the CPI's answer. */
  async markAbandoned(owner: string, failures: Array<{ item: X007Job; error: string }>, at: Date): Promise<void> {
    if (failures.length === 0) return;
    await this.db.transaction(async (tx) => {
      const rows = await tx.query<EventRow & { last_error: string }>(
        `UPDATE rina_x007 x SET state = 'failed', attempts = x.attempts + 1, last_error = t.error, updated_at = $3, lease_owner = NULL, lease_until = NULL
           FROM unnest($1::text[], $2::text[]) AS t(forward_id, error)
          WHERE x.forward_id = t.forward_id AND x.lease_owner = $4 AND x.state IN ('pending', 'created')
          RETURNING x.forward_id, x.case_id, x.institution_id, x.document_id, x.last_error`,
        [failures.map((f) => f.item.forwardId), failures.map((f) => f.error), at, owner]);
      await insertCaseEvents(tx, rows.map((r) => x007Event(r, 'x007-failed', at, { reason: r.last_error })));
    });
  }

  async failedWithoutTicket(limit: number): Promise<X007Failure[]> {
    const rows = await this.db.query<{ forward_id: string; case_id: string; buc_type: string | null; institution_id: string; document_id: string | null; last_error: string | null; updated_at: Date }>(
      `SELECT x.forward_id, x.case_id, c.buc_type, x.institution_id, x.document_id, x.last_error, x.updated_at
         FROM rina_x007 x LEFT JOIN cases c ON c.case_id = x.case_id
        WHERE x.state = 'failed' AND x.ticket_id IS NULL ORDER BY x.updated_at, x.forward_id LIMIT $1`, [limit]);
    return rows.map((r) => ({
      forwardId: r.forward_id, caseId: r.case_id, bucType: r.buc_type, institutionId: r.institution_id, documentId: r.document_id,
      error: r.last_error ?? '', failedAt: new Date(r.updated_at),
    }));
  }

  async setTicket(forwardId: string, ticketId: string): Promise<void> {
    await this.db.query('UPDATE rina_x007 SET ticket_id = $2 WHERE forward_id = $1', [forwardId, ticketId]);
  }

  /**
   * An operator's retry of a failed X007: due at once, its attempts counted afresh; created again when its
   * document exists (it is then sent, not made anew), else pending. Answers the state after, or undefined when
   * the forward has no X007 job; a job that is not failed is left as it is.
   */
  async retry(forwardId: string, at: Date): Promise<{ state: X007State; changed: boolean } | undefined> {
    return this.db.transaction(async (tx) => {
      const [r] = await tx.query<{ state: X007State }>('SELECT state FROM rina_x007 WHERE forward_id = $1 FOR UPDATE', [forwardId]);
      if (!r) return undefined;
      if (r.state !== 'failed') return { state: r.state, changed: false };
      const [after] = await tx.query<{ state: X007State }>(
        `UPDATE rina_x007 SET state = CASE WHEN document_id IS NULL THEN 'pending' ELSE 'created' END, attempts = 0, next_attempt_at = $2,
                updated_at = $2, ticket_id = NULL, lease_owner = NULL, lease_until = NULL
          WHERE forward_id = $1 RETURNING state`, [forwardId, at]);
      return { state: after.state, changed: true };
    });
  }

  async status(forwardId: string): Promise<(X007Status & { caseId: string }) | undefined> {
    const [r] = await this.db.query<StatusRow & { case_id: string }>(`SELECT ${STATUS_COLUMNS}, case_id FROM rina_x007 WHERE forward_id = $1`, [forwardId]);
    return r && { ...statusFromRow(r), caseId: r.case_id };
  }

  /** X007 jobs by state, and the failed ones that have waited longest (for /metrics and GET /api/rina/status). */
  async counts(): Promise<Record<X007State, number>> {
    const rows = await this.db.query<{ state: X007State; n: number }>('SELECT state, count(*)::int AS n FROM rina_x007 GROUP BY state');
    const out: Record<X007State, number> = { pending: 0, created: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  }

  /** Of these forwards, those the service carries out in RINA itself (they have an X007 job). */
  async carriedInRina(forwardIds: string[]): Promise<Set<string>> {
    if (forwardIds.length === 0) return new Set();
    const rows = await this.db.query<{ forward_id: string }>('SELECT forward_id FROM rina_x007 WHERE forward_id = ANY($1::text[])', [forwardIds]);
    return new Set(rows.map((r) => r.forward_id));
  }
}

interface EventRow { forward_id: string; case_id: string; institution_id: string; document_id: string | null }

const x007Event = (r: EventRow, kind: string, at: Date, more: Record<string, unknown> = {}): CaseEventRecord => ({
  caseId: r.case_id, envelopeId: null, at, kind, data: { forwardId: r.forward_id, institutionId: r.institution_id, documentId: r.document_id, ...more },
});

export const STATUS_COLUMNS = 'state, document_id, attempts, last_error, ticket_id, updated_at, sent_at';
interface StatusRow { state: X007State; document_id: string | null; attempts: number; last_error: string | null; ticket_id: string | null; updated_at: Date | string; sent_at: Date | string | null }

export const statusFromRow = (r: StatusRow): X007Status => ({
  state: r.state, documentId: r.document_id, attempts: Number(r.attempts), error: r.last_error, ticketId: r.ticket_id,
  updatedAt: new Date(r.updated_at), sentAt: r.sent_at === null ? null : new Date(r.sent_at),
});
