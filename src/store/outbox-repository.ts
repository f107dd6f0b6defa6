/**
 * The forwarding outbox: due forwards leased to one relay instance in one committed statement (FOR UPDATE SKIP
 * LOCKED, then a lease column so that no transaction stays open while publishing), marked published in one
 * statement once the broker confirmed them, released with a backoff when it did not.
 */
import type { OutboxRepository, LeasedItem } from '../forwarding/outbox-relay';
import type { Envelope } from '../intake/envelope';
import { insertCaseEvents } from './case-changes';
import type { Database } from './database';

const CLAIM = `
  WITH due AS (
    SELECT forward_id FROM forwards
     WHERE published_at IS NULL AND status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
       AND (release_at IS NULL OR release_at <= $1)
     ORDER BY next_attempt_at, forward_id LIMIT $2 FOR UPDATE SKIP LOCKED),
  leased AS (
    UPDATE forwards f SET lease_owner = $3, lease_until = $4 FROM due WHERE f.forward_id = due.forward_id
    RETURNING f.forward_id, f.case_id, f.envelope_id, f.institution_id, f.rina_instruction, f.rule_id, f.decision_id,
              f.publish_attempts, f.next_attempt_at)
  SELECT l.forward_id, l.case_id, l.envelope_id, l.institution_id, l.rina_instruction, l.rule_id, l.publish_attempts, d.explanation, e.body
    FROM leased l JOIN decisions d ON d.id = l.decision_id JOIN envelopes e ON e.envelope_id = l.envelope_id
   ORDER BY l.next_attempt_at, l.forward_id`;

export class PgOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Database) {}

  async claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<LeasedItem[]> {
    const rows = await this.db.query<{
      forward_id: string; case_id: string; envelope_id: string; institution_id: string; rina_instruction: boolean;
      rule_id: string | null; explanation: string; body: Envelope; publish_attempts: number;
    }>(CLAIM, [now, limit, owner, leaseUntil]);
    return rows.map((r) => ({
      forwardId: r.forward_id, caseId: r.case_id, envelopeId: r.envelope_id, institutionId: r.institution_id,
      rinaInstruction: r.rina_instruction, ruleId: r.rule_id, explanation: r.explanation, envelope: r.body, publishAttempts: r.publish_attempts,
    }));
  }

  async markPublished(owner: string, forwardIds: string[], at: Date): Promise<number> {
    if (forwardIds.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const done = await tx.query<{ forward_id: string; case_id: string; envelope_id: string; institution_id: string }>(
        `UPDATE forwards SET published_at = $2, publish_attempts = publish_attempts + 1, last_error = NULL, lease_owner = NULL, lease_until = NULL
          WHERE forward_id = ANY($1::text[]) AND lease_owner = $3 AND published_at IS NULL
          RETURNING forward_id, case_id, envelope_id, institution_id`, [forwardIds, at, owner]);
      await insertCaseEvents(tx, done.map((r) => ({
        caseId: r.case_id, envelopeId: r.envelope_id, at, kind: 'published', data: { forwardId: r.forward_id, institutionId: r.institution_id },
      })));
      return done.length;
    });
  }

  async markFailed(owner: string, failures: Array<{ forwardId: string; nextAttemptAt: Date; error: string }>): Promise<void> {
    if (failures.length === 0) return;
    await this.db.query(
      `UPDATE forwards f SET publish_attempts = f.publish_attempts + 1, next_attempt_at = t.next_attempt_at, last_error = t.error,
              lease_owner = NULL, lease_until = NULL
         FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS t(forward_id, next_attempt_at, error)
        WHERE f.forward_id = t.forward_id AND f.lease_owner = $4`,
      [failures.map((f) => f.forwardId), failures.map((f) => f.nextAttemptAt.toISOString()), failures.map((f) => f.error), owner]);
  }

  /** Forwards committed and not yet confirmed by the broker (for /metrics; only meaningful when a broker is configured). */
  async backlog(): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM forwards WHERE published_at IS NULL AND status = 'pending'`);
    return r.n;
  }

  /** Age in seconds of the oldest forward still waiting for the broker's confirm, 0 when none waits (for /metrics). */
  async oldestAgeSeconds(now: Date): Promise<number> {
    const [r] = await this.db.query<{ oldest: Date | string | null }>(`SELECT min(created_at) AS oldest FROM forwards WHERE published_at IS NULL AND status = 'pending'`);
    return r.oldest === null ? 0 : Math.max(0, (now.getTime() - new Date(r.oldest).getTime()) / 1000);
  }
}
