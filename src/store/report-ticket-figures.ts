/**
 * The help desk's figures for the reports, in SQL. Business time is measured with business_openings (006): the
 * business time elapsed up to an instant on the desk calendar of the ticket's policy version is the last opening
 * at or before it (its business_ms_before, plus the part of it already elapsed), so the business time between
 * two events is a difference. A ticket's time in each state comes from its events (state_after,
 * ordered by time then id): the same replay as the SLA clock (src/helpdesk/sla-clock.ts), with the same rules:
 * clocks start at slaStartAt (the first opening at or after it: the elapsed business time is flat until then), the response
 * clock stops at first_response_at, the resolution clock runs in new/open and pauses in waiting-*.
 *
 * The priority at opening is the `from` of the ticket's first `priority` event, else its current priority.
 */
import type { Priority } from '../helpdesk/sla-policy';
import type { Range } from '../reporting/period';
import type { BreachRow, BusinessHourStats } from '../reporting/report-model';
import type { TicketCounts, TicketDurations, TicketTimes } from '../reporting/report-store';
import type { Sql } from './database';

const HOUR_MS = 3_600_000;
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const hours = (ms: unknown): number | null => (ms === null || ms === undefined ? null : Number((Number(ms) / HOUR_MS).toFixed(2)));

/** The `from` of each ticket's first priority change (index ticket_events_priority_idx: priority events only). */
const FIRST_PRIORITY = `LEFT JOIN (SELECT DISTINCT ON (ticket_id) ticket_id, data->>'from' AS from_priority
   FROM ticket_events WHERE kind = 'priority' ORDER BY ticket_id, id) fp ON fp.ticket_id = t.id`;
const OPENING_PRIORITY = 'COALESCE(fp.from_priority, t.priority)';

/**
 * Per ticket first responded or resolved in [$1, $2): business ms to first response, and in each state, as of $3.
 * Parameters: $1 from, $2 to, $3 asOf.
 */
const DURATIONS = `
  t AS (
    SELECT t.id, t.priority, t.policy_version, t.sla_start_at, t.first_response_at, t.first_response_breached, t.resolution_breached,
           p.definition->>'calendar' AS cal, (p.definition->>'targetCompliance')::float8 AS target,
           ${OPENING_PRIORITY} AS opening_priority,
           COALESCE(t.first_response_at >= $1 AND t.first_response_at < $2 AND t.first_response_at <= $3, false) AS responded_in,
           COALESCE(t.resolved_at >= $1 AND t.resolved_at < $2 AND t.resolved_at <= $3, false) AS resolved_in
      FROM tickets t JOIN sla_policy_versions p ON p.version = t.policy_version ${FIRST_PRIORITY}
     WHERE (t.first_response_at >= $1 AND t.first_response_at < $2) OR (t.resolved_at >= $1 AND t.resolved_at < $2)),
  -- The instants whose business time is needed: each event (the creation stands for the clock start), the end
  -- (asOf) and the first response; all clipped to the clock start.
  pts AS (
    SELECT e.ticket_id, t.cal, 'event' AS role, e.id AS seq, e.state_after,
           CASE WHEN e.kind = 'created' THEN t.sla_start_at ELSE GREATEST(e.at, t.sla_start_at) END AS at
      FROM t JOIN ticket_events e ON e.ticket_id = t.id
     WHERE e.at <= $3
    UNION ALL
    SELECT t.id, t.cal, 'event', ${Number.MAX_SAFE_INTEGER}, NULL, GREATEST($3::timestamptz, t.sla_start_at) FROM t
    UNION ALL
    SELECT t.id, t.cal, 'response', 0, NULL, GREATEST(t.first_response_at, t.sla_start_at) FROM t WHERE t.responded_in),
  -- Business ms elapsed at each instant, by one ordered walk over the instants and the calendar's openings
  -- together: the running maximum of the openings' columns is the last opening at or before the instant (openings
  -- are in time order and their business_ms_before increases), so no probe per instant is needed.
  marks AS (
    SELECT cal, at, 1 AS src, ticket_id, role, seq, state_after,
           NULL::timestamptz AS o_open, NULL::timestamptz AS o_close, NULL::bigint AS o_before
      FROM pts
    UNION ALL
    SELECT o.calendar_id, o.opens_at, 0, NULL, NULL, NULL, NULL, o.opens_at, o.closes_at, o.business_ms_before
      FROM business_openings o WHERE o.calendar_id IN (SELECT DISTINCT cal FROM t)),
  walked AS (
    SELECT m.*, max(o_open) OVER w AS lo, max(o_close) OVER w AS lc, max(o_before) OVER w AS lb
      FROM marks m WINDOW w AS (PARTITION BY cal ORDER BY at, src ROWS UNBOUNDED PRECEDING)),
  pb AS (
    SELECT ticket_id, role, seq, state_after, at,
           COALESCE(lb + GREATEST(0, round(EXTRACT(EPOCH FROM (LEAST(at, lc) - lo)) * 1000))::bigint, 0) AS b
      FROM walked WHERE src = 1),
  seg AS (
    SELECT ticket_id, state_after, LEAD(b) OVER (PARTITION BY ticket_id ORDER BY at, seq) - b AS ms,
           first_value(b) OVER (PARTITION BY ticket_id ORDER BY at, seq) AS b_start
      FROM pb WHERE role = 'event'),
  per_state AS (
    SELECT ticket_id, min(b_start) AS b_start,
           COALESCE(sum(ms) FILTER (WHERE state_after IN ('new', 'open')), 0) AS run_ms,
           COALESCE(sum(ms) FILTER (WHERE state_after = 'waiting-counterpart'), 0) AS counterpart_ms,
           COALESCE(sum(ms) FILTER (WHERE state_after = 'waiting-institution'), 0) AS institution_ms
      FROM seg GROUP BY ticket_id),
  d AS (
    SELECT t.*, r.b - s.b_start AS response_ms, s.run_ms, s.counterpart_ms, s.institution_ms
      FROM t JOIN per_state s ON s.ticket_id = t.id LEFT JOIN pb r ON r.ticket_id = t.id AND r.role = 'response')`;

