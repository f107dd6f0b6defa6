/** Read models for the API: a case with its history, the triage queue, an institution's pending forwards. */
import type { Envelope } from '../intake/envelope';
import { toPage, type Page, type PageRequest } from '../shared/paging';
import type { Database } from './database';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface TriageFilter {
  reason?: string;
  bucType?: string;
  senderCountry?: string;
}

export class PgCaseQueries {
  constructor(private readonly db: Database) {}

  async caseView(caseId: string): Promise<Record<string, unknown> | undefined> {
    const [c] = await this.db.query<Record<string, unknown> & { created_at: Date }>('SELECT * FROM cases WHERE case_id = $1', [caseId]);
    const envelopes = await this.db.query<{ envelope_id: string; sed_type: string; buc_type: string; legal_delivery_at: Date; received_at: Date; state: string; via: string; duplicates: number; legal: string }>(
      `SELECT envelope_id, sed_type, buc_type, legal_delivery_at, received_at, state, via, duplicates, body->>'legalDeliveryAt' AS legal
         FROM envelopes WHERE case_id = $1 ORDER BY legal_delivery_at, envelope_id`, [caseId]);
    const quarantined = await this.db.query<{ id: string; received_at: Date; error_code: string }>(
      'SELECT id, received_at, error_code FROM quarantine WHERE case_id = $1 ORDER BY received_at', [caseId]);
    if (!c && envelopes.length === 0 && quarantined.length === 0) return undefined;
    const decisions = await this.db.query<Record<string, unknown> & { decided_at: Date }>('SELECT * FROM decisions WHERE case_id = $1 ORDER BY id', [caseId]);
    const forwards = await this.db.query<Record<string, unknown> & { created_at: Date; published_at: Date | null; acked_at: Date | null }>(
      'SELECT * FROM forwards WHERE case_id = $1 ORDER BY created_at, forward_id', [caseId]);
    const events = await this.db.query<{ at: Date; kind: string; envelope_id: string | null; data: unknown }>(
      'SELECT at, kind, envelope_id, data FROM case_events WHERE case_id = $1 ORDER BY id', [caseId]);
    const status = c ? c.status : envelopes.length ? 'received' : 'quarantined';
    return {
      caseId,
      status,
      bucType: c?.buc_type ?? envelopes[0]?.buc_type ?? null,
      senderInstitutionId: c?.sender_institution_id ?? null,
      senderCountry: c?.sender_country ?? null,
      institutionId: c?.institution_id ?? null,
      triage: c?.status === 'triage' ? { reason: c.triage_reason, since: iso(c.triage_since as Date), detail: c.triage_detail } : null,
      returnReason: c?.return_reason ?? null,
      firstLegalDeliveryAt: iso((c?.first_legal_delivery_at as Date) ?? envelopes[0]?.legal_delivery_at ?? null),
      decisions: decisions.map((d) => ({
        id: Number(d.id), envelopeId: d.envelope_id, outcome: d.outcome, institutionId: d.institution_id, reason: d.reason, ruleId: d.rule_id,
        ruleSetVersion: d.rule_set_version, directoryVersion: d.directory_version, explanation: d.explanation, trace: d.trace,
        decidedAt: iso(d.decided_at), decidedBy: d.decided_by, note: d.note,
      })),
      envelopes: envelopes.map((e) => ({
        envelopeId: e.envelope_id, sedType: e.sed_type, legalDeliveryAt: e.legal, receivedAt: iso(e.received_at), state: e.state, via: e.via, duplicates: e.duplicates,
      })),
      forwards: forwards.map((f) => ({
        forwardId: f.forward_id, envelopeId: f.envelope_id, institutionId: f.institution_id, ruleId: f.rule_id, status: f.status,
        createdAt: iso(f.created_at), publishedAt: iso(f.published_at), acknowledgedAt: iso(f.acked_at), reason: f.ack_reason,
      })),
      quarantined: quarantined.map((q) => ({ quarantineId: q.id, receivedAt: iso(q.received_at), errorCode: q.error_code })),
      history: events.map((e) => ({ at: iso(e.at), kind: e.kind, envelopeId: e.envelope_id, ...(e.data as object) })),
    };
  }

  /** The institution a case is currently forwarded to (case affinity), or null. */
  async caseRoute(caseId: string): Promise<string | null> {
    const [r] = await this.db.query<{ institution_id: string | null }>(`SELECT institution_id FROM cases WHERE case_id = $1 AND status = 'forwarded'`, [caseId]);
    return r?.institution_id ?? null;
  }

  /** Open orphan cases, oldest first. */
  async triage(filter: TriageFilter, page: PageRequest): Promise<Page<Record<string, unknown>>> {
    const params: unknown[] = [page.limit + 1];
    const where = [`c.status = 'triage'`];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.reason) add('c.triage_reason = ?', filter.reason);
    if (filter.bucType) add('c.buc_type = ?', filter.bucType);
    if (filter.senderCountry) add('c.sender_country = ?', filter.senderCountry);
    if (page.after) {
      params.push(page.after.at, page.after.id);
      where.push(`(c.triage_since, c.case_id) > ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const rows = await this.db.query<Record<string, unknown> & { triage_since: Date; case_id: string }>(
      `SELECT c.*, (SELECT count(*)::int FROM envelopes e WHERE e.case_id = c.case_id AND e.state = 'triage') AS held,
              (SELECT d.explanation FROM decisions d WHERE d.case_id = c.case_id AND d.rule_id IS DISTINCT FROM 'CASE-IN-TRIAGE' ORDER BY d.id DESC LIMIT 1) AS explanation
         FROM cases c WHERE ${where.join(' AND ')} ORDER BY c.triage_since, c.case_id LIMIT $1`, params);
    return toPage(rows, page.limit, (c) => ({
      caseId: c.case_id, bucType: c.buc_type, senderInstitutionId: c.sender_institution_id, senderCountry: c.sender_country,
      reason: c.triage_reason, detail: c.triage_detail, since: iso(c.triage_since), firstLegalDeliveryAt: iso(c.first_legal_delivery_at as Date),
      envelopesHeld: c.held, explanation: c.explanation,
    }), (c) => [c.triage_since, c.case_id]);
  }

  /** Forwards addressed to one institution (pull mode); `status` pending = not yet acknowledged. */
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
    const rows = await this.db.query<{ forward_id: string; case_id: string; envelope_id: string; institution_id: string; status: string; created_at: Date; rule_id: string | null; explanation: string; body: Envelope | null; acked_at: Date | null; buc_type: string; sed_type: string; legal_delivery_at: Date; sender_institution_id: string; sender_country: string }>(
      `SELECT f.forward_id, f.case_id, f.envelope_id, f.institution_id, f.status, f.created_at, f.rule_id, f.acked_at, d.explanation, e.body,
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
