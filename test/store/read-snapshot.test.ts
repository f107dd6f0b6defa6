/**
 * Database.readSnapshot, which the reports read their figures with (#11): sessions that share one snapshot see
 * the same data while writes are committed beside them, cannot write, and are taken only from free connections,
 * so that a caller holding a connection of a small pool never waits for itself. PGlite: one session.
 */
import { openDatabase, type Database } from '../../src/store/database';
import { openPglite, openPostgres, type TestDatabase } from '../helpers/db';
import { describeIf, pgUrlOrSkip } from '../helpers/services';

const count = async (s: { query<T>(text: string): Promise<T[]> }) => Number((await s.query<{ n: number }>('SELECT count(*) AS n FROM snapshot_probe'))[0].n);

describeIf(pgUrlOrSkip())('readSnapshot on PostgreSQL', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openPostgres();
    await tdb.db.exec('CREATE TABLE snapshot_probe (n integer)');
  }, 60_000);
  afterAll(async () => {
    await tdb?.close();
  });
  beforeEach(async () => {
    await tdb.db.exec('TRUNCATE snapshot_probe; INSERT INTO snapshot_probe VALUES (1)');
  });

  it('gives every session the same snapshot, taken before a write committed meanwhile', async () => {
    const seen = await tdb.db.readSnapshot!(3, async (sessions) => {
      await tdb.db.query('INSERT INTO snapshot_probe VALUES (2)'); // another connection, committed at once
      const pids = await Promise.all(sessions.map(async (s) => (await s.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid));
      return { sessions: sessions.length, distinct: new Set(pids).size, counts: await Promise.all(sessions.map(count)) };
    });
    expect(seen).toEqual({ sessions: 3, distinct: 3, counts: [1, 1, 1] });
    expect(await count(tdb.db)).toBe(2);
  });

  it('refuses writes in its sessions', async () => {
    await expect(tdb.db.readSnapshot!(2, (sessions) => sessions[1].query('INSERT INTO snapshot_probe VALUES (3)')))
      .rejects.toMatchObject({ code: 'INT_UNEXPECTED', message: 'a read-only snapshot session was asked to write' });
    expect(await count(tdb.db)).toBe(1);
  });

  it('takes only free connections beyond the first: a caller holding one of a pool of two gets one session', async () => {
    const small: Database = await openDatabase({ databaseUrl: tdb.url!, poolSize: 2 });
    try {
      const sessions = await small.transaction(async (tx) => {
        await tx.query('SELECT 1');
        return small.readSnapshot!(3, async (s) => (await Promise.all(s.map(count))).length);
      });
      expect(sessions).toBe(1);
    } finally {
      await small.close();
    }
  });
});

describe('readSnapshot on PGlite', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openPglite();
    await tdb.db.exec('CREATE TABLE snapshot_probe (n integer); INSERT INTO snapshot_probe VALUES (1)');
  }, 60_000);
  afterAll(async () => {
    await tdb?.close();
  });

  it('is one read-only session', async () => {
    const seen = await tdb.db.readSnapshot!(3, async (sessions) => ({ sessions: sessions.length, n: await count(sessions[0]) }));
    expect(seen).toEqual({ sessions: 1, n: 1 });
    await expect(tdb.db.readSnapshot!(3, (s) => s[0].query('INSERT INTO snapshot_probe VALUES (2)'))).rejects.toThrow(/read-only transaction/);
  });
});
