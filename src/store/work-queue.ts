/**
 * The hand-over table between pipeline stages. Work is claimed with FOR UPDATE SKIP LOCKED inside the
 * transaction that does it, and deleted by that same transaction: a crash anywhere leaves it claimable
 * (intake-repository.ts enqueues an intake window's new envelopes with them; routing-queue.ts claims the routing
 * stage's items in batches).
 */
import type { Sql } from './database';

export async function workQueueDepth(db: Sql): Promise<Record<string, number>> {
  const rows = await db.query<{ stage: string; n: number }>('SELECT stage, count(*)::int AS n FROM work_queue GROUP BY stage');
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]));
}
