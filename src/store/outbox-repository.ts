/** The forwarding outbox: unpublished forwards claimed with FOR UPDATE SKIP LOCKED, marked sent after the confirm. */
import type { OutboxItem } from '../forwarding/messages';
import type { OutboxRepository, RelayResult } from '../forwarding/outbox-relay';
import type { Envelope } from '../intake/envelope';
import type { Database } from './database';

/** Retry delay of an unconfirmed publication: 2 s doubling to 5 min. */
const publishRetryMs = (attempts: number) => Math.min(300_000, 2000 * 2 ** Math.min(attempts - 1, 8));

export class PgOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Database) {}

  async relayBatch(now: Date, limit: number, publish: (item: OutboxItem) => Promise<void>): Promise<RelayResult> {
    return this.db.transaction(async (tx) => {
      // Publishing inside the claim: a crash after the confirm but before the commit republishes the same
      // messageId (consumers de-duplicate on it); the outbox row itself is never duplicated.
      const rows = await tx.query<{
        forward_id: string; case_id: string; envelope_id: string; institution_id: string; rina_instruction: boolean;
        rule_id: string | null; explanation: string; body: Envelope; publish_attempts: number;
      }>(
        `SELECT f.forward_id, f.case_id, f.envelope_id, f.institution_id, f.rina_instruction, f.rule_id, d.explanation, e.body, f.publish_attempts
           FROM forwards f JOIN decisions d ON d.id = f.decision_id JOIN envelopes e ON e.envelope_id = f.envelope_id
          WHERE f.published_at IS NULL AND f.status = 'pending' AND f.next_attempt_at <= $1
          ORDER BY f.next_attempt_at, f.forward_id LIMIT $2 FOR UPDATE OF f SKIP LOCKED`, [now, limit]);
      const result: RelayResult = { published: [], failed: [] };
      for (const r of rows) {
        const item: OutboxItem = {
          forwardId: r.forward_id, caseId: r.case_id, envelopeId: r.envelope_id, institutionId: r.institution_id,
          rinaInstruction: r.rina_instruction, ruleId: r.rule_id, explanation: r.explanation, envelope: r.body,
        };
        try {
          await publish(item);
          await tx.query('UPDATE forwards SET published_at = $2, publish_attempts = publish_attempts + 1, last_error = NULL WHERE forward_id = $1', [r.forward_id, now]);
          await tx.query(`INSERT INTO case_events (case_id, envelope_id, at, kind, data) VALUES ($1,$2,$3,'published',$4)`,
            [r.case_id, r.envelope_id, now, JSON.stringify({ forwardId: r.forward_id, institutionId: r.institution_id })]);
          result.published.push(item);
        } catch (e) {
          const attempts = r.publish_attempts + 1;
          await tx.query('UPDATE forwards SET publish_attempts = $2, next_attempt_at = $3, last_error = $4 WHERE forward_id = $1',
            [r.forward_id, attempts, new Date(now.getTime() + publishRetryMs(attempts)), String((e as Error).message).slice(0, 500)]);
          result.failed.push({ item, error: e });
          break; // the broker is likely down: leave the rest for the next round
        }
      }
      return result;
    });
  }

  /** Forwards not yet confirmed by the broker (for /metrics and the report). */
  async backlog(): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM forwards WHERE published_at IS NULL AND status = 'pending'`);
    return r.n;
  }
}
