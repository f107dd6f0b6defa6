/**
 * One SQL dialect, two drivers: PGlite (embedded, in DATA_DIR or in memory) and PostgreSQL through `pg`.
 * Repositories only see `Sql` (query) and `Database` (query + transaction), never a driver.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Pool, types as pgTypes, type PoolClient } from 'pg';
import { AppError } from '../shared/errors';
import { lockDataDir, type DataDirLock } from './data-dir-lock';

export type Row = Record<string, unknown>;

export interface Sql {
  query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Database extends Sql {
  readonly driver: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs fn with up to `sessions` read-only transactions that share one snapshot (REPEATABLE READ, READ ONLY: the
   * first exports it, the others import it), so that reads spread over connections see the same data. Beyond the
   * first, only connections free at once are taken: it never waits for one its caller's own work holds. PGlite
   * (one connection): one session. Ended without a commit (nothing is written). Optional: wrappers (tests, the
   * bench) may leave it out, and callers then read in a transaction of their own.
   */
  readSnapshot?<T>(sessions: number, fn: (s: Sql[]) => Promise<T>): Promise<T>;
  /** A cheap round trip, for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A checked-out pg client with the error listener of PgDatabase.transaction (see there). */
interface Session {
  client: PoolClient;
  sql: Sql;
  broken(): Error | undefined;
  /** Marks the client broken (a failed ROLLBACK): it is thrown away on release. */
  breakWith(err: Error): void;
  release(): void;
}

const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/;

// int8 (counts, bigserial ids) as JS numbers on both drivers: our values stay far below 2^53.
pgTypes.setTypeParser(20, (v) => Number(v));

