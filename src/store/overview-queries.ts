/** Counts for the supervisors' overview, per calendar day in the desk's time zone (indexes: see 001, 002, 010). */
import type { DayFlows, FlowCounts, OverviewRepository } from '../overview/overview-service';
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
}
