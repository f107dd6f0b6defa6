/**
 * Data protection: what the retention job removes, and what it keeps. Removed, once older than the cut-off: the SED
 * body (`envelopes.body`, the personal data) of envelopes whose case is closed — forwarded with every forward
 * acknowledged, or returned — and the raw bytes of quarantined inputs. Kept: every row and its metadata (ids, BUC
 * and SED types, sender, legal receipt time, hashes), decisions, case events, forwards, quarantine reasons and
 * receipts, so the figures and the reports stay exact and every decision stays explainable.
 */
import type { Sql } from './database';

export interface RetentionCounts {
  bodies: number;
  quarantined: number;
}

/** Runs inside the job's transaction (under its lock); `limit` bounds one run's work. */
export async function purgeExpired(tx: Sql, before: Date, at: Date, limit = 5_000): Promise<RetentionCounts> {
  const bodies = await tx.query<{ envelope_id: string }>(
    `UPDATE envelopes SET body = NULL, body_purged_at = $2
      WHERE envelope_id IN (
        SELECT e.envelope_id FROM envelopes e JOIN cases c ON c.case_id = e.case_id
         WHERE e.body IS NOT NULL AND e.received_at < $1
           AND (c.status = 'returned'
                OR (c.status = 'forwarded'
                    AND NOT EXISTS (SELECT 1 FROM forwards f WHERE f.case_id = c.case_id AND f.status NOT IN ('accepted', 'superseded', 'cancelled'))))
         LIMIT $3)
      RETURNING envelope_id`,
    [before, at, limit]);
  const quarantined = await tx.query<{ id: string }>(
    `UPDATE quarantine SET raw = NULL, raw_purged_at = $2
      WHERE id IN (SELECT id FROM quarantine WHERE raw IS NOT NULL AND last_received_at < $1 LIMIT $3)
      RETURNING id`,
    [before, at, limit]);
  return { bodies: bodies.length, quarantined: quarantined.length };
}
