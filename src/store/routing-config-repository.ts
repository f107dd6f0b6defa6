import type { Envelope } from '../intake/envelope';
import type { DirectoryData } from '../routing/directory';
import type { RuleTable } from '../routing/rule-table';
import type { RoutingConfigRepository, StoredVersion, VersionMeta } from '../routing/versions';
import type { Database } from './database';

const TABLE = { directory: 'directory_versions', rules: 'rule_set_versions' } as const;

interface Row { version: number; data: unknown; author: string; reason: string; created_at: Date }

export class PgRoutingConfigRepository implements RoutingConfigRepository {
  constructor(private readonly db: Database) {}

  async latestVersions(): Promise<{ directory: number | null; rules: number | null }> {
    const [r] = await this.db.query<{ d: number | null; r: number | null }>(
      'SELECT (SELECT max(version) FROM directory_versions) AS d, (SELECT max(version) FROM rule_set_versions) AS r');
    return { directory: r.d, rules: r.r };
  }

  private async get<T>(kind: 'directory' | 'rules', version: number): Promise<StoredVersion<T> | undefined> {
    const [r] = await this.db.query<Row>(`SELECT version, data, author, reason, created_at FROM ${TABLE[kind]} WHERE version = $1`, [version]);
    return r && { version: r.version, data: r.data as T, author: r.author, reason: r.reason, createdAt: r.created_at };
  }

  directoryVersion(version: number) {
    return this.get<DirectoryData>('directory', version);
  }

  ruleSetVersion(version: number) {
    return this.get<RuleTable>('rules', version);
  }

  private async insert(kind: 'directory' | 'rules', v: StoredVersion<unknown>): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO ${TABLE[kind]} (version, data, author, reason, created_at) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (version) DO NOTHING RETURNING version`,
      [v.version, JSON.stringify(v.data), v.author, v.reason, v.createdAt]);
    return rows.length === 1;
  }

  insertDirectoryVersion(v: StoredVersion<DirectoryData>) {
    return this.insert('directory', v);
  }

  insertRuleSetVersion(v: StoredVersion<RuleTable>) {
    return this.insert('rules', v);
  }

  async listVersions(kind: 'directory' | 'rules'): Promise<VersionMeta[]> {
    const rows = await this.db.query<Row>(`SELECT version, author, reason, created_at FROM ${TABLE[kind]} ORDER BY version DESC`);
    return rows.map((r) => ({ version: r.version, author: r.author, reason: r.reason, createdAt: r.created_at }));
  }
}

/** Stored envelopes delivered since a date, in delivery order (a case's SEDs as the pipeline saw them), in pages. */
export async function* storedEnvelopesSince(db: Database, since: Date, pageSize = 500): AsyncGenerator<Envelope> {
  for await (const page of storedEnvelopePagesSince(db, since, pageSize)) yield* page;
}

/**
 * A page on PGlite: its SQL runs on the service's thread (WASM, in-process), and the rows' bodies are parsed there
 * too: a 500-envelope page held the event loop 1.3 s on the shared machine (load 23) during a draft simulation
 * (test/security/draft-simulation-bounded.test.ts), 50 holds it briefly. PostgreSQL runs the query in its server.
 */
const pageSizeOf = (db: Database) => (db.driver === 'pglite' ? 50 : 500);

/**
 * The same, a page at a time (keyset paging, one short query per page): the draft simulation hands each page to
 * its worker thread and reads the next only when the worker took it, so memory does not grow with the database.
 */
export async function* storedEnvelopePagesSince(db: Database, since: Date, pageSize = pageSizeOf(db)): AsyncGenerator<Envelope[]> {
  let after: { at: Date; id: string } = { at: since, id: '' };
  for (;;) {
    const rows = await db.query<{ envelope_id: string; legal_delivery_at: Date; body: Envelope }>(
      `SELECT envelope_id, legal_delivery_at, body FROM envelopes
        WHERE legal_delivery_at >= $1 AND body IS NOT NULL AND (legal_delivery_at, envelope_id) > ($2::timestamptz, $3::text)
        ORDER BY legal_delivery_at, envelope_id LIMIT $4`, [since, after.at, after.id, pageSize]);
    if (rows.length > 0) yield rows.map((r) => r.body);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { at: last.legal_delivery_at, id: last.envelope_id };
  }
}
