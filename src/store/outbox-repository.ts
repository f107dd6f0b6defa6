/**
 * The forwarding outbox: due forwards leased to one relay instance in one committed statement (FOR UPDATE SKIP
 * LOCKED, then a lease column so that no transaction stays open while publishing), marked published in one
 * statement once the broker confirmed them, released with a backoff when it did not.
 */
import type { OutboxRepository, LeasedItem } from '../forwarding/outbox-relay';
import type { Envelope } from '../intake/envelope';
import { LEASE_DUE_FORWARDS, markForwardsFailed, markForwardsPublished } from './case-changes';
import type { Database } from './database';

export class PgOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Database) {}

  async claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<LeasedItem[]> {
    const rows = await this.db.query<{
      forward_id: string; case_id: string; envelope_id: string; institution_id: string; rina_instruction: boolean;
      rule_id: string | null; explanation: string; body: Envelope; publish_attempts: number;
    }>(LEASE_DUE_FORWARDS, [now, limit, owner, leaseUntil]);
    return rows.map((r) => ({
      forwardId: r.forward_id, caseId: r.case_id, envelopeId: r.envelope_id, institutionId: r.institution_id,
      rinaInstruction: r.rina_instruction, ruleId: r.rule_id, explanation: r.explanation, envelope: r.body, publishAttempts: r.publish_attempts,
    }));
  }

  async markPublished(owner: string, forwardIds: string[], at: Date): Promise<number> {
    if (forwardIds.length === 0) return 0;
    return this.db.transaction((tx) => markForwardsPublished(tx, owner, forwardIds, at));
  }

  async markFailed(owner: string, failures: Array<{ forwardId: string; nextAttemptAt: Date; error: string }>): Promise<void> {
    if (failures.length === 0) return;
    await markForwardsFailed(this.db, owner, failures);
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