function stats(row: Record<string, unknown> | undefined, prefix: string): BusinessHourStats {
  return { tickets: n(row?.[`${prefix}_n`]), medianBusinessHours: hours(row?.[`${prefix}_median`]), p90BusinessHours: hours(row?.[`${prefix}_p90`]) };
}

export class PgTicketFigures {
  constructor(protected readonly tx: Sql) {}

  async ticketCounts(r: Range): Promise<TicketCounts> {
    const rows = await this.tx.query<{ g: number; counterpart_country: string | null; opening_priority: Priority | null; opened: number; resolved: number; changed: number }>(
      `WITH t AS (
         SELECT t.counterpart_country, t.priority, ${OPENING_PRIORITY} AS opening_priority,
                (t.created_at >= $1 AND t.created_at < $2) AS created_in,
                COALESCE(t.resolved_at >= $1 AND t.resolved_at < $2, false) AS resolved_in
           FROM tickets t ${FIRST_PRIORITY}
          WHERE (t.created_at >= $1 AND t.created_at < $2) OR (t.resolved_at >= $1 AND t.resolved_at < $2))
       SELECT GROUPING(counterpart_country, opening_priority) AS g, counterpart_country, opening_priority,
              count(*) FILTER (WHERE created_in) AS opened, count(*) FILTER (WHERE resolved_in) AS resolved,
              count(*) FILTER (WHERE created_in AND opening_priority <> priority) AS changed
         FROM t GROUP BY GROUPING SETS ((counterpart_country, opening_priority), ())
        ORDER BY counterpart_country, opening_priority`, [r.from, r.to]);
    const total = rows.find((x) => n(x.g) === 3);
    return {
      opened: n(total?.opened), resolved: n(total?.resolved), priorityChanged: n(total?.changed),
      byCounterpartCountry: rows.filter((x) => n(x.g) === 0).map((x) => ({
        counterpartCountry: x.counterpart_country!, priority: x.opening_priority!, opened: n(x.opened), resolved: n(x.resolved),
      })),
    };
  }

