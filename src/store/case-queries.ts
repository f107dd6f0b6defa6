/** Read models for the API: one case in one snapshot, case search, an institution's forwards. */
import type { CaseReadModel, CaseSearchFilter, CaseSnapshot, CaseSummary } from '../cases/case-view';
import type { Envelope } from '../intake/envelope';
import { toPage, type Page, type PageRequest } from '../shared/paging';
import type { Database, Sql } from './database';
import { STATUS_COLUMNS as X007_STATUS_COLUMNS, statusFromRow as x007StatusFromRow } from './x007-repository';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type J = Record<string, unknown>;
const at = (v: unknown) => new Date(v as string);
const atOrNull = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/**
 * The whole case in one statement (one snapshot whatever the isolation level, one round trip): the case row and
 * each list aggregated as JSON, in the orders the view shows.
 */
const SNAPSHOT_SQL = `SELECT
  (SELECT row_to_json(c) FROM cases c WHERE c.case_id = $1) AS c,
  (SELECT coalesce(json_agg(json_build_object('envelope_id', e.envelope_id, 'sed_type', e.sed_type, 'buc_type', e.buc_type, 'received_at', e.received_at,
      'state', e.state, 'via', e.via, 'duplicates', e.duplicates, 'body', e.body) ORDER BY e.legal_delivery_at, e.envelope_id), '[]')
     FROM envelopes e WHERE e.case_id = $1) AS envelopes,
  (SELECT coalesce(json_agg(json_build_object('id', q.id, 'received_at', q.received_at, 'error_code', q.error_code) ORDER BY q.received_at), '[]')
     FROM quarantine q WHERE q.case_id = $1) AS quarantined,
  (SELECT coalesce(json_agg(row_to_json(d) ORDER BY d.id), '[]') FROM decisions d WHERE d.case_id = $1) AS decisions,
  (SELECT coalesce(json_agg(json_build_object('forward_id', f.forward_id, 'envelope_id', f.envelope_id, 'institution_id', f.institution_id, 'rule_id', f.rule_id,
      'status', f.status, 'created_at', f.created_at, 'published_at', f.published_at, 'acked_at', f.acked_at, 'ack_reason', f.ack_reason,
      'x007', (SELECT row_to_json(x) FROM (SELECT ${X007_STATUS_COLUMNS} FROM rina_x007 WHERE forward_id = f.forward_id) x)) ORDER BY f.created_at, f.forward_id), '[]')
     FROM forwards f WHERE f.case_id = $1) AS forwards,
  (SELECT coalesce(json_agg(json_build_object('at', v.at, 'kind', v.kind, 'envelope_id', v.envelope_id, 'data', v.data) ORDER BY v.id), '[]')
     FROM case_events v WHERE v.case_id = $1) AS events,
  (SELECT json_build_object('by', k.claimed_by, 'until', k.expires_at) FROM triage_claims k WHERE k.case_id = $1 AND k.expires_at > $2) AS claim`;

