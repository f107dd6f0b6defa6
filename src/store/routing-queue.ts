/**
 * The routing stage's queue statements (pipeline/routing-queue.ts), each one SQL statement named by intent; the
 * orchestration (batch, per-case order, fallback, retry backoff) is pipeline/routing-batch.ts.
 *
 * A batch is claimed with FOR UPDATE SKIP LOCKED in arrival (id) order, its envelopes read with it; an item is
 * claimed only when no earlier item of its case waits for a retry. The cases' advisory locks (the same as
 * CaseWriter.lockCase) serialise the batch with operators' actions on those cases; they are taken in one order, so
 * never deadlock. The change set is written and the items deleted in the same transaction.
 *
 * PGlite is one connection in one process (its data directory is locked), and its transactions run one at a time:
 * no other instance can hold an item, and no operator's action can touch a case meanwhile. The two statements that
 * guard against those (earlier-elsewhere, the advisory locks) run on PostgreSQL only.
 */
import type { CaseChanges, CaseRecord, EnvelopeState } from '../cases/case-store';
import type { Envelope } from '../intake/envelope';
import type { ClaimedItem, RoutingQueue, RoutingQueueTransaction } from '../pipeline/routing-queue';
import { ROUTING_STAGE } from '../shared/pipeline-stages';
import { applyCaseChanges } from './case-changes';
import { caseFromRow, type CaseRow } from './case-repository';
import type { Database, Sql } from './database';

interface ClaimedRow {
  id: number;
  ref: string;
  attempts: number;
  case_id: string | null;
  body: Envelope | null;
  state: EnvelopeState | null;
  received_at: Date | null;
}

const CLAIM = `
  WITH claimed AS (
    SELECT w.id, w.ref, w.attempts FROM work_queue w
     WHERE w.stage = $1 AND w.available_at <= $2 AND ($4::bigint[] IS NULL OR w.id = ANY($4::bigint[]))
       AND NOT EXISTS (
         SELECT 1 FROM envelopes e JOIN envelopes e2 ON e2.case_id = e.case_id
           JOIN work_queue w2 ON w2.stage = w.stage AND w2.ref = e2.envelope_id
          WHERE e.envelope_id = w.ref AND w2.id < w.id AND w2.available_at > $2)
     ORDER BY w.id LIMIT $3 FOR UPDATE OF w SKIP LOCKED)
  SELECT c.id, c.ref, c.attempts, e.case_id, e.body, e.state, e.received_at
    FROM claimed c LEFT JOIN envelopes e ON e.envelope_id = c.ref ORDER BY c.id`;

/** For each case of the batch, the earliest waiting item that this batch does not hold (another instance's). */
const EARLIER_ELSEWHERE = `
  SELECT e.case_id, min(w.id)::bigint AS first_other FROM work_queue w JOIN envelopes e ON e.envelope_id = w.ref
   WHERE w.stage = $1 AND e.case_id = ANY($2::text[]) AND w.id <> ALL($3::bigint[])
   GROUP BY e.case_id`;

/** The cases' advisory locks, in one order (hashtext of the case id, as CaseWriter.lockCase). */
const LOCK_CASES = `SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtext('case:' || c) AS k FROM unnest($1::text[]) AS c ORDER BY 1) AS l`;

class PgRoutingQueueTransaction implements RoutingQueueTransaction {
  constructor(private readonly tx: Sql, private readonly alone: boolean) {}

  async claimBatch(limit: number, now: Date, only: readonly number[] | null): Promise<ClaimedItem[]> {
    const rows = await this.tx.query<ClaimedRow>(CLAIM, [ROUTING_STAGE, now, limit, only]);
    return rows.map((r) => ({
      workId: Number(r.id), envelopeId: r.ref, attempts: r.attempts, caseId: r.case_id,
      stored: r.body === null ? undefined : { envelope: r.body, receivedAt: r.received_at as Date, state: r.state as EnvelopeState },
    }));
  }

  async earlierElsewhere(caseIds: readonly string[], heldIds: readonly number[]): Promise<Map<string, number>> {
    if (this.alone || caseIds.length === 0) return new Map();
    const rows = await this.tx.query<{ case_id: string; first_other: number }>(EARLIER_ELSEWHERE, [ROUTING_STAGE, caseIds, heldIds]);
    return new Map(rows.map((r) => [r.case_id, Number(r.first_other)]));
  }

  async lockCases(caseIds: readonly string[]): Promise<Map<string, CaseRecord>> {
    if (!this.alone) await this.tx.query(LOCK_CASES, [caseIds]);
    const rows = await this.tx.query<CaseRow>('SELECT * FROM cases WHERE case_id = ANY($1::text[])', [caseIds]);
    return new Map(rows.map((row) => [row.case_id, caseFromRow(row)]));
  }

  async complete(changes: CaseChanges, at: Date, workIds: readonly number[]): Promise<void> {
    await applyCaseChanges(this.tx, changes, at);
    await this.tx.query('DELETE FROM work_queue WHERE id = ANY($1::bigint[])', [workIds]);
  }
}

export class PgRoutingQueue implements RoutingQueue {
  constructor(private readonly db: Database) {}

  transaction<T>(fn: (tx: RoutingQueueTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgRoutingQueueTransaction(tx, this.db.driver === 'pglite')));
  }

  async itemsOf(workIds: readonly number[]): Promise<Map<number, { envelopeId: string; caseId: string | null }>> {
    const rows = await this.db.query<{ id: number; case_id: string | null; ref: string }>(
      'SELECT w.id, w.ref, e.case_id FROM work_queue w LEFT JOIN envelopes e ON e.envelope_id = w.ref WHERE w.id = ANY($1::bigint[])', [workIds]);
    return new Map(rows.map((r) => [Number(r.id), { envelopeId: r.ref, caseId: r.case_id }]));
  }

  async attemptsOf(workId: number): Promise<number> {
    const [r] = await this.db.query<{ attempts: number }>('SELECT attempts FROM work_queue WHERE id = $1', [workId]);
    return r?.attempts ?? 0;
  }

  async deferItem(workId: number, error: string, availableAt: Date): Promise<void> {
    await this.db.query('UPDATE work_queue SET attempts = attempts + 1, last_error = $2, available_at = $3 WHERE id = $1', [workId, error, availableAt]);
  }
}
