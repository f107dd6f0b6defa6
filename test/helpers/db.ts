/**
 * Databases for tests: one PGlite per test file (it is heavy to start), and the real PostgreSQL in a
 * schema of its own per file so that parallel workers never see each other's rows.
 * With REQUIRE_SERVICES=1 an unreachable PostgreSQL fails the run instead of skipping.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/store/database';
import { migrate } from '../../src/store/migrate';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REQUIRE_SERVICES = process.env.REQUIRE_SERVICES === '1';

export async function postgresReachable(url = PG_URL): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

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
 * The drivers a storage test runs on: PGlite always; PostgreSQL when reachable (required with REQUIRE_SERVICES=1).
 * Use with describe.each. Reachability is checked synchronously at collection time through an env flag
 * set by test/setup/global-setup.ts.
 */
export function storageDrivers(): Array<['pglite' | 'postgres', () => Promise<TestDatabase>]> {
  const drivers: Array<['pglite' | 'postgres', () => Promise<TestDatabase>]> = [['pglite', openPglite]];
  if (process.env.LIAISON_TEST_PG === 'up') drivers.push(['postgres', openPostgres]);
  return drivers;
}
