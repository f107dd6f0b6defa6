/** The triage queue and its claims (table triage_claims). */
import type { Claim, ClaimOutcome, TriagePageRequest, TriageQueueFilter, TriageQueueRow, TriageQueueStore, TriageSortKey } from '../triage/triage-queue';
import { makeCursor } from '../shared/paging';
import type { Database } from './database';

interface QueueRow {
  case_id: string; buc_type: string; sender_institution_id: string; sender_country: string; triage_reason: string;
  triage_detail: Record<string, unknown> | null; triage_since: Date; first_legal_delivery_at: Date; held: number;
  explanation: string | null; claimed_by: string | null; claim_until: Date | null; sort_value: Date | string;
}

function whereOf(filter: TriageQueueFilter, params: unknown[], now: Date): string[] {
  const where = [`c.status = 'triage'`];
  const add = (sql: string, ...v: unknown[]) => {
    let out = sql;
    for (const value of v) {
      params.push(value);
      out = out.replace('?', `$${params.length}`);
    }
    where.push(out);
  };
  if (filter.reasons?.length) add('c.triage_reason = ANY(?::text[])', filter.reasons);
  if (filter.bucType) add('c.buc_type = ?', filter.bucType);
  if (filter.sector) add(`c.buc_type LIKE ?`, `${filter.sector}\\_BUC\\_%`);
  if (filter.senderCountry) add('c.sender_country = ?', filter.senderCountry);
  if (filter.triagedBefore) add('c.triage_since <= ?', filter.triagedBefore);
  if (filter.receivedBefore) add('c.first_legal_delivery_at <= ?', filter.receivedBefore);
  if (filter.claimedBy) add('EXISTS (SELECT 1 FROM triage_claims m WHERE m.case_id = c.case_id AND m.claimed_by = ? AND m.expires_at > ?)', filter.claimedBy, now);
  return where;
}

/** The column of each sort key; a time column's cursor value is cast back to timestamptz. */
const SORT_COLUMNS: Record<TriageSortKey, { column: string; time: boolean }> = {
  triageSince: { column: 'c.triage_since', time: true },
  received: { column: 'c.first_legal_delivery_at', time: true },
  bucType: { column: 'c.buc_type', time: false },
  senderCountry: { column: 'c.sender_country', time: false },
  reason: { column: `coalesce(c.triage_reason, '')`, time: false },
};

export class PgTriageQueue implements TriageQueueStore {
  constructor(private readonly db: Database) {}

