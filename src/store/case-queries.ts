/** Read models for the API: one case in one snapshot, case search, an institution's forwards. */
import type { CaseReadModel, CaseSearchFilter, CaseSnapshot, CaseSummary } from '../cases/case-view';
import type { Envelope } from '../intake/envelope';
import { toPage, type Page, type PageRequest } from '../shared/paging';
import type { Database, Sql } from './database';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function readSnapshot(tx: Sql, caseId: string, now: Date): Promise<CaseSnapshot | undefined> {
  const [c] = await tx.query<Record<string, unknown> & { case_id: string }>('SELECT * FROM cases WHERE case_id = $1', [caseId]);
  const envelopes = await tx.query<{ envelope_id: string; sed_type: string; buc_type: string; received_at: Date; state: string; via: string; duplicates: number; body: Envelope }>(
    `SELECT envelope_id, sed_type, buc_type, received_at, state, via, duplicates, body FROM envelopes WHERE case_id = $1 ORDER BY legal_delivery_at, envelope_id`, [caseId]);
  const quarantined = await tx.query<{ id: string; received_at: Date; error_code: string }>(
    'SELECT id, received_at, error_code FROM quarantine WHERE case_id = $1 ORDER BY received_at', [caseId]);
  if (!c && envelopes.length === 0 && quarantined.length === 0) return undefined;
  const decisions = await tx.query<Record<string, unknown> & { id: number; decided_at: Date }>('SELECT * FROM decisions WHERE case_id = $1 ORDER BY id', [caseId]);
  const forwards = await tx.query<Record<string, unknown> & { created_at: Date; published_at: Date | null; acked_at: Date | null }>(
    'SELECT * FROM forwards WHERE case_id = $1 ORDER BY created_at, forward_id', [caseId]);
  const events = await tx.query<{ at: Date; kind: string; envelope_id: string | null; data: Record<string, unknown> }>(
    'SELECT at, kind, envelope_id, data FROM case_events WHERE case_id = $1 ORDER BY id', [caseId]);
  const [claim] = await tx.query<{ claimed_by: string; expires_at: Date }>('SELECT claimed_by, expires_at FROM triage_claims WHERE case_id = $1 AND expires_at > $2', [caseId, now]);
  return {
    case: c ? {
      caseId: c.case_id, bucType: c.buc_type as string, senderInstitutionId: c.sender_institution_id as string, senderCountry: c.sender_country as string,
      status: c.status as string, institutionId: c.institution_id as string | null, triageReason: c.triage_reason as string | null,
      triageSince: c.triage_since as Date | null, triageDetail: c.triage_detail, returnReason: c.return_reason as string | null,
      firstLegalDeliveryAt: c.first_legal_delivery_at as Date,
    } : null,
    envelopes: envelopes.map((e) => ({
      envelopeId: e.envelope_id, sedType: e.sed_type, bucType: e.buc_type, legalDeliveryAt: e.body.legalDeliveryAt, receivedAt: e.received_at,
      state: e.state, via: e.via, duplicates: e.duplicates, body: e.body,
    })),
    decisions: decisions.map((d) => ({
      id: Number(d.id), envelopeId: d.envelope_id as string | null, outcome: d.outcome as string, institutionId: d.institution_id as string | null,
      reason: d.reason as string | null, ruleId: d.rule_id as string | null, ruleSetVersion: d.rule_set_version as number | null,
      directoryVersion: d.directory_version as number | null, explanation: d.explanation as string, trace: d.trace as unknown[],
      decidedAt: d.decided_at, decidedBy: d.decided_by as string, note: d.note as string | null,
    })),
    forwards: forwards.map((f) => ({
      forwardId: f.forward_id as string, envelopeId: f.envelope_id as string, institutionId: f.institution_id as string, ruleId: f.rule_id as string | null,
      status: f.status as string, createdAt: f.created_at, publishedAt: f.published_at, acknowledgedAt: f.acked_at, reason: f.ack_reason as string | null,
    })),
    events: events.map((e) => ({ at: e.at, kind: e.kind, envelopeId: e.envelope_id, data: e.data ?? {} })),
    quarantined: quarantined.map((q) => ({ quarantineId: q.id, receivedAt: q.received_at, errorCode: q.error_code })),
    claim: claim ? { by: claim.claimed_by, until: claim.expires_at } : null,
  };
}

export class PgCaseQueries implements CaseReadModel {
  constructor(private readonly db: Database) {}

  /** One transaction, REPEATABLE READ: the case, its envelopes, decisions, forwards and events as of one instant. */
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

  async caseRoute(caseId: string): Promise<string | null> {
    const [r] = await this.db.query<{ institution_id: string | null }>(`SELECT institution_id FROM cases WHERE case_id = $1 AND status = 'forwarded'`, [caseId]);
    return r?.institution_id ?? null;
  }

  async institutionForwards(institutionId: string, status: string | undefined, page: PageRequest): Promise<Page<Record<string, unknown>>> {
    const params: unknown[] = [page.limit + 1, institutionId];
    const where = ['f.institution_id = $2'];
    if (status) {
      params.push(status);
      where.push(`f.status = $${params.length}`);
    }
    if (page.after) {
      params.push(page.after.at, page.after.id);
      where.push(`(f.created_at, f.forward_id) > ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const rows = await this.db.query<{ forward_id: string; case_id: string; envelope_id: string; institution_id: string; status: string; created_at: Date; rule_id: string | null; explanation: string; body: Envelope; acked_at: Date | null }>(
      `SELECT f.forward_id, f.case_id, f.envelope_id, f.institution_id, f.status, f.created_at, f.rule_id, f.acked_at, d.explanation, e.body
         FROM forwards f JOIN decisions d ON d.id = f.decision_id JOIN envelopes e ON e.envelope_id = f.envelope_id
        WHERE ${where.join(' AND ')} ORDER BY f.created_at, f.forward_id LIMIT $1`, params);
    return toPage(rows, page.limit, (r) => ({
      forwardId: r.forward_id, caseId: r.case_id, envelopeId: r.envelope_id, bucType: r.body.bucType, sedType: r.body.sedType,
      institutionId: r.institution_id, legalDeliveryAt: r.body.legalDeliveryAt, status: r.status, forwardedAt: iso(r.created_at),
      acknowledgedAt: iso(r.acked_at), decision: { ruleId: r.rule_id, explanation: r.explanation }, sender: r.body.sender, sed: r.body.sed,
    }), (r) => [r.created_at, r.forward_id]);
  }
}
