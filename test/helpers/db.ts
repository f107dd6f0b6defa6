/**
 * Databases for tests: one PGlite per test file (it is heavy to start), and the real PostgreSQL in a
 * schema of its own per file so that parallel workers never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/store/database';
import { migrate } from '../../src/store/migrate';
import { DEFAULT_TEST_PG_URL, pgUrlOrSkip } from './services';

/** The PostgreSQL of the tests: TEST_DATABASE_URL, else the local server (see services.ts). */
export const PG_URL = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_PG_URL;

export interface TestDatabase {
  db: Database;
  /** The connection URL (PostgreSQL only), for a child process to share the same schema. */
  url?: string;
  /** Empties every table but the migration log. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openPglite(): Promise<TestDatabase> {
  const db = await openDatabase({});
  await migrate(db);
  return { db, reset: () => truncateAll(db), close: () => db.close() };
}

export async function openPostgres(): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 5 });
  await migrate(db);
  return {
    db,
    url: url.toString(),
    reset: () => truncateAll(db),
    async close() {
      await db.close();
      const c = new Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

async function truncateAll(db: Database): Promise<void> {
  const tables = await db.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`);
  if (tables.length) await db.exec(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

/**
 * The drivers a storage test runs on: PGlite always; PostgreSQL when reachable. With REQUIRE_SERVICES=1 an
 * unreachable PostgreSQL fails the file at load time instead (pgUrlOrSkip). Use with describe.each.
 */
export function storageDrivers(): Array<['pglite' | 'postgres', () => Promise<TestDatabase>]> {
  const drivers: Array<['pglite' | 'postgres', () => Promise<TestDatabase>]> = [['pglite', openPglite]];
  if (pgUrlOrSkip()) drivers.push(['postgres', openPostgres]);
  return drivers;
}
