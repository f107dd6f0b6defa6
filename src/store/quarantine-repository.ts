import type { QuarantineEntries, QuarantineStatus, ResubmissionRecord } from '../intake/quarantine-service';
import type { Via } from '../intake/intake-service';
import type { Page, PageRequest } from '../shared/paging';
import { toPage } from '../shared/paging';
import type { QuarantineItem, QuarantineQueries, QuarantineSummary } from '../intake/quarantine-queries';
import type { Database } from './database';

interface Row {
  id: string; received_at: Date; via: string; error_code: string; message: string; details: unknown[];
  size: number; envelope_id: string | null; case_id: string | null; raw?: Buffer | null; receipts: number; last_received_at: Date;
  status: QuarantineStatus; resolved_at: Date | null; resolved_by: string | null; resolution_note: string | null; resubmissions: number;
  raw_purged_at?: Date | null;
}

const summary = (r: Row): QuarantineSummary => ({
  id: r.id, receivedAt: r.received_at.toISOString(), via: r.via, errorCode: r.error_code, message: r.message,
  details: r.details, size: r.size, envelopeId: r.envelope_id, caseId: r.case_id, receipts: r.receipts, lastReceivedAt: r.last_received_at.toISOString(),
  status: r.status, resolution: r.resolved_at ? { at: r.resolved_at.toISOString(), by: r.resolved_by ?? '', note: r.resolution_note } : null,
  resubmissions: r.resubmissions,
});

const COLUMNS = `id, received_at, via, error_code, message, details, size, envelope_id, case_id, receipts, last_received_at,
  status, resolved_at, resolved_by, resolution_note,
  (SELECT count(*)::int FROM quarantine_resubmissions r WHERE r.quarantine_id = quarantine.id) AS resubmissions`;

export class PgQuarantineRepository implements QuarantineQueries, QuarantineEntries {
  constructor(private readonly db: Database) {}

  /** Newest first. */
  async list(page: PageRequest, filter: { errorCode?: string; status?: QuarantineStatus } = {}): Promise<Page<QuarantineSummary>> {
    const params: unknown[] = [page.limit + 1];
    const where: string[] = [];
    if (filter.errorCode) {
      params.push(filter.errorCode);
      where.push(`error_code = $${params.length}`);
    }
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (page.after) {
      params.push(page.after.at, page.after.id);
      where.push(`(received_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM quarantine
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at DESC, id DESC LIMIT $1`, params);
    return toPage(rows, page.limit, summary, (r) => [r.received_at, r.id]);
  }

  async get(id: string): Promise<QuarantineItem | undefined> {
    const [r] = await this.db.query<Row>(`SELECT ${COLUMNS}, raw, raw_purged_at FROM quarantine WHERE id = $1`, [id]);
    if (!r) return undefined;
    const attempts = await this.db.query<{ at: Date; by_actor: string; outcome: string; envelope_id: string | null; error_code: string | null; message: string | null; details: unknown[] }>(
      'SELECT at, by_actor, outcome, envelope_id, error_code, message, details FROM quarantine_resubmissions WHERE quarantine_id = $1 ORDER BY id', [id]);
    const resubmissionHistory = attempts.map((a) => ({
      at: a.at.toISOString(), by: a.by_actor, outcome: a.outcome, envelopeId: a.envelope_id,
      ...(a.error_code && { error: { code: a.error_code, message: a.message, details: a.details } }),
    }));
    const rawPurgedAt = r.raw_purged_at?.toISOString() ?? null;
    if (!r.raw) return { ...summary(r), raw: null, rawEncoding: 'utf8', rawPurgedAt, resubmissionHistory };
    const text = r.raw.toString('utf8');
    const isText = Buffer.from(text, 'utf8').equals(r.raw);
    return { ...summary(r), raw: isText ? text : r.raw.toString('base64'), rawEncoding: isText ? 'utf8' : 'base64', rawPurgedAt, resubmissionHistory };
  }

  async forResubmission(id: string): Promise<{ via: Via; raw: Buffer | null; status: QuarantineStatus } | undefined> {
    const [r] = await this.db.query<{ via: Via; raw: Buffer | null; status: QuarantineStatus }>('SELECT via, raw, status FROM quarantine WHERE id = $1', [id]);
    return r;
  }

  async recordResubmission(r: ResubmissionRecord): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO quarantine_resubmissions (quarantine_id, at, by_actor, outcome, envelope_id, error_code, message, details)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [r.quarantineId, r.at, r.by, r.outcome, r.envelopeId, r.errorCode, r.message, JSON.stringify(r.details)]);
      if (r.outcome !== 'rejected') {
        await tx.query(`UPDATE quarantine SET status = 'resubmitted', resolved_at = $2, resolved_by = $3 WHERE id = $1 AND status = 'open'`,
          [r.quarantineId, r.at, r.by]);
      }
    });
  }

  async dismiss(id: string, at: Date, by: string, reason: string): Promise<QuarantineStatus | undefined> {
    // One statement: the entry is closed only if it is still open, and the status it had is returned either way.
    const [r] = await this.db.query<{ before: QuarantineStatus }>(
      `WITH prior AS (SELECT id, status FROM quarantine WHERE id = $1 FOR UPDATE),
            done AS (UPDATE quarantine q SET status = 'dismissed', resolved_at = $2, resolved_by = $3, resolution_note = $4
                       FROM prior WHERE q.id = prior.id AND prior.status = 'open' RETURNING q.id)
       SELECT status AS before FROM prior`, [id, at, by, reason]);
    return r?.before;
  }
}
