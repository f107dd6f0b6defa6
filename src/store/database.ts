/**
 * One SQL dialect, two drivers: PGlite (embedded, in DATA_DIR or in memory) and PostgreSQL through `pg`.
 * Repositories only see `Sql` (query) and `Database` (query + transaction), never a driver.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Pool, types as pgTypes } from 'pg';
import { AppError } from '../shared/errors';

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
  /** A cheap round trip, for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 (counts, bigserial ids) as JS numbers on both drivers: our values stay far below 2^53.
pgTypes.setTypeParser(20, (v) => Number(v));

/** Driver errors that mean "the database is not there" become DEP_DATABASE_DOWN (retryable). */
function wrapDriverError(e: unknown): unknown {
  const code = (e as { code?: string })?.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'].includes(code)) {
    return new AppError('DEP_DATABASE_DOWN', `The database is unavailable (${code}).`);
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
    let client;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw wrapDriverError(e);
    }
    const tx: Sql = {
      query: async <R>(text: string, params: unknown[] = []) =>
        (await client.query(text, params)).rows as R[],
      exec: async (text: string) => {
        await client.query(text);
      },
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw wrapDriverError(e);
    } finally {
      client.release();
    }
  }

  async exec(text: string): Promise<void> {
    await this.query(text);
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
  constructor(private readonly db: PGlite) {}

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

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.db.close();
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
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    pool.on('error', () => undefined); // idle client errors surface on the next query instead of crashing
    const db = new PgDatabase(pool);
    await db.ping();
    return db;
  }
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const lite = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  return new PgliteDatabase(lite);
}
