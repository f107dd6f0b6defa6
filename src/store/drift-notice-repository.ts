/**
 * The learned rules' drift episodes and their notices (migration 014): the drift check's writer (under its job
 * lock) and the rules.learned-drift outbox of the notice relay (lease, publish outside, mark).
 */
import type { DriftEpisodes, DriftFinding, DriftNotice } from '../learning/drift-watch';
import type { LeasedNotice, NoticeOutbox } from '../shared/notice-relay';
import type { Sql } from './database';

interface NoticeRow {
  rule_id: string;
  episode: number;
  rule_set_version: number;
  forwards: number;
  undone: number;
  min_forwards: number;
  max_undone_share: string | number;
  detected_at: Date;
  publish_attempts: number;
}

const COLUMNS = 'rule_id, episode, rule_set_version, forwards, undone, min_forwards, max_undone_share, detected_at, publish_attempts';

const toNotice = (r: NoticeRow): LeasedNotice<DriftNotice> => ({
  ruleId: r.rule_id, episode: Number(r.episode), ruleSetVersion: Number(r.rule_set_version), forwards: Number(r.forwards), undone: Number(r.undone),
  minForwards: Number(r.min_forwards), maxUndoneShare: Number(r.max_undone_share), detectedAt: new Date(r.detected_at), publishAttempts: Number(r.publish_attempts),
});

/** The drift check's writer, on the check's transaction. */
export class PgDriftEpisodes implements DriftEpisodes {
  constructor(private readonly tx: Sql) {}

  async open(findings: DriftFinding[], at: Date): Promise<DriftNotice[]> {
    if (findings.length === 0) return [];
    // A rule with an open episode is skipped (ON CONFLICT on the partial unique index): announced once per episode.
    const rows = await this.tx.query<NoticeRow>(
      `INSERT INTO learned_rule_drift_notices (rule_id, episode, rule_set_version, forwards, undone, min_forwards, max_undone_share, detected_at, next_attempt_at)
       SELECT f.rule_id, COALESCE((SELECT max(n.episode) FROM learned_rule_drift_notices n WHERE n.rule_id = f.rule_id), 0) + 1,
              f.version, f.forwards, f.undone, f.min_forwards, f.max_share, $7, $7
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::numeric[]) AS f(rule_id, version, forwards, undone, min_forwards, max_share)
        WHERE NOT EXISTS (SELECT 1 FROM learned_rule_drift_notices o WHERE o.rule_id = f.rule_id AND o.ended_at IS NULL)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [findings.map((f) => f.ruleId), findings.map((f) => f.ruleSetVersion), findings.map((f) => f.forwards), findings.map((f) => f.undone),
        findings.map((f) => f.minForwards), findings.map((f) => f.maxUndoneShare), at]);
    return rows.map(toNotice).map(({ publishAttempts: _p, ...n }) => n);
  }

  async closeAllBut(drifting: string[], at: Date): Promise<string[]> {
    const rows = await this.tx.query<{ rule_id: string }>(
      `UPDATE learned_rule_drift_notices SET ended_at = $2 WHERE ended_at IS NULL AND NOT (rule_id = ANY($1::text[])) RETURNING rule_id`, [drifting, at]);
    return rows.map((r) => r.rule_id);
  }
}

const CLAIM_DRIFT_NOTICES = `
  WITH due AS (
    SELECT rule_id, episode FROM learned_rule_drift_notices
     WHERE notification = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
     ORDER BY next_attempt_at, rule_id, episode LIMIT $2 FOR UPDATE SKIP LOCKED)
  UPDATE learned_rule_drift_notices n SET lease_owner = $3, lease_until = $4 FROM due
   WHERE n.rule_id = due.rule_id AND n.episode = due.episode
  RETURNING ${COLUMNS.split(', ').map((c) => `n.${c}`).join(', ')}`;

/** The rules.learned-drift outbox of the notice relay (src/shared/notice-relay.ts). */
export class PgDriftNoticeOutbox implements NoticeOutbox<DriftNotice> {
  constructor(private readonly db: Sql) {}

  async claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<Array<LeasedNotice<DriftNotice>>> {
    const rows = await this.db.query<NoticeRow>(CLAIM_DRIFT_NOTICES, [now, limit, owner, leaseUntil]);
    return rows.map(toNotice).sort((a, b) => a.detectedAt.getTime() - b.detectedAt.getTime() || a.ruleId.localeCompare(b.ruleId));
  }

  async markSent(owner: string, notices: DriftNotice[], at: Date): Promise<number> {
    if (notices.length === 0) return 0;
    const done = await this.db.query<{ rule_id: string }>(
      `UPDATE learned_rule_drift_notices n SET notification = 'sent', sent_at = $3, publish_attempts = n.publish_attempts + 1, last_error = NULL,
              lease_owner = NULL, lease_until = NULL
         FROM unnest($1::text[], $2::int[]) AS k(rule_id, episode)
        WHERE n.rule_id = k.rule_id AND n.episode = k.episode AND n.lease_owner = $4 AND n.notification = 'pending'
        RETURNING n.rule_id`, [notices.map((n) => n.ruleId), notices.map((n) => n.episode), at, owner]);
    return done.length;
  }

  async markFailed(owner: string, failures: Array<{ notice: DriftNotice; nextAttemptAt: Date; error: string }>): Promise<void> {
    if (failures.length === 0) return;
    await this.db.query(
      `UPDATE learned_rule_drift_notices n SET publish_attempts = n.publish_attempts + 1, next_attempt_at = k.next_attempt_at, last_error = k.error,
              lease_owner = NULL, lease_until = NULL
         FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[]) AS k(rule_id, episode, next_attempt_at, error)
        WHERE n.rule_id = k.rule_id AND n.episode = k.episode AND n.lease_owner = $5 AND n.notification = 'pending'`,
      [failures.map((f) => f.notice.ruleId), failures.map((f) => f.notice.episode), failures.map((f) => f.nextAttemptAt.toISOString()),
        failures.map((f) => f.error), owner]);
  }
}
