import { createHash } from 'node:crypto';
import type { IntakeRepository, QuarantineRecord, StoredEnvelopeRecord } from '../intake/intake-service';
import type { Database } from './database';
import { enqueueWork } from './work-queue';

import { ROUTING_STAGE } from '../shared/pipeline-stages';

export class PgIntakeRepository implements IntakeRepository {
  constructor(private readonly db: Database) {}

  async storeEnvelope(rec: StoredEnvelopeRecord): Promise<{ stored: true } | { stored: false; existingSha256: string }> {
    const e = rec.envelope;
    return this.db.transaction(async (tx) => {
      // ON CONFLICT DO NOTHING: two concurrent deliveries of one id store it once; the loser sees a duplicate.
      const inserted = await tx.query(
        `INSERT INTO envelopes (envelope_id, case_id, buc_type, sed_type, document_id, document_version,
           sender_institution_id, sender_country, legal_delivery_at, received_at, via, content_sha256, body)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
         ON CONFLICT (envelope_id) DO NOTHING RETURNING envelope_id`,
        [e.envelopeId, e.caseId, e.bucType, e.sedType, e.documentId, e.documentVersion, e.sender.institutionId,
          e.sender.country, e.legalDeliveryAt, rec.receivedAt, rec.via, rec.contentSha256, JSON.stringify(e)],
      );
      if (inserted.length === 1) {
        await enqueueWork(tx, ROUTING_STAGE, e.envelopeId, rec.receivedAt);
        return { stored: true as const };
      }
      const [existing] = await tx.query<{ content_sha256: string }>(
        `UPDATE envelopes SET duplicates = duplicates + 1, last_duplicate_at = $2 WHERE envelope_id = $1 RETURNING content_sha256`,
        [e.envelopeId, rec.receivedAt],
      );
      return { stored: false as const, existingSha256: existing.content_sha256 };
    });
  }

  async quarantine(rec: QuarantineRecord): Promise<{ id: string; firstReceipt: boolean }> {
    // The same bytes rejected again (a redelivered message, a retried POST) stay one row with a receipt count.
    const rawSha256 = createHash('sha256').update(rec.raw).update(rec.errorCode).digest('hex');
    const [row] = await this.db.query<{ id: string; receipts: number }>(
      `INSERT INTO quarantine (id, received_at, via, error_code, message, details, size, envelope_id, case_id, raw, raw_sha256, last_received_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$2)
       ON CONFLICT (raw_sha256) DO UPDATE SET receipts = quarantine.receipts + 1, last_received_at = EXCLUDED.received_at
       RETURNING id, receipts`,
      [rec.id, rec.receivedAt, rec.via, rec.errorCode, rec.message, JSON.stringify(rec.details), rec.size, rec.envelopeId ?? null, rec.caseId ?? null, rec.raw, rawSha256],
    );
    return { id: row.id, firstReceipt: row.receipts === 1 };
  }
}
