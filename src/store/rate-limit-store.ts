/** The service's database in the shape rate-limiter-flexible's PostgreSQL store expects (table rate_limits). */
import type { RateLimitStoreClient } from '../access/login-throttle';
import type { Database } from './database';

/** PGlite answers int8 as bigint where pg answers a number: the limiter does arithmetic with `expire`. */
const plain = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));

export function rateLimitStoreClient(db: Database): RateLimitStoreClient {
  return {
    async query(q) {
      const rows = (await db.query<Record<string, unknown>>(q.text, q.values ?? [])).map(plain);
      return { rows, rowCount: rows.length };
    },
  };
}
