import type { BucCatalogueRepository, BucEntry, CatalogueVersionMeta } from '../intake/buc-catalogue';
import type { Database } from './database';

interface Row { version: number; data: BucEntry[]; author: string; reason: string; created_at: Date }

export class PgBucCatalogueRepository implements BucCatalogueRepository {
  constructor(private readonly db: Database) {}

  async latestVersion(): Promise<number | null> {
    const [r] = await this.db.query<{ v: number | null }>('SELECT max(version) AS v FROM buc_catalogue_versions');
    return r.v;
  }

  async version(version: number) {
    const [r] = await this.db.query<Row>('SELECT version, data, author, reason, created_at FROM buc_catalogue_versions WHERE version = $1', [version]);
    return r && { version: r.version, data: r.data, author: r.author, reason: r.reason, createdAt: r.created_at };
  }

  async insert(v: CatalogueVersionMeta & { data: BucEntry[] }): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO buc_catalogue_versions (version, data, author, reason, created_at) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (version) DO NOTHING RETURNING version`, [v.version, JSON.stringify(v.data), v.author, v.reason, v.createdAt]);
    return rows.length === 1;
  }

  async list(): Promise<CatalogueVersionMeta[]> {
    const rows = await this.db.query<Row>('SELECT version, author, reason, created_at FROM buc_catalogue_versions ORDER BY version DESC');
    return rows.map((r) => ({ version: r.version, author: r.author, reason: r.reason, createdAt: r.created_at }));
  }
}