  async ticketTimes(r: Range, asOf: Date): Promise<TicketTimes> {
    const rows = await this.tx.query<Record<string, unknown>>(
      `WITH ${DURATIONS}
       SELECT GROUPING(opening_priority, policy_version) AS g, opening_priority, policy_version, max(target) AS target,
              count(*) FILTER (WHERE responded_in) AS fr_n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY response_ms) AS fr_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY response_ms) AS fr_p90,
              count(*) FILTER (WHERE resolved_in) AS res_n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN resolved_in THEN run_ms END) AS res_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY CASE WHEN resolved_in THEN run_ms END) AS res_p90,
              count(*) FILTER (WHERE resolved_in AND NOT first_response_breached AND NOT resolution_breached) AS compliant,
              COALESCE(sum(counterpart_ms) FILTER (WHERE resolved_in), 0) AS counterpart_ms,
              COALESCE(sum(institution_ms) FILTER (WHERE resolved_in), 0) AS institution_ms,
              COALESCE(sum(run_ms) FILTER (WHERE resolved_in), 0) AS desk_ms
         FROM d GROUP BY GROUPING SETS ((), (opening_priority), (policy_version))
        ORDER BY opening_priority, policy_version`, [r.from, r.to, asOf]);
    const total = rows.find((x) => n(x.g) === 3);
    const byPriority = rows.filter((x) => n(x.g) === 1);
    const byPolicy = rows.filter((x) => n(x.g) === 2 && n(x.res_n) > 0);
    return {
      firstResponse: { ...stats(total, 'fr'), byPriority: byPriority.filter((x) => n(x.fr_n) > 0).map((x) => ({ priority: x.opening_priority as Priority, ...stats(x, 'fr') })) },
      resolution: { ...stats(total, 'res'), byPriority: byPriority.filter((x) => n(x.res_n) > 0).map((x) => ({ priority: x.opening_priority as Priority, ...stats(x, 'res') })) },
      measured: n(total?.res_n), compliant: n(total?.compliant),
      complianceByPolicy: byPolicy.map((x) => ({ policyVersion: String(x.policy_version), tickets: n(x.res_n), compliant: n(x.compliant), target: x.target === null ? null : Number(x.target) })),
      waiting: {
        tickets: n(total?.res_n), counterpartBusinessHours: hours(total?.counterpart_ms) ?? 0,
        institutionBusinessHours: hours(total?.institution_ms) ?? 0, deskBusinessHours: hours(total?.desk_ms) ?? 0,
      },
    };
  }

  async ticketDurations(r: Range, asOf: Date): Promise<TicketDurations[]> {
    const rows = await this.tx.query<{ id: string; response_ms: number | null; run_ms: number | null; counterpart_ms: number | null; institution_ms: number | null }>(
      `WITH ${DURATIONS} SELECT id, response_ms, run_ms, counterpart_ms, institution_ms FROM d ORDER BY id`, [r.from, r.to, asOf]);
    return rows.map((x) => ({
      ticketId: x.id, firstResponseBusinessMs: x.response_ms === null ? null : Number(x.response_ms), resolutionBusinessMs: n(x.run_ms),
      waitingCounterpartBusinessMs: n(x.counterpart_ms), waitingInstitutionBusinessMs: n(x.institution_ms),
    }));
  }

  /** Breaches whose due instant falls in the period, as of asOf (a running clock past its due instant is breached). */
  async breaches(r: Range, asOf: Date, limit: number): Promise<{ count: number; rows: BreachRow[] }> {
    const rows = await this.tx.query<{
      id: string; counterpart_country: string; priority: Priority; opening_priority: Priority; policy_version: string; clock: BreachRow['clock'];
      due_at: Date; stopped_at: Date | null; state: string; total: number;
    }>(
      `WITH b AS (
         SELECT t.id, 'first-response' AS clock, t.first_response_due_at AS due_at, t.first_response_at AS stopped_at
           FROM tickets t
          WHERE t.first_response_due_at >= $1 AND t.first_response_due_at < $2
            AND (t.first_response_breached OR (t.response_clock = 'running' AND t.first_response_due_at < $3))
         UNION ALL
         SELECT t.id, 'resolution', t.resolution_due_at, t.resolved_at
           FROM tickets t
          WHERE t.resolution_due_at >= $1 AND t.resolution_due_at < $2
            AND (t.resolution_breached OR (t.resolution_clock = 'running' AND t.resolution_due_at < $3)))
       SELECT t.id, t.counterpart_country, t.priority, ${OPENING_PRIORITY} AS opening_priority, t.policy_version, t.state,
              b.clock, b.due_at, b.stopped_at, count(*) OVER () AS total
         FROM b JOIN tickets t ON t.id = b.id ${FIRST_PRIORITY}
        ORDER BY b.due_at, t.id, b.clock LIMIT $4`, [r.from, r.to, asOf, limit]);
    return {
      count: n(rows[0]?.total),
      rows: rows.map((x) => ({
        ticketId: x.id, counterpartCountry: x.counterpart_country, priorityAtOpening: x.opening_priority, priority: x.priority,
        policyVersion: x.policy_version, clock: x.clock, dueAt: x.due_at.toISOString(), stoppedAt: x.stopped_at?.toISOString() ?? null, state: x.state,
      })),
    };
  }
}