/**
 * Driver errors that mean "the database is not there" (refused, reset, cut mid-query, shutting down, failing over,
 * read-only standby after a switchover, too many connections) become DEP_DATABASE_DOWN: a dependency failure, which
 * pauses consumers and answers 503, never a per-message retry or a quarantine.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '25006', '53300',
]);
const CONNECTION_MESSAGES = /Connection terminated|connection error|terminating connection|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end|not queryable/i;

export function wrapDriverError(e: unknown): unknown {
  if (e instanceof AppError) return e;
  const code = (e as { code?: string })?.code;
  const message = e instanceof Error ? e.message : '';
  if ((code && CONNECTION_CODES.has(code)) || CONNECTION_MESSAGES.test(message)) {
    return new AppError('DEP_DATABASE_DOWN', `The database is unavailable (${code ?? message.slice(0, 80)}).`);
  }
  return e;
}

class PgDatabase implements Database {
  readonly driver = 'postgres' as const;
  constructor(private readonly pool: Pool) {}

  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.pool.query(text, params)).rows as T[];
    } catch (e) {
      throw wrapDriverError(e);
    }
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const session = await this.session();
    const { client } = session;
    try {
      await client.query('BEGIN');
      const result = await fn(session.sql);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      if (!session.broken()) await client.query('ROLLBACK').catch((err: Error) => session.breakWith(err));
      const broken = session.broken();
      throw wrapDriverError(broken && !(e instanceof AppError) ? broken : e);
    } finally {
      session.release();
    }
  }

  async exec(text: string): Promise<void> {
    await this.query(text);
  }

  /**
   * A checked-out client with an error listener: a checked-out client has no listener of the pool's, so a
   * connection cut mid-transaction (failover) would emit an unhandled 'error' and kill the process. The error is
   * kept, and the client is thrown away instead of returned to the pool.
   */
  private async session(): Promise<Session> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw wrapDriverError(e);
    }
    let broken: Error | undefined;
    const onError = (err: Error): void => {
      broken = err;
    };
    client.on('error', onError);
    return {
      client,
      sql: {
        query: async <R>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[],
        exec: async (text: string) => {
          await client.query(text);
        },
      },
      broken: () => broken,
      breakWith: (err: Error) => {
        broken = err;
      },
      release() {
        client.removeListener('error', onError);
        client.release(broken);
      },
    };
  }

  async readSnapshot<T>(sessions: number, fn: (s: Sql[]) => Promise<T>): Promise<T> {
    const taken: Session[] = [];
    const free = () => this.pool.idleCount > 0 || this.pool.totalCount < (this.pool.options.max ?? 10);
    try {
      const leader = await this.session();
      taken.push(leader);
      await leader.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      if (sessions > 1) {
        const [{ id }] = (await leader.client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows;
        if (!SNAPSHOT_ID.test(id)) throw new AppError('INT_UNEXPECTED', `unexpected snapshot id ${JSON.stringify(id).slice(0, 40)}`);
        while (taken.length < sessions && free()) {
          const helper = await this.session();
          taken.push(helper);
          await helper.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          await helper.client.query(`SET TRANSACTION SNAPSHOT '${id}'`); // SET takes no parameters; the id is checked above
        }
      }
      return await fn(taken.map((t) => t.sql));
    } catch (e) {
      const broken = taken.map((t) => t.broken()).find(Boolean);
      // 25006 here is a write attempted in a read-only session (a defect), not a standby after a switchover.
      if (!broken && (e as { code?: string })?.code === '25006') throw new AppError('INT_UNEXPECTED', 'a read-only snapshot session was asked to write');
      throw wrapDriverError(broken && !(e instanceof AppError) ? broken : e);
    } finally {
      // The helpers end first: an exported snapshot is valid only while its exporter's transaction is open.
      for (const t of [...taken].reverse()) {
        if (!t.broken()) await t.client.query('ROLLBACK').catch(() => undefined);
        t.release();
      }
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class PgliteDatabase implements Database {
  readonly driver = 'pglite' as const;
  constructor(private readonly db: PGlite, private readonly lock?: DataDirLock) {}

  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<Row>(text, params)).rows.map(normaliseRow) as T[];
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    // PGlite is one connection: its transaction() holds an exclusive lock, so statements from
    // elsewhere wait until the commit, as they would on a row lock in PostgreSQL.
    return this.db.transaction(async (t) =>
      fn({
        query: async <R>(text: string, params: unknown[] = []) => (await t.query<Row>(text, params)).rows.map(normaliseRow) as R[],
        exec: async (text: string) => {
          await t.exec(text);
        },
      }),
    );
  }

  async exec(text: string): Promise<void> {
    await this.db.exec(text);
  }

  readSnapshot<T>(_sessions: number, fn: (s: Sql[]) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return fn([tx]);
    });
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}

/** PGlite returns bytea as Uint8Array where pg returns Buffer: repositories see Buffer on both. */
function normaliseRow<T>(row: T): T {
  for (const [k, v] of Object.entries(row as Row)) {
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) (row as Row)[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  return row;
}

export interface DatabaseOptions {
  /** postgres://… : use PostgreSQL. */
  databaseUrl?: string;
  /** Folder for PGlite's files; undefined = in memory (tests). */
  dataDir?: string;
  poolSize?: number;
  /** Who opens a PGlite data directory (written in its lock file, shown to whoever finds it locked). */
  holder?: string;
  /** PostgreSQL connect timeout, ms (default 5 s). */
  connectTimeoutMs?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new Pool({
      connectionString: opts.databaseUrl, max: opts.poolSize ?? 10,
      // A connect that hangs (black-holed network during a failover) fails instead of holding the caller forever.
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
      keepAlive: true,
    });
    // Idle clients cut by the server (failover, restart) are dropped by the pool; the next query opens a new one.
    pool.on('error', () => undefined);
    const db = new PgDatabase(pool);
    await db.ping();
    return db;
  }
  if (!opts.dataDir) return new PgliteDatabase(await PGlite.create({}));
  mkdirSync(opts.dataDir, { recursive: true });
  // The holder's start time is only shown to people: the wall clock is right here.
  const lock = lockDataDir(opts.dataDir, opts.holder ?? process.argv.slice(1).join(' '), new Date().toISOString());
  try {
    return new PgliteDatabase(await PGlite.create({ dataDir: opts.dataDir }), lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}
