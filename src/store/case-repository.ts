/** The case pipeline's storage: cases, decisions, forwards (outbox), events. SQL only here. */
import type {
  CaseChanges, CaseRecord, CaseStore, CaseWriter, DecisionRecord, EnvelopeState, ForwardRecord, StoredEnvelope,
} from '../cases/case-store';
import type { Envelope } from '../intake/envelope';
import type { TransactionScope } from '../shared/transaction-scope';
import * as writes from './case-changes';
import type { Database, Sql } from './database';
import * as hold from './forward-hold';
import { scopeOf } from './sql-scope';

export interface CaseRow {
  case_id: string; buc_type: string; sender_institution_id: string; sender_country: string; status: CaseRecord['status'];
  institution_id: string | null; triage_reason: string | null; triage_since: Date | null; triage_detail: Record<string, unknown> | null;
  return_reason: string | null; first_legal_delivery_at: Date;
}

export const caseFromRow = (r: CaseRow): CaseRecord => ({
  caseId: r.case_id, bucType: r.buc_type, senderInstitutionId: r.sender_institution_id, senderCountry: r.sender_country,
  status: r.status, institutionId: r.institution_id, triageReason: r.triage_reason, triageSince: r.triage_since,
  triageDetail: r.triage_detail, returnReason: r.return_reason, firstLegalDeliveryAt: r.first_legal_delivery_at,
});

interface ForwardRow {
  forward_id: string; case_id: string; envelope_id: string; institution_id: string; decision_id: number; rule_id: string | null;
  legal_delivery_at: Date; status: ForwardRecord['status']; created_at: Date; rina_instruction: boolean; published_at: Date | null;
  acked_at: Date | null; ack_reason: string | null;
}

export const forwardFromRow = (r: ForwardRow): ForwardRecord => ({
  forwardId: r.forward_id, caseId: r.case_id, envelopeId: r.envelope_id, institutionId: r.institution_id, decisionId: Number(r.decision_id),
  ruleId: r.rule_id, legalDeliveryAt: r.legal_delivery_at, status: r.status, createdAt: r.created_at, rinaInstruction: r.rina_instruction,
  publishedAt: r.published_at, ackedAt: r.acked_at, ackReason: r.ack_reason,
});

export class PgCaseWriter implements CaseWriter {
  readonly scope: TransactionScope;

  constructor(private readonly tx: Sql) {
    this.scope = scopeOf(tx);
  }

  async envelope(envelopeId: string): Promise<StoredEnvelope | undefined> {
    const [r] = await this.tx.query<{ body: Envelope; received_at: Date; state: EnvelopeState }>(
      'SELECT body, received_at, state FROM envelopes WHERE envelope_id = $1 FOR UPDATE', [envelopeId]);
    return r && { envelope: r.body, receivedAt: r.received_at, state: r.state };
  }

