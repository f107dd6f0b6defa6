import type { Page, PageRequest } from '../shared/paging';
import { toPage } from '../shared/paging';
import type { QuarantineItem, QuarantineQueries, QuarantineSummary } from '../intake/quarantine-queries';
import type { Database } from './database';

interface Row {
  id: string; received_at: Date; via: string; error_code: string; message: string; details: unknown[];
  size: number; envelope_id: string | null; case_id: string | null; raw?: Buffer | null; receipts: number; last_received_at: Date;
  raw_purged_at?: Date | null;
}

const summary = (r: Row): QuarantineSummary => ({
  id: r.id, receivedAt: r.received_at.toISOString(), via: r.via, errorCode: r.error_code, message: r.message,
  details: r.details, size: r.size, envelopeId: r.envelope_id, caseId: r.case_id, receipts: r.receipts, lastReceivedAt: r.last_received_at.toISOString(),
});

export class PgQuarantineRepository implements QuarantineQueries {
  constructor(private readonly db: Database) {}

  /** Newest first. */
  async list(page: PageRequest, filter: { errorCode?: string } = {}): Promise<Page<QuarantineSummary>> {
    const params: unknown[] = [page.limit + 1];
    const where: string[] = [];
    if (filter.errorCode) {
      params.push(filter.errorCode);
      where.push(`error_code = $${params.length}`);
    }
    if (page.after) {
      params.push(page.after.at, page.after.id);
      where.push(`(received_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const rows = await this.db.query<Row>(
      `SELECT id, received_at, via, error_code, message, details, size, envelope_id, case_id, receipts, last_received_at FROM quarantine
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at DESC, id DESC LIMIT $1`, params);
    return toPage(rows, page.limit, summary, (r) => [r.received_at, r.id]);
  }

  async get(id: string): Promise<QuarantineItem | undefined> {
    const [r] = await this.db.query<Row>('SELECT * FROM quarantine WHERE id = $1', [id]);
    if (!r) return undefined;
    const purgedAt = r.raw_purged_at?.toISOString() ?? null;
    if (!r.raw) return { ...summary(r), raw: null, rawEncoding: 'utf8', rawPurgedAt: purgedAt };
    const text = r.raw.toString('utf8');
    const isText = Buffer.from(text, 'utf8').equals(r.raw);
    return { ...summary(r), raw: isText ? text : r.raw.toString('base64'), rawEncoding: isText ? 'utf8' : 'base64', rawPurgedAt: purgedAt };
  }
}
