/**
 * One instance per tick: a scheduled job runs inside one transaction that first takes a transaction-scoped
 * advisory lock named after the job, without waiting. Every instance's cron fires; the one that gets the lock
 * does the work, the others skip that tick. The lock is released by the commit (or the rollback, or the death of
 * the connection), so a crashed instance never leaves a job locked.
 *
 * On PGlite (one connection, one process) transactions are serialised anyway: a second run waits for the first
 * and then finds nothing left to do; the jobs are written to be idempotent for that reason too.
 */
import type { LockedRun } from '../shared/exclusive-job';
import type { Database, Sql } from './database';

/** Key space of job locks (two-key advisory locks: never collides with the migrator's or the cases' locks). */
export const JOB_LOCK_SPACE = 724_006;

export async function runExclusively<T>(db: Database, job: string, fn: (tx: Sql) => Promise<T>): Promise<LockedRun<T>> {
  return db.transaction(async (tx) => {
    const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [JOB_LOCK_SPACE, job]);
    if (!locked) return { ran: false };
    return { ran: true, result: await fn(tx) };
  });
}
