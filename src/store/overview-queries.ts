/** Counts for the supervisors' overview, per calendar day in the desk's time zone (indexes: see 001, 002, 010). */
import type { BacklogRow, DayFlows, FlowCounts, OverviewRepository } from '../overview/overview-service';
import type { Database } from './database';

type DayRow = { d: string; n: number };

export class PgOverviewQueries implements OverviewRepository {
  constructor(private readonly db: Database) {}

  async dailyFlows(from: Date, timeZone: string): Promise<DayFlows[]> {
    const day = (col: string) => `to_char(${col} AT TIME ZONE $2, 'YYYY-MM-DD')`;
    const [received, decided, quarantined, bounced] = await Promise.all([
      this.db.query<DayRow>(`SELECT ${day('received_at')} AS d, count(*)::int AS n FROM envelopes WHERE received_at >= $1 GROUP BY 1`, [from, timeZone]),
      this.db.query<{ d: string; auto: number; triage: number; manual: number }>(
        `SELECT ${day('decided_at')} AS d,
                count(*) FILTER (WHERE decided_by = 'router' AND outcome = 'forward')::int AS auto,
                count(*) FILTER (WHERE decided_by = 'router' AND outcome = 'triage')::int AS triage,
                count(*) FILTER (WHERE decided_by <> 'router' AND outcome = 'forward')::int AS manual
           FROM decisions WHERE decided_at >= $1 GROUP BY 1`, [from, timeZone]),
      this.db.query<DayRow>(`SELECT ${day('received_at')} AS d, count(*)::int AS n FROM quarantine WHERE received_at >= $1 GROUP BY 1`, [from, timeZone]),
      this.db.query<DayRow>(
        `SELECT ${day('acked_at')} AS d, count(DISTINCT case_id)::int AS n FROM forwards WHERE status = 'rejected' AND acked_at >= $1 GROUP BY 1`, [from, timeZone]),
    ]);
    const days = new Map<string, DayFlows>();
    const at = (d: string): FlowCounts => {
      let v = days.get(d);
      if (!v) days.set(d, (v = { date: d, received: 0, forwardedAutomatically: 0, forwardedAfterTriage: 0, toTriage: 0, quarantined: 0, bounced: 0 }));
      return v;
    };
    for (const r of received) at(r.d).received = r.n;
    for (const r of decided) Object.assign(at(r.d), { forwardedAutomatically: r.auto, toTriage: r.triage, forwardedAfterTriage: r.manual });
    for (const r of quarantined) at(r.d).quarantined = r.n;
    for (const r of bounced) at(r.d).bounced = r.n;
    return [...days.values()];
  }

  async waitingNow(): Promise<{ inTriage: number; quarantineOpen: number; x007Failed: number }> {
    const [r] = await this.db.query<{ t: number; q: number; x: number }>(
      `SELECT (SELECT count(*)::int FROM cases WHERE status = 'triage') AS t, (SELECT count(*)::int FROM quarantine WHERE status = 'open') AS q,
              (SELECT count(*)::int FROM rina_x007 WHERE state = 'failed') AS x`);
    return { inTriage: r.t, quarantineOpen: r.q, x007Failed: r.x };
  }

  /** Cases in triage (partial indexes cases_triage_*), their SEDs held, by reason and by the legal receipt time. */
  async triageBacklog(oldBefore: Date, overdueBefore: Date): Promise<BacklogRow[]> {
    const rows = await this.db.query<{ reason: string | null; cases: number; envelopes: number; old: number; overdue: number; oldest: Date | null }>(
      `SELECT c.triage_reason AS reason, count(*)::int AS cases,
              coalesce(sum((SELECT count(*) FROM envelopes e WHERE e.case_id = c.case_id AND e.state = 'triage')), 0)::int AS envelopes,
              count(*) FILTER (WHERE c.first_legal_delivery_at <= $1 AND c.first_legal_delivery_at > $2)::int AS old,
              count(*) FILTER (WHERE c.first_legal_delivery_at <= $2)::int AS overdue,
              min(c.first_legal_delivery_at) AS oldest
         FROM cases c WHERE c.status = 'triage' GROUP BY c.triage_reason ORDER BY count(*) DESC, 1`, [oldBefore, overdueBefore]);
    return rows.map((r) => ({ reason: r.reason ?? 'NONE', cases: r.cases, envelopes: r.envelopes, old: r.old, overdue: r.overdue, oldestReceivedAt: r.oldest }));
  }
}
