/**
 * Held forwards (migration 017): an operator's forward from triage waits for `release_at` before the relay or
 * the institution's pull may see it, and may be cancelled until then (the undo). The reads are here; the writes
 * (hold, cancel) are in case-changes.ts, the one writer of forwards. PgCaseWriter exposes both in the caller's
 * transaction.
 */
import type { HeldForward, LatestDecision } from '../cases/case-store';
import type { Sql } from './database';

/** The case's forwards still held at `now` (pending, unpublished, not leased by a relay), locked. */
export async function heldForwardsOfCase(tx: Sql, caseId: string, now: Date): Promise<HeldForward[]> {
  const rows = await tx.query<{ forward_id: string; envelope_id: string; institution_id: string; decision_id: number; release_at: Date }>(
    `SELECT forward_id, envelope_id, institution_id, decision_id, release_at FROM forwards
      WHERE case_id = $1 AND status = 'pending' AND published_at IS NULL AND lease_owner IS NULL AND release_at > $2
      ORDER BY forward_id FOR UPDATE`, [caseId, now]);
  return rows.map((r) => ({ forwardId: r.forward_id, envelopeId: r.envelope_id, institutionId: r.institution_id, decisionId: Number(r.decision_id), releaseAt: r.release_at }));
}

/** Marks the decision undone; it stops teaching the learning loop (its features row goes). */
export async function cancelDecision(tx: Sql, decisionId: number, at: Date): Promise<void> {
  await tx.query('UPDATE decisions SET cancelled_at = $2 WHERE id = $1', [decisionId, at]);
  await tx.query('DELETE FROM decision_features WHERE decision_id = $1', [decisionId]);
}

/** The case's latest decision (any kind), to tell whether anything happened after the one being undone. */
export async function latestDecision(tx: Sql, caseId: string): Promise<LatestDecision | undefined> {
  const [r] = await tx.query<{ id: number; decided_by: string; institution_id: string | null; cancelled_at: Date | null }>(
    'SELECT id, decided_by, institution_id, cancelled_at FROM decisions WHERE case_id = $1 ORDER BY id DESC LIMIT 1', [caseId]);
  return r && { decisionId: Number(r.id), decidedBy: r.decided_by, institutionId: r.institution_id, cancelled: r.cancelled_at !== null };
}

/** The data of the case's latest event of this kind. */
export async function lastEventData(tx: Sql, caseId: string, kind: string): Promise<Record<string, unknown> | undefined> {
  const [r] = await tx.query<{ data: Record<string, unknown> }>(
    'SELECT data FROM case_events WHERE case_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1', [caseId, kind]);
  return r?.data;
}
