/**
 * RINA document events (rina_events, migration 015): stored once per case, document and version; leased to one
 * worker at a time in one committed statement (FOR UPDATE SKIP LOCKED, then a lease column, so no transaction stays
 * open while the CPI is read); marked taken, or released with a backoff.
 */
import type { RinaDocumentNotice } from '../rina/rina-event';
import type { LeasedNotice, RetriedNotice, RinaEventStore, TakenNotice } from '../rina/rina-event-service';
import type { RinaEventCounts } from '../rina/rina-metrics';
import type { Database } from './database';

const CLAIM = `
  WITH due AS (
    SELECT case_id, document_id, document_version FROM rina_events
     WHERE state = 'waiting' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
     ORDER BY next_attempt_at, received_at LIMIT $2 FOR UPDATE SKIP LOCKED)
  UPDATE rina_events r SET lease_owner = $3, lease_until = $4
    FROM due WHERE r.case_id = due.case_id AND r.document_id = due.document_id AND r.document_version = due.document_version
  RETURNING r.case_id, r.document_id, r.document_version, r.document_type, r.buc_type, r.metadata, r.attempts, r.received_at, r.next_attempt_at`;

interface ClaimRow {
  case_id: string; document_id: string; document_version: string; document_type: string; buc_type: string | null;
  metadata: RinaDocumentNotice['metadata']; attempts: number; received_at: Date | string; next_attempt_at: Date | string;
}

const KEY_MATCH = 'r.case_id = t.case_id AND r.document_id = t.document_id AND r.document_version = t.document_version';

export class PgRinaEventStore implements RinaEventStore {
  constructor(private readonly db: Database) {}

  async add(notices: RinaDocumentNotice[], source: 'event' | 'import', at: Date): Promise<boolean[]> {
    if (notices.length === 0) return [];
    // An import also sets a failed event waiting again; an event never touches a known row.
    const onConflict = source === 'import'
      ? `ON CONFLICT (case_id, document_id, document_version) DO UPDATE SET state = 'waiting', attempts = 0, next_attempt_at = EXCLUDED.received_at,
           last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE rina_events.state = 'failed'`
      : 'ON CONFLICT (case_id, document_id, document_version) DO NOTHING';
    const rows = await this.db.query<{ case_id: string; document_id: string; document_version: string }>(
      `INSERT INTO rina_events (case_id, document_id, document_version, document_type, buc_type, source, metadata, state, received_at, next_attempt_at)
       SELECT t.case_id, t.document_id, t.document_version, t.document_type, t.buc_type, $6, t.metadata::jsonb, 'waiting', $7, $7
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $8::text[])
              AS t(case_id, document_id, document_version, document_type, buc_type, metadata)
       ${onConflict}
       RETURNING case_id, document_id, document_version`,
      [notices.map((n) => n.caseId), notices.map((n) => n.documentId), notices.map((n) => n.documentVersion), notices.map((n) => n.documentType),
        notices.map((n) => n.bucType ?? null), source, at, notices.map((n) => JSON.stringify(n.metadata))]);
    const added = new Set(rows.map((r) => `${r.case_id}\u0000${r.document_id}\u0000${r.document_version}`));
    return notices.map((n) => added.has(`${n.caseId}\u0000${n.documentId}\u0000${n.documentVersion}`));
  }

  async claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<LeasedNotice[]> {
    const rows = await this.db.query<ClaimRow>(CLAIM, [now, limit, owner, leaseUntil]);
    rows.sort((a, b) => new Date(a.next_attempt_at).getTime() - new Date(b.next_attempt_at).getTime() || new Date(a.received_at).getTime() - new Date(b.received_at).getTime());
    return rows.map((r) => ({
      caseId: r.case_id, documentId: r.document_id, documentVersion: r.document_version, documentType: r.document_type, bucType: r.buc_type ?? undefined,
      metadata: r.metadata, attempts: r.attempts, receivedAt: new Date(r.received_at),
    }));
  }

  async markTaken(owner: string, taken: TakenNotice[], at: Date): Promise<void> {
    if (taken.length === 0) return;
    await this.db.query(
      `UPDATE rina_events r SET state = 'done', outcome = t.outcome, envelope_id = t.envelope_id, quarantine_id = t.quarantine_id, done_at = $7,
              last_error = NULL, lease_owner = NULL, lease_until = NULL
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
              AS t(case_id, document_id, document_version, outcome, envelope_id, quarantine_id)
        WHERE ${KEY_MATCH} AND r.lease_owner = $8`,
      [taken.map((t) => t.caseId), taken.map((t) => t.documentId), taken.map((t) => t.documentVersion), taken.map((t) => t.outcome),
        taken.map((t) => t.envelopeId ?? null), taken.map((t) => t.quarantineId ?? null), at, owner]);
  }

  async markRetry(owner: string, retried: RetriedNotice[], at: Date): Promise<void> {
    if (retried.length === 0) return;
    await this.db.query(
      `UPDATE rina_events r SET attempts = r.attempts + 1, next_attempt_at = t.next_attempt_at, last_error = t.error,
              state = CASE WHEN t.fail THEN 'failed' ELSE 'waiting' END, done_at = CASE WHEN t.fail THEN $7::timestamptz END,
              lease_owner = NULL, lease_until = NULL
         FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::boolean[])
              AS t(case_id, document_id, document_version, next_attempt_at, error, fail)
        WHERE ${KEY_MATCH} AND r.lease_owner = $8`,
      [retried.map((t) => t.caseId), retried.map((t) => t.documentId), retried.map((t) => t.documentVersion),
        retried.map((t) => t.nextAttemptAt.toISOString()), retried.map((t) => t.error), retried.map((t) => t.fail), at, owner]);
  }

  async counts(): Promise<RinaEventCounts> {
    const rows = await this.db.query<{ state: string; n: number; oldest: Date | string | null }>(
      `SELECT state, count(*)::int AS n, min(received_at) AS oldest FROM rina_events GROUP BY state`);
    const by = new Map(rows.map((r) => [r.state, r]));
    const oldest = by.get('waiting')?.oldest;
    return { waiting: by.get('waiting')?.n ?? 0, failed: by.get('failed')?.n ?? 0, done: by.get('done')?.n ?? 0, oldestWaitingAt: oldest ? new Date(oldest) : null };
  }

  /** One event's row (tests and the operator's view). */
  async get(caseId: string, documentId: string, documentVersion: string): Promise<{ state: string; attempts: number; outcome: string | null; envelopeId: string | null; lastError: string | null } | undefined> {
    const [r] = await this.db.query<{ state: string; attempts: number; outcome: string | null; envelope_id: string | null; last_error: string | null }>(
      'SELECT state, attempts, outcome, envelope_id, last_error FROM rina_events WHERE case_id = $1 AND document_id = $2 AND document_version = $3',
      [caseId, documentId, documentVersion]);
    return r ? { state: r.state, attempts: r.attempts, outcome: r.outcome, envelopeId: r.envelope_id, lastError: r.last_error } : undefined;
  }
}
