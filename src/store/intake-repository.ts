import { createHash } from 'node:crypto';
import type { EnvelopeOutcome, IntakeBatch, IntakeBatchOutcome, IntakeRepository, QuarantineRecord, StoredEnvelopeRecord } from '../intake/intake-service';
import type { Database, Sql } from './database';
import { ROUTING_STAGE } from '../shared/pipeline-stages';

const ENVELOPE_COLUMNS = 13;
const QUARANTINE_COLUMNS = 13;

/** `($1,$2,…),($n+1,…)` for `rows` rows of `columns` parameters. */
function placeholders(rows: number, columns: number): string {
  return Array.from({ length: rows }, (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(',')})`).join(',');
}

/** The same bytes rejected for the same reason are one row: the key of that row. */
export function quarantineKey(raw: Buffer, errorCode: string): string {
  return createHash('sha256').update(raw).update(errorCode).digest('hex');
}

export class PgIntakeRepository implements IntakeRepository {
  constructor(private readonly db: Database) {}

  async storeBatch(batch: IntakeBatch): Promise<IntakeBatchOutcome> {
    return this.db.transaction(async (tx) => {
      const envelopes = await this.storeEnvelopes(tx, batch.envelopes);
      const conflicts = batch.envelopes.filter((_, n) => !envelopes[n].stored && !(envelopes[n] as { sameContent: boolean }).sameContent).map((rec) => batch.conflict(rec));
      const quarantines = await this.storeQuarantines(tx, [...batch.quarantines, ...conflicts]);
      return { envelopes, quarantines: quarantines.slice(0, batch.quarantines.length) };
    });
  }

  /**
   * One multi-row INSERT … ON CONFLICT DO NOTHING; the ids it did not insert (known before, or twice in the window)
   * are duplicates, counted with one UPDATE. The inserted ones get their routing work item in the same transaction.
   */
  private async storeEnvelopes(tx: Sql, records: StoredEnvelopeRecord[]): Promise<EnvelopeOutcome[]> {
    if (!records.length) return [];
    // First occurrence of an id in the window is the candidate; later ones are duplicates of it.
    const first = new Map<string, StoredEnvelopeRecord>();
    for (const r of records) if (!first.has(r.envelope.envelopeId)) first.set(r.envelope.envelopeId, r);
    const candidates = [...first.values()];
    const params = candidates.flatMap((rec) => {
      const e = rec.envelope;
      return [e.envelopeId, e.caseId, e.bucType, e.sedType, e.documentId, e.documentVersion, e.sender.institutionId,
        e.sender.country, e.legalDeliveryAt, rec.receivedAt, rec.via, rec.contentSha256, JSON.stringify(e)];
    });
    // One statement: the envelopes, and the routing work items of those it inserted, in the window's order.
    const ids = candidates.map((c) => c.envelope.envelopeId);
    const at = 1 + candidates.length * ENVELOPE_COLUMNS;
    const inserted = new Set((await tx.query<{ envelope_id: string }>(
      `WITH ins AS (
         INSERT INTO envelopes (envelope_id, case_id, buc_type, sed_type, document_id, document_version,
           sender_institution_id, sender_country, legal_delivery_at, received_at, via, content_sha256, body)
         VALUES ${placeholders(candidates.length, ENVELOPE_COLUMNS)}
         ON CONFLICT (envelope_id) DO NOTHING RETURNING envelope_id),
       work AS (
         INSERT INTO work_queue (stage, ref, available_at, created_at)
         SELECT $${at + 1}, ins.envelope_id, $${at + 2}::timestamptz, $${at + 2}::timestamptz
           FROM ins JOIN unnest($${at}::text[]) WITH ORDINALITY AS o(id, n) ON o.id = ins.envelope_id ORDER BY o.n
         ON CONFLICT (stage, ref) DO NOTHING)
       SELECT envelope_id FROM ins`, [...params, ids, ROUTING_STAGE, candidates[0].receivedAt])).map((r) => r.envelope_id));

    const duplicates = records.filter((r) => !(inserted.has(r.envelope.envelopeId) && first.get(r.envelope.envelopeId) === r));
    const existing = new Map<string, string>();
    if (duplicates.length) {
      const counts = new Map<string, number>();
      for (const d of duplicates) counts.set(d.envelope.envelopeId, (counts.get(d.envelope.envelopeId) ?? 0) + 1);
      const rows = await tx.query<{ envelope_id: string; content_sha256: string }>(
        `UPDATE envelopes e SET duplicates = e.duplicates + d.n, last_duplicate_at = $3
           FROM (SELECT unnest($1::text[]) AS id, unnest($2::int[]) AS n) d
          WHERE e.envelope_id = d.id RETURNING e.envelope_id, e.content_sha256`,
        [[...counts.keys()], [...counts.values()], duplicates[0].receivedAt]);
      for (const r of rows) existing.set(r.envelope_id, r.content_sha256);
    }
    return records.map((r): EnvelopeOutcome => {
      const id = r.envelope.envelopeId;
      if (inserted.has(id) && first.get(id) === r) return { stored: true };
      return { stored: false, sameContent: existing.get(id) === r.contentSha256 };
    });
  }

  /** One multi-row upsert; the same bytes twice in the window are folded into one row first (receipts added). */
  private async storeQuarantines(tx: Sql, records: QuarantineRecord[]): Promise<Array<{ id: string; firstReceipt: boolean }>> {
    if (!records.length) return [];
    const keys = records.map((r) => quarantineKey(r.raw, r.errorCode));
    const groups = new Map<string, { rec: QuarantineRecord; n: number }>();
    records.forEach((rec, i) => {
      const g = groups.get(keys[i]);
      if (g) g.n += 1;
      else groups.set(keys[i], { rec, n: 1 });
    });
    const params = [...groups.entries()].flatMap(([key, { rec, n }]) => [rec.id, rec.receivedAt, rec.via, rec.errorCode, rec.message,
      JSON.stringify(rec.details), rec.size, rec.envelopeId ?? null, rec.caseId ?? null, rec.raw, key, n, rec.receivedAt]);
    const rows = await tx.query<{ id: string; raw_sha256: string; receipts: number }>(
      `INSERT INTO quarantine (id, received_at, via, error_code, message, details, size, envelope_id, case_id, raw, raw_sha256, receipts, last_received_at)
       VALUES ${placeholders(groups.size, QUARANTINE_COLUMNS)}
       ON CONFLICT (raw_sha256) DO UPDATE SET receipts = quarantine.receipts + EXCLUDED.receipts, last_received_at = EXCLUDED.received_at
       RETURNING id, raw_sha256, receipts`, params);
    const byKey = new Map(rows.map((r) => [r.raw_sha256, r]));
    const seen = new Set<string>();
    return keys.map((key) => {
      const row = byKey.get(key)!;
      const firstOfWindow = !seen.has(key);
      seen.add(key);
      // New row: its receipts are exactly this window's copies of it.
      return { id: row.id, firstReceipt: firstOfWindow && row.receipts === groups.get(key)!.n };
    });
  }
}
