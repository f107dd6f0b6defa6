/**
 * The notice outboxes of the one relay (src/shared/notice-relay.ts): escalations, report.ready, learned-rule drift.
 * Their tables share one shape (`notification` pending/sent, `next_attempt_at`, `lease_owner`, `lease_until`,
 * `publish_attempts`, `last_error`, `sent_at`), so their three statements are built here from a description of the
 * table, once, instead of being written per table:
 *
 * - claim: leases up to $2 due pending rows nobody holds (or whose lease expired) to $3 until $4, in one statement
 *   (FOR UPDATE SKIP LOCKED: two instances never hold the same row), committed when it returns;
 * - mark sent: only the rows still leased to the caller and still pending; returns how many;
 * - mark failed: counts the attempt, sets the next one, keeps the error, releases the lease.
 */
import type { LeasedNotice, NoticeOutbox } from '../shared/notice-relay';
import type { Sql } from './database';

export interface NoticeTable<N, R> {
  table: string;
  /** The primary key: column, SQL type of its array for unnest, and the notice's value of it. */
  key: ReadonlyArray<{ column: string; type: 'text' | 'int'; of: (n: N) => string | number }>;
  /** What the claim returns of the leased row `x` besides its key (columns or expressions, `x.`-qualified). */
  returning: readonly string[];
  /** Claim order after `next_attempt_at` (unqualified columns; default: the key). */
  order?: readonly string[];
  /** A further condition on the due row `e`; its parameters are `claimParams`, numbered from $5. */
  claimWhere?: string;
  claimParams?: () => unknown[];
  /** Columns of other tables, joined on the leased rows `l`. */
  join?: { from: string; columns: readonly string[] };
  fromRow: (row: R) => LeasedNotice<N>;
}

export interface NoticeStatements {
  claim: string;
  markSent: string;
  markFailed: string;
}

/** The three statements of a notice table (pure: tested on their text, run by PgNoticeOutbox). */
export function noticeStatements<N, R>(t: NoticeTable<N, R>): NoticeStatements {
  const keys = t.key.map((k) => k.column);
  const order = t.order ?? keys;
  const on = (a: string, b: string) => keys.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');
  const n = keys.length;
  const arrays = t.key.map((k, i) => `$${i + 1}::${k.type}[]`).join(', ');
  const claim = `
  WITH due AS (
    SELECT ${keys.map((c) => `e.${c}`).join(', ')} FROM ${t.table} e
     WHERE e.notification = 'pending' AND e.next_attempt_at <= $1 AND (e.lease_until IS NULL OR e.lease_until < $1)${t.claimWhere ? `
       AND ${t.claimWhere}` : ''}
     ORDER BY e.next_attempt_at, ${order.map((c) => `e.${c}`).join(', ')} LIMIT $2 FOR UPDATE SKIP LOCKED),
  leased AS (
    UPDATE ${t.table} x SET lease_owner = $3, lease_until = $4 FROM due WHERE ${on('x', 'due')}
    RETURNING ${[...keys.map((c) => `x.${c}`), ...t.returning, 'x.publish_attempts', 'x.next_attempt_at'].join(', ')})
  SELECT ${['l.*', ...(t.join?.columns ?? [])].join(', ')}
    FROM leased l${t.join ? ` ${t.join.from}` : ''}
   ORDER BY l.next_attempt_at, ${order.map((c) => `l.${c}`).join(', ')}`;
  const markSent = `
  UPDATE ${t.table} n SET notification = 'sent', sent_at = $${n + 1}, publish_attempts = n.publish_attempts + 1, last_error = NULL,
         lease_owner = NULL, lease_until = NULL
    FROM unnest(${arrays}) AS k(${keys.join(', ')})
   WHERE ${on('n', 'k')} AND n.lease_owner = $${n + 2} AND n.notification = 'pending'
  RETURNING ${keys.map((c) => `n.${c}`).join(', ')}`;
  const markFailed = `
  UPDATE ${t.table} n SET publish_attempts = n.publish_attempts + 1, next_attempt_at = k.next_attempt_at, last_error = k.error,
         lease_owner = NULL, lease_until = NULL
    FROM unnest(${arrays}, $${n + 1}::timestamptz[], $${n + 2}::text[]) AS k(${keys.join(', ')}, next_attempt_at, error)
   WHERE ${on('n', 'k')} AND n.lease_owner = $${n + 3} AND n.notification = 'pending'`;
  return { claim, markSent, markFailed };
}

/** A notice outbox on its table's description: lease, publish outside (the relay), mark. */
export class PgNoticeOutbox<N, R> implements NoticeOutbox<N> {
  private readonly sql: NoticeStatements;

  constructor(private readonly db: Sql, private readonly table: NoticeTable<N, R>) {
    this.sql = noticeStatements(table);
  }

  async claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<Array<LeasedNotice<N>>> {
    const rows = await this.db.query<R>(this.sql.claim, [now, limit, owner, leaseUntil, ...(this.table.claimParams?.() ?? [])]);
    return rows.map(this.table.fromRow);
  }

  async markSent(owner: string, notices: N[], at: Date): Promise<number> {
    if (notices.length === 0) return 0;
    const done = await this.db.query(this.sql.markSent, [...this.keyArrays(notices), at, owner]);
    return done.length;
  }

  async markFailed(owner: string, failures: Array<{ notice: N; nextAttemptAt: Date; error: string }>): Promise<void> {
    if (failures.length === 0) return;
    await this.db.query(this.sql.markFailed, [
      ...this.keyArrays(failures.map((f) => f.notice)), failures.map((f) => f.nextAttemptAt.toISOString()), failures.map((f) => f.error), owner,
    ]);
  }

  /** The primary key as parallel arrays (for unnest). */
  private keyArrays(notices: N[]): unknown[][] {
    return this.table.key.map((k) => notices.map(k.of));
  }
}