async function readSnapshot(tx: Sql, caseId: string, now: Date): Promise<CaseSnapshot | undefined> {
  const [r] = await tx.query<{ c: J | null; envelopes: J[]; quarantined: J[]; decisions: J[]; forwards: J[]; events: J[]; claim: J | null }>(SNAPSHOT_SQL, [caseId, now]);
  const c = r.c;
  if (!c && r.envelopes.length === 0 && r.quarantined.length === 0) return undefined;
  return {
    case: c ? {
      caseId: c.case_id as string, bucType: c.buc_type as string, senderInstitutionId: c.sender_institution_id as string, senderCountry: c.sender_country as string,
      status: c.status as string, institutionId: c.institution_id as string | null, triageReason: c.triage_reason as string | null,
      triageSince: atOrNull(c.triage_since), triageDetail: c.triage_detail, returnReason: c.return_reason as string | null,
      firstLegalDeliveryAt: at(c.first_legal_delivery_at),
    } : null,
    envelopes: r.envelopes.map((e) => {
      const body = e.body as Envelope;
      return {
        envelopeId: e.envelope_id as string, sedType: e.sed_type as string, bucType: e.buc_type as string, legalDeliveryAt: body.legalDeliveryAt,
        receivedAt: at(e.received_at), state: e.state as string, via: e.via as string, duplicates: Number(e.duplicates), body,
      };
    }),
    decisions: r.decisions.map((d) => ({
      id: Number(d.id), envelopeId: d.envelope_id as string | null, outcome: d.outcome as string, institutionId: d.institution_id as string | null,
      reason: d.reason as string | null, ruleId: d.rule_id as string | null, ruleSetVersion: d.rule_set_version as number | null,
      directoryVersion: d.directory_version as number | null, explanation: d.explanation as string, trace: (d.trace ?? []) as unknown[],
      decidedAt: at(d.decided_at), decidedBy: d.decided_by as string, note: (d.note ?? null) as string | null,
    })),
    forwards: r.forwards.map((f) => ({
      forwardId: f.forward_id as string, envelopeId: f.envelope_id as string, institutionId: f.institution_id as string, ruleId: f.rule_id as string | null,
      status: f.status as string, createdAt: at(f.created_at), publishedAt: atOrNull(f.published_at), acknowledgedAt: atOrNull(f.acked_at), reason: f.ack_reason as string | null,
      x007: f.x007 ? x007StatusFromRow(f.x007 as Parameters<typeof x007StatusFromRow>[0]) : null,
    })),
    events: r.events.map((e) => ({ at: at(e.at), kind: e.kind as string, envelopeId: e.envelope_id as string | null, data: (e.data ?? {}) as Record<string, unknown> })),
    quarantined: r.quarantined.map((q) => ({ quarantineId: q.id as string, receivedAt: at(q.received_at), errorCode: q.error_code as string })),
    claim: r.claim ? { by: r.claim.by as string, until: at(r.claim.until) } : null,
  };
}

export class PgCaseQueries implements CaseReadModel {
  constructor(private readonly db: Database) {}

