/**
 * The routing stage's side of the work queue: a batch claimed with FOR UPDATE SKIP LOCKED in arrival (id) order,
 * its envelopes and cases read in two statements, the cases locked, the change set written and the items deleted,
 * all in one transaction (a crash anywhere leaves the batch claimable).
 *
 * Per-case order across instances: an item is claimed only when no earlier item of its case waits for a retry,
 * and an item with an earlier item of its case held by another instance is left for later (deferred), so a later
 * SED of a case is never decided before an earlier one. The cases' advisory locks (the same as CaseWriter.lockCase)
 * serialise the batch with operators' actions on those cases; they are taken in one order, so never deadlock.
 *
 * A batch that fails is retried item by item, so that one poison item is backed off alone; an item after a failed
 * one of the same case waits behind it.
 */
import type { CaseRecord, EnvelopeState } from '../cases/case-store';
import type { RoutingBatchOutcome, RoutingBatchResult, RoutingItem, RoutingQueue } from '../pipeline/routing-queue';
import type { Envelope } from '../intake/envelope';
import { nextAttemptAt, STAGE_RETRY } from '../shared/backoff';
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

type Route<T> = (items: RoutingItem[], cases: ReadonlyMap<string, CaseRecord>) => RoutingBatchResult<T>;

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

export class PgRoutingQueue implements RoutingQueue {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    private readonly retryAt: (now: Date, attempts: number) => Date = (now, attempts) => nextAttemptAt(now, attempts, STAGE_RETRY),
  ) {}

  async processBatch<T>(limit: number, route: Route<T>): Promise<RoutingBatchOutcome<T>> {
    let claimedIds: number[] = [];
    try {
      const r = await this.db.transaction((tx) => this.batch(tx, limit, null, route, (ids) => { claimedIds = ids; }));
      return { ...r, failed: [] };
    } catch (error) {
      if (claimedIds.length === 0) throw error; // nothing was claimed: the database itself failed
      return this.oneByOne(claimedIds, route, error);
    }
  }

  private async batch<T>(tx: Sql, limit: number, only: number[] | null, route: Route<T>, onClaim: (ids: number[]) => void) {
    const now = this.now();
    const rows = await tx.query<ClaimedRow>(CLAIM, [ROUTING_STAGE, now, limit, only]);
    onClaim(rows.map((r) => Number(r.id)));
    if (rows.length === 0) return { claimed: 0, deferred: 0, results: [] as T[] };
    const caseIds = [...new Set(rows.flatMap((r) => (r.case_id === null ? [] : [r.case_id])))];
    // PGlite is one connection in one process (its data directory is locked), and its transactions run one at a
    // time: no other instance can hold an item, and no operator's action can touch a case meanwhile. The two
    // statements that guard against those are for PostgreSQL only.
    const alone = this.db.driver === 'pglite';
    const earlier = alone ? new Map<string, number>() : new Map((await tx.query<{ case_id: string; first_other: number }>(
      EARLIER_ELSEWHERE, [ROUTING_STAGE, caseIds, rows.map((r) => r.id)])).map((r) => [r.case_id, Number(r.first_other)]));
    const ready = rows.filter((r) => r.case_id === null || !(Number(r.id) > (earlier.get(r.case_id) ?? Infinity)));
    const readyCases = [...new Set(ready.flatMap((r) => (r.case_id === null ? [] : [r.case_id])))].sort();
    const cases = new Map<string, CaseRecord>();
    if (readyCases.length > 0) {
      if (!alone) await tx.query(`SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtext('case:' || c) AS k FROM unnest($1::text[]) AS c ORDER BY 1) AS l`, [readyCases]);
      for (const row of await tx.query<CaseRow>('SELECT * FROM cases WHERE case_id = ANY($1::text[])', [readyCases])) {
        cases.set(row.case_id, caseFromRow(row));
      }
    }
    const items: RoutingItem[] = ready.map((r) => ({
      workId: Number(r.id), envelopeId: r.ref, attempts: r.attempts,
      stored: r.body === null ? undefined : { envelope: r.body, receivedAt: r.received_at as Date, state: r.state as EnvelopeState },
    }));
    const { changes, results } = route(items, cases);
    await applyCaseChanges(tx, changes, now);
    await tx.query('DELETE FROM work_queue WHERE id = ANY($1::bigint[])', [items.map((i) => i.workId)]);
    return { claimed: rows.length, deferred: rows.length - ready.length, results };
  }

  /** After a failed batch: each item alone, in order; a failure backs that item off and holds its case's later items. */
  private async oneByOne<T>(ids: number[], route: Route<T>, batchError: unknown): Promise<RoutingBatchOutcome<T>> {
    const out: RoutingBatchOutcome<T> = { claimed: 0, deferred: 0, results: [], failed: [] };
    const caseOf = new Map((await this.db.query<{ id: number; case_id: string | null; ref: string }>(
      'SELECT w.id, w.ref, e.case_id FROM work_queue w LEFT JOIN envelopes e ON e.envelope_id = w.ref WHERE w.id = ANY($1::bigint[])', [ids],
    )).map((r) => [Number(r.id), r]));
    const heldCases = new Set<string>();
    for (const id of ids) {
      const item = caseOf.get(id);
      if (!item) continue; // completed meanwhile
      if (item.case_id !== null && heldCases.has(item.case_id)) {
        out.deferred += 1;
        continue;
      }
      try {
        const r = await this.db.transaction((tx) => this.batch(tx, 1, [id], route, () => undefined));
        out.claimed += r.claimed;
        out.deferred += r.deferred;
        out.results.push(...r.results);
      } catch (error) {
        if (item.case_id !== null) heldCases.add(item.case_id);
        out.failed.push({ envelopeId: item.ref, error: ids.length === 1 ? batchError : error });
        await this.recordFailure(id, error);
      }
    }
    return out;
  }

  private async recordFailure(id: number, error: unknown): Promise<void> {
    await this.db.query(
      `UPDATE work_queue SET attempts = attempts + 1, last_error = $2, available_at = $3 WHERE id = $1`,
      [id, String((error as Error)?.message ?? error).slice(0, 500), this.retryAt(this.now(), await this.attemptsOf(id) + 1)],
    );
  }

  private async attemptsOf(id: number): Promise<number> {
    const [r] = await this.db.query<{ attempts: number }>('SELECT attempts FROM work_queue WHERE id = $1', [id]);
    return r?.attempts ?? 0;
  }
}