  async lockCase(caseId: string): Promise<CaseRecord | undefined> {
    // An advisory lock, not a row lock: it also serialises the first two SEDs of a case not yet stored.
    await this.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`case:${caseId}`]);
    const [r] = await this.tx.query<CaseRow>('SELECT * FROM cases WHERE case_id = $1', [caseId]);
    return r && caseFromRow(r);
  }

  async saveCase(c: CaseRecord, at: Date): Promise<void> {
    await writes.upsertCases(this.tx, [c], at);
  }

  apply(changes: CaseChanges, at: Date): Promise<Map<string, number>> {
    return writes.applyCaseChanges(this.tx, changes, at);
  }

  async insertDecision(d: DecisionRecord): Promise<number> {
    const [r] = await this.tx.query<{ id: number }>(
      `INSERT INTO decisions (case_id, envelope_id, outcome, institution_id, reason, rule_id, rule_set_version, directory_version,
         explanation, trace, decided_at, decided_by, note)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id`,
      [d.caseId, d.envelopeId, d.outcome, d.institutionId, d.reason, d.ruleId, d.ruleSetVersion, d.directoryVersion,
        d.explanation, JSON.stringify(d.trace), d.decidedAt, d.decidedBy, d.note ?? null]);
    return Number(r.id);
  }

  insertForward(f: ForwardRecord): Promise<void> {
    return writes.insertForward(this.tx, f);
  }

  async setEnvelopeState(envelopeIds: string[], state: EnvelopeState): Promise<void> {
    if (envelopeIds.length) await this.tx.query('UPDATE envelopes SET state = $2 WHERE envelope_id = ANY($1::text[])', [envelopeIds, state]);
  }

  async envelopesOfCase(caseId: string, state?: EnvelopeState) {
    const rows = await this.tx.query<{ envelope_id: string; legal_delivery_at: Date; state: EnvelopeState }>(
      `SELECT envelope_id, legal_delivery_at, state FROM envelopes WHERE case_id = $1 ${state ? 'AND state = $2' : ''}
       ORDER BY legal_delivery_at, envelope_id`, state ? [caseId, state] : [caseId]);
    return rows.map((r) => ({ envelopeId: r.envelope_id, legalDeliveryAt: r.legal_delivery_at, state: r.state }));
  }

  async addEvent(caseId: string, kind: string, at: Date, data: Record<string, unknown> = {}, envelopeId: string | null = null): Promise<void> {
    await writes.insertCaseEvents(this.tx, [{ caseId, envelopeId, at, kind, data }]);
  }

  async lockForward(forwardId: string): Promise<ForwardRecord | undefined> {
    const [r] = await this.tx.query<ForwardRow>('SELECT * FROM forwards WHERE forward_id = $1 FOR UPDATE', [forwardId]);
    return r && forwardFromRow(r);
  }

  ackForward(forwardId: string, status: 'accepted' | 'rejected', at: Date, by: string, reason: string | null): Promise<void> {
    return writes.ackForward(this.tx, forwardId, status, at, by, reason);
  }

  async pendingForwardsOfCase(caseId: string, institutionId: string): Promise<ForwardRecord[]> {
    const rows = await this.tx.query<ForwardRow>(
      `SELECT * FROM forwards WHERE case_id = $1 AND institution_id = $2 AND status = 'pending' ORDER BY created_at FOR UPDATE`,
      [caseId, institutionId]);
    return rows.map(forwardFromRow);
  }

  async claimOf(caseId: string, now: Date): Promise<{ by: string; until: Date } | undefined> {
    const [r] = await this.tx.query<{ claimed_by: string; expires_at: Date }>(
      'SELECT claimed_by, expires_at FROM triage_claims WHERE case_id = $1 AND expires_at > $2', [caseId, now]);
    return r && { by: r.claimed_by, until: r.expires_at };
  }

  async releaseClaim(caseId: string): Promise<void> {
    await this.tx.query('DELETE FROM triage_claims WHERE case_id = $1', [caseId]);
  }

  supersedeForwards(caseId: string, institutionId: string): Promise<string[]> {
    return writes.supersedeForwards(this.tx, caseId, institutionId);
  }

  holdForwards(forwardIds: string[], releaseAt: Date) { return writes.holdForwards(this.tx, forwardIds, releaseAt); }
  heldForwardsOfCase(caseId: string, now: Date) { return hold.heldForwardsOfCase(this.tx, caseId, now); }
  cancelHeldForwards(forwardIds: string[], at: Date) { return writes.cancelHeldForwards(this.tx, forwardIds, at); }
  cancelDecision(decisionId: number, at: Date) { return hold.cancelDecision(this.tx, decisionId, at); }
  latestDecision(caseId: string) { return hold.latestDecision(this.tx, caseId); }
  lastEventData(caseId: string, kind: string) { return hold.lastEventData(this.tx, caseId, kind); }
}

export class PgCaseStore implements CaseStore {
  constructor(private readonly db: Database) {}

  inTransaction<T>(fn: (w: CaseWriter) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgCaseWriter(tx)));
  }
}
