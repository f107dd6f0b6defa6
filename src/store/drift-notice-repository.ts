/**
 * The learned rules' drift episodes and their notices (migration 014): the drift check's writer (under its job
 * lock) and the rules.learned-drift outbox of the notice relay (lease, publish outside, mark).
 */
import type { DriftEpisodes, DriftFinding, DriftNotice } from '../learning/drift-watch';
import type { LeasedNotice } from '../shared/notice-relay';
import type { Sql } from './database';
import { PgNoticeOutbox, type NoticeTable } from './notice-outbox';

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

/** The rules.learned-drift outbox's table (statements built by store/notice-outbox.ts). */
const DRIFT_NOTICES: NoticeTable<DriftNotice, NoticeRow> = {
  table: 'learned_rule_drift_notices',
  key: [{ column: 'rule_id', type: 'text', of: (n) => n.ruleId }, { column: 'episode', type: 'int', of: (n) => n.episode }],
  returning: COLUMNS.split(', ').filter((c) => !['rule_id', 'episode', 'publish_attempts'].includes(c)).map((c) => `x.${c}`),
  fromRow: toNotice,
};

/** The rules.learned-drift outbox of the notice relay (src/shared/notice-relay.ts), oldest detection first. */
export class PgDriftNoticeOutbox extends PgNoticeOutbox<DriftNotice, NoticeRow> {
  constructor(db: Sql) {
    super(db, DRIFT_NOTICES);
  }

  override async claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<Array<LeasedNotice<DriftNotice>>> {
    const claimed = await super.claim(owner, now, limit, leaseUntil);
    return claimed.sort((a, b) => a.detectedAt.getTime() - b.detectedAt.getTime() || a.ruleId.localeCompare(b.ruleId));
  }
}
