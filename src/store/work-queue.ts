/**
 * The hand-over table between pipeline stages. Work is claimed with FOR UPDATE SKIP LOCKED inside the
 * transaction that does it, and deleted by that same transaction: a crash anywhere leaves it claimable.
 */
import type { Database, Sql } from './database';

export interface WorkItem {
  id: number;
  stage: string;
  ref: string;
  attempts: number;
}

/** Many items of one stage in one statement (an intake window hands its new envelopes over at once). */
export async function enqueueWorkBatch(tx: Sql, stage: string, refs: string[], at: Date): Promise<void> {
  if (!refs.length) return;
  await tx.query(
    `INSERT INTO work_queue (stage, ref, available_at, created_at)
     SELECT $1, ref, $3, $3 FROM unnest($2::text[]) WITH ORDINALITY AS r(ref, n) ORDER BY n
     ON CONFLICT (stage, ref) DO NOTHING`,
    [stage, refs, at],
  );
}

/**
 * Claims the oldest available item of a stage and runs `work` in the same transaction; the item is
 * deleted when `work` resolves. When it throws, the claim is rolled back and the failure is recorded
 * with a backoff (`retryDelayMs(attempts)`) in a second short transaction.
 * Returns false when there was nothing to do.
 */
export async function processNext(
  db: Database,
  stage: string,
  now: () => Date,
  work: (tx: Sql, item: WorkItem) => Promise<void>,
  retryDelayMs: (attempts: number) => number,
): Promise<{ done: boolean; item?: WorkItem; error?: unknown }> {
  let claimed: WorkItem | undefined;
  try {
    const found = await db.transaction(async (tx) => {
      const [item] = await tx.query<{ id: number; stage: string; ref: string; attempts: number }>(
        `SELECT id, stage, ref, attempts FROM work_queue
          WHERE stage = $1 AND available_at <= $2
          ORDER BY available_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [stage, now()],
      );
      if (!item) return false;
      claimed = item;
      await work(tx, item);
      await tx.query('DELETE FROM work_queue WHERE id = $1', [item.id]);
      return true;
    });
    return { done: found, item: claimed };
  } catch (error) {
    if (claimed) {
      const attempts = claimed.attempts + 1;
      await db.query(
        `UPDATE work_queue SET attempts = $2, last_error = $3, available_at = $4 WHERE id = $1`,
        [claimed.id, attempts, String((error as Error)?.message ?? error).slice(0, 500), new Date(now().getTime() + retryDelayMs(attempts))],
      );
    }
    return { done: Boolean(claimed), item: claimed, error };
  }
}

export async function workQueueDepth(db: Sql): Promise<Record<string, number>> {
  const rows = await db.query<{ stage: string; n: number }>('SELECT stage, count(*)::int AS n FROM work_queue GROUP BY stage');
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]));
}