  async queue(filter: TriageQueueFilter, page: TriagePageRequest, now: Date): Promise<{ rows: TriageQueueRow[]; nextCursor: string | null }> {
    const params: unknown[] = [page.limit + 1, now];
    const where = whereOf(filter, params, now);
    const sort = page.sort ?? { key: 'triageSince', desc: false };
    const { column, time } = SORT_COLUMNS[sort.key];
    const dir = sort.desc ? 'DESC' : 'ASC';
    if (page.after) {
      params.push(page.after.at, page.after.id);
      where.push(`(${column}, c.case_id) ${sort.desc ? '<' : '>'} ($${params.length - 1}${time ? '::timestamptz' : ''}, $${params.length})`);
    }
    let offset = '';
    if (!page.after && page.offset) {
      params.push(page.offset);
      offset = `OFFSET $${params.length}`;
    }
    // The page first (the partial indexes on triage_since or first_legal_delivery_at, case_id), then the per-case
    // details for its rows only.
    const rows = await this.db.query<QueueRow>(
      `WITH page AS (
         SELECT c.case_id, c.buc_type, c.sender_institution_id, c.sender_country, c.triage_reason, c.triage_detail, c.triage_since, c.first_legal_delivery_at,
                ${column} AS sort_value
           FROM cases c WHERE ${where.join(' AND ')} ORDER BY ${column} ${dir}, c.case_id ${dir} LIMIT $1 ${offset})
       SELECT p.*,
              (SELECT count(*)::int FROM envelopes e WHERE e.case_id = p.case_id AND e.state = 'triage') AS held,
              (SELECT d.explanation FROM decisions d WHERE d.case_id = p.case_id AND d.rule_id IS DISTINCT FROM 'CASE-IN-TRIAGE' ORDER BY d.id DESC LIMIT 1) AS explanation,
              k.claimed_by, k.expires_at AS claim_until
         FROM page p LEFT JOIN triage_claims k ON k.case_id = p.case_id AND k.expires_at > $2
        ORDER BY p.sort_value ${dir}, p.case_id ${dir}`, params);
    const more = rows.length > page.limit;
    const items = rows.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      rows: items.map((r) => ({
        caseId: r.case_id, bucType: r.buc_type, senderInstitutionId: r.sender_institution_id, senderCountry: r.sender_country,
        triageReason: r.triage_reason, triageDetail: r.triage_detail, triageSince: r.triage_since, firstLegalDeliveryAt: r.first_legal_delivery_at,
        envelopesHeld: r.held, explanation: r.explanation, claim: r.claimed_by && r.claim_until ? { by: r.claimed_by, until: r.claim_until } : null,
      })),
      nextCursor: more && last ? makeCursor(last.sort_value, last.case_id) : null,
    };
  }

  async countsByReason(filter: Omit<TriageQueueFilter, 'reasons'>, now: Date): Promise<Record<string, number>> {
    const params: unknown[] = [];
    const rows = await this.db.query<{ reason: string; n: number }>(
      `SELECT c.triage_reason AS reason, count(*)::int AS n FROM cases c WHERE ${whereOf(filter, params, now).join(' AND ')} GROUP BY c.triage_reason ORDER BY 1`, params);
    return Object.fromEntries(rows.map((r) => [r.reason ?? 'NONE', r.n]));
  }

  /**
   * Cases the rules sent to triage, oldest in triage first (the re-routing dry run after a rule table change):
   * not those an institution bounced or an operator reopened, which the rules had decided or a person sent back.
   */
  async triageCaseIds(limit: number, only?: string): Promise<string[]> {
    const rows = await this.db.query<{ case_id: string }>(
      `SELECT case_id FROM cases WHERE status = 'triage' AND triage_reason NOT IN ('BOUNCED', 'REOPENED') AND ($2::text IS NULL OR case_id = $2)
        ORDER BY triage_since, case_id LIMIT $1`, [limit, only ?? null]);
    return rows.map((r) => r.case_id);
  }

  async claim(caseId: string, by: string, now: Date, until: Date): Promise<ClaimOutcome> {
    // One statement: the claim is taken (or renewed by its holder, or taken over once expired) only for a case in
    // triage; two operators claiming at once cannot both win.
    const [won] = await this.db.query<{ claimed_by: string; expires_at: Date }>(
      `INSERT INTO triage_claims (case_id, claimed_by, claimed_at, expires_at)
         SELECT case_id, $2, $3, $4 FROM cases WHERE case_id = $1 AND status = 'triage'
       ON CONFLICT (case_id) DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at, expires_at = EXCLUDED.expires_at
         WHERE triage_claims.claimed_by = EXCLUDED.claimed_by OR triage_claims.expires_at <= EXCLUDED.claimed_at
       RETURNING claimed_by, expires_at`, [caseId, by, now, until]);
    if (won) return { status: 'claimed', claim: { by: won.claimed_by, until: won.expires_at } };
    const [c] = await this.db.query<{ status: string; claimed_by: string | null; expires_at: Date | null }>(
      `SELECT c.status, k.claimed_by, k.expires_at FROM cases c LEFT JOIN triage_claims k ON k.case_id = c.case_id WHERE c.case_id = $1`, [caseId]);
    if (!c) return { status: 'no-case' };
    if (c.status !== 'triage') return { status: 'not-in-triage', caseStatus: c.status };
    return { status: 'held-by-other', claim: { by: c.claimed_by!, until: c.expires_at! } };
  }

  async release(caseId: string, by: string, now: Date): Promise<{ released: boolean; heldBy?: Claim }> {
    const gone = await this.db.query('DELETE FROM triage_claims WHERE case_id = $1 AND (claimed_by = $2 OR expires_at <= $3) RETURNING case_id', [caseId, by, now]);
    if (gone.length) return { released: true };
    const [other] = await this.db.query<{ claimed_by: string; expires_at: Date }>('SELECT claimed_by, expires_at FROM triage_claims WHERE case_id = $1', [caseId]);
    return other ? { released: false, heldBy: { by: other.claimed_by, until: other.expires_at } } : { released: false };
  }
}
