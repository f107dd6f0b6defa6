/** What learned rules did so far: the shadow rules' would-be decisions against operators', live rules' forwards undone. */
import type { LearnedRulesRepository, LiveRuleCounts, ShadowRuleCounts } from '../learning/learned-rules';
import type { Database } from './database';

export class PgLearnedRulesRepository implements LearnedRulesRepository {
  constructor(private readonly db: Database) {}

  async shadowCounts(ruleIds: string[]): Promise<ShadowRuleCounts[]> {
    if (ruleIds.length === 0) return [];
    // A case counts once per rule: its latest router decision that recorded the rule's shadow verdict.
    const rows = await this.db.query<{ rule_id: string; cases: number; decided: number; agreed: number }>(
      `WITH s AS (
         SELECT DISTINCT ON (d.case_id, st->>'ruleId') d.case_id, st->>'ruleId' AS rule_id, st->'shadow'->>'institutionId' AS would
           FROM decisions d CROSS JOIN LATERAL jsonb_array_elements(d.trace) st
          WHERE d.decided_by = 'router' AND st ? 'shadow' AND st->>'ruleId' = ANY($1::text[])
          ORDER BY d.case_id, st->>'ruleId', d.id DESC)
       SELECT s.rule_id, count(*)::int AS cases, count(df.case_id)::int AS decided,
              count(*) FILTER (WHERE df.institution_id = s.would)::int AS agreed
         FROM s LEFT JOIN decision_features df ON df.case_id = s.case_id
        GROUP BY s.rule_id`, [ruleIds]);
    return rows.map((r) => ({ ruleId: r.rule_id, cases: r.cases, decidedByOperators: r.decided, agreed: r.agreed }));
  }

  async liveCounts(ruleIds: string[]): Promise<LiveRuleCounts[]> {
    if (ruleIds.length === 0) return [];
    // Undone: the case is no longer with the institution the rule chose (bounced back to triage, or re-assigned).
    const rows = await this.db.query<{ rule_id: string; forwards: number; undone: number }>(
      `SELECT d.rule_id, count(*)::int AS forwards,
              count(*) FILTER (WHERE c.status <> 'forwarded' OR c.institution_id IS DISTINCT FROM d.institution_id)::int AS undone
         FROM decisions d JOIN cases c ON c.case_id = d.case_id
        WHERE d.decided_by = 'router' AND d.outcome = 'forward' AND d.rule_id = ANY($1::text[])
        GROUP BY d.rule_id`, [ruleIds]);
    return rows.map((r) => ({ ruleId: r.rule_id, forwards: r.forwards, undone: r.undone }));
  }

  async driftNoticesSent(ruleIds: string[]): Promise<Array<{ ruleId: string; sentAt: Date }>> {
    if (ruleIds.length === 0) return [];
    const rows = await this.db.query<{ rule_id: string; sent_at: Date }>(
      `SELECT rule_id, sent_at FROM learned_rule_drift_notices WHERE ended_at IS NULL AND sent_at IS NOT NULL AND rule_id = ANY($1::text[])`, [ruleIds]);
    return rows.map((r) => ({ ruleId: r.rule_id, sentAt: new Date(r.sent_at) }));
  }
}
