/**
 * The hand-over table between pipeline stages. Work is claimed with FOR UPDATE SKIP LOCKED inside the
 * transaction that does it, and deleted by that same transaction: a crash anywhere leaves it claimable
 * (routing-queue.ts claims the routing stage's items in batches).
 */
import type { Sql } from './database';

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

export async function workQueueDepth(db: Sql): Promise<Record<string, number>> {
  const rows = await db.query<{ stage: string; n: number }>('SELECT stage, count(*)::int AS n FROM work_queue GROUP BY stage');
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]));
}