  /**
   * The case, its envelopes, decisions, forwards and events as of one instant: one statement, inside a
   * REPEATABLE READ read-only transaction (PGlite is one connection anyway).
   */
  snapshot(caseId: string, now: Date): Promise<CaseSnapshot | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return readSnapshot(tx, caseId, now);
    });
  }

  /** Newest first by first legal delivery; every filter narrows (AND). */
  async search(filter: CaseSearchFilter, page: PageRequest): Promise<Page<CaseSummary>> {
    const params: unknown[] = [page.limit + 1];
    const where: string[] = [];
    const add = (sql: string, ...v: unknown[]) => {
      let text = sql;
      for (const value of v) {
        params.push(value);
        text = text.replace('?', `$${params.length}`);
      }
      where.push(text);
    };
    if (filter.caseId) add(`c.case_id LIKE ? ESCAPE '\\'`, `${filter.caseId.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    if (filter.envelopeId) add('c.case_id IN (SELECT case_id FROM envelopes WHERE envelope_id = ?)', filter.envelopeId);
    if (filter.institutionId) {
      add('(c.institution_id = ? OR c.sender_institution_id = ? OR EXISTS (SELECT 1 FROM forwards f WHERE f.case_id = c.case_id AND f.institution_id = ?))',
        filter.institutionId, filter.institutionId, filter.institutionId);
    }
    if (filter.status) add('c.status = ?', filter.status);
    if (filter.from) add('c.first_legal_delivery_at >= ?', filter.from);
    if (filter.to) add('c.first_legal_delivery_at < ?', filter.to);
    if (page.after) add('(c.first_legal_delivery_at, c.case_id) < (?::timestamptz, ?)', page.after.at, page.after.id);
    const rows = await this.db.query<{ case_id: string; status: string; buc_type: string; sender_country: string; sender_institution_id: string; institution_id: string | null; triage_reason: string | null; first_legal_delivery_at: Date; updated_at: Date; envelopes: number }>(
      `SELECT c.case_id, c.status, c.buc_type, c.sender_country, c.sender_institution_id, c.institution_id, c.triage_reason, c.first_legal_delivery_at, c.updated_at,
              (SELECT count(*)::int FROM envelopes e WHERE e.case_id = c.case_id) AS envelopes
         FROM cases c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY c.first_legal_delivery_at DESC, c.case_id DESC LIMIT $1`, params);
    return toPage(rows, page.limit, (r) => ({
      caseId: r.case_id, status: r.status, bucType: r.buc_type, senderCountry: r.sender_country, senderInstitutionId: r.sender_institution_id,
      institutionId: r.institution_id, triageReason: r.triage_reason, firstLegalDeliveryAt: r.first_legal_delivery_at.toISOString(),
      updatedAt: r.updated_at.toISOString(), envelopes: r.envelopes,
    }), (r) => [r.first_legal_delivery_at, r.case_id]);
  }

  /** The stored envelope with this id, else every envelope of the case with this id (legal order); for tools. */
  async storedEnvelopes(envelopeOrCaseId: string): Promise<Envelope[]> {
    const byId = await this.db.query<{ body: Envelope }>('SELECT body FROM envelopes WHERE envelope_id = $1', [envelopeOrCaseId]);
    if (byId.length) return byId.map((r) => r.body);
    return (await this.db.query<{ body: Envelope }>('SELECT body FROM envelopes WHERE case_id = $1 ORDER BY legal_delivery_at, envelope_id', [envelopeOrCaseId])).map((r) => r.body);
  }

  async caseRoute(caseId: string): Promise<string | null> {
    const [r] = await this.db.query<{ institution_id: string | null }>(`SELECT institution_id FROM cases WHERE case_id = $1 AND status = 'forwarded'`, [caseId]);
    return r?.institution_id ?? null;
  }

  async institutionForwards(institutionId: string, status: string | undefined, page: PageRequest, now: Date, opts: { withholdSuperseded?: boolean } = {}): Promise<Page<Record<string, unknown>>> {
    // Only released forwards (migration 017): not held for an operator's undo window, never cancelled ones.
    const params: unknown[] = [page.limit + 1, institutionId, opts.withholdSuperseded === true, now];
    const where = ['f.institution_id = $2', `f.status <> 'cancelled'`, '(f.release_at IS NULL OR f.release_at <= $4)'];
    if (status) {
      params.push(status);
      where.push(`f.status = $${params.length}`);
    }
    if (page.after) {
      params.push(page.after.at, page.after.id);
      where.push(`(f.created_at, f.forward_id) > ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const rows = await this.db.query<{ forward_id: string; case_id: string; envelope_id: string; institution_id: string; status: string; created_at: Date; rule_id: string | null; explanation: string; body: Envelope | null; acked_at: Date | null; buc_type: string; sed_type: string; legal_delivery_at: Date; sender_institution_id: string; sender_country: string }>(
      `SELECT f.forward_id, f.case_id, f.envelope_id, f.institution_id, f.status, f.created_at, f.rule_id, f.acked_at, d.explanation,
              CASE WHEN f.status = 'superseded' AND $3::boolean THEN NULL ELSE e.body END AS body,
              e.buc_type, e.sed_type, e.legal_delivery_at, e.sender_institution_id, e.sender_country
         FROM forwards f JOIN decisions d ON d.id = f.decision_id JOIN envelopes e ON e.envelope_id = f.envelope_id
        WHERE ${where.join(' AND ')} ORDER BY f.created_at, f.forward_id LIMIT $1`, params);
    return toPage(rows, page.limit, (r) => ({
      // A body purged by the retention job (closed case) leaves the metadata columns: the forward stays listable.
      forwardId: r.forward_id, caseId: r.case_id, envelopeId: r.envelope_id, bucType: r.buc_type, sedType: r.sed_type,
      institutionId: r.institution_id, legalDeliveryAt: r.body?.legalDeliveryAt ?? r.legal_delivery_at.toISOString(), status: r.status, forwardedAt: iso(r.created_at),
      acknowledgedAt: iso(r.acked_at), decision: { ruleId: r.rule_id, explanation: r.explanation },
      sender: r.body?.sender ?? { institutionId: r.sender_institution_id, country: r.sender_country }, sed: r.body?.sed ?? null,
    }), (r) => [r.created_at, r.forward_id]);
  }
}
