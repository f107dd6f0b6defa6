/**
 * The help desk's figures for the reports, in SQL. Business time is measured with business_openings (006): the
 * business time elapsed up to an instant on the desk calendar of the ticket's policy version is the last opening
 * at or before it (its business_ms_before, plus the part of it already elapsed), so the business time between
 * two events is a difference. A ticket's time in each state comes from its events (state_after,
 * ordered by time then id): the same replay as the SLA clock (src/helpdesk/sla/sla-clock.ts), with the same rules:
 * clocks start at slaStartAt (the first opening at or after it: the elapsed business time is flat until then), the response
 * clock stops at first_response_at, the resolution clock runs in new/open and pauses in waiting-*.
 *
 * The priority at opening is the `from` of the ticket's first `priority` event, else its current priority.
 */
import type { Priority } from '../helpdesk/sla/sla-policy';
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

/** An instant as exact integer microseconds since the epoch (float8 epoch seconds × 10^6 rounds back exactly). */
export const US = (instant: string): string => `(date_part('epoch', ${instant}) * 1000000)::bigint`;

/**
 * Business ms elapsed at an instant (µs column `at`), given `i`, the number of the calendar's openings that start
 * at or before it (width_bucket, a binary search in the sorted array of openings): the business time before the
 * last of them plus what of it has passed, rounded to the millisecond (half up, as round() of the seconds did).
 */
const businessMs = (at: string, i: string) =>
  `COALESCE(CASE WHEN ${i} > 0 THEN befores[${i}] + (GREATEST(0, LEAST(${at}, closes[${i}]) - opens[${i}]) + 500) / 1000 END, 0)`;

/**
 * Per ticket first responded or resolved in [$1, $2): business ms to first response, and in each state, as of $3.
 * Parameters: $1 from, $2 to, $3 asOf.
 *
 * Cost (the bench month: 100,000 tickets, 470,000 events): each instant's business time is a binary search in
 * its calendar's openings (arrays of one row per calendar), never a join with the openings or a sort of the
 * instants among them; instants are integer microseconds (EXTRACT would compute in numeric); the only sort is of
 * the events by ticket (an integer key, k) and time, for the segments between consecutive events (LEAD). The
 * OFFSET 0 fences keep the calendar arrays out of every row that is sorted or stored.
 */
const DURATIONS = `
  cal AS (
    SELECT calendar_id, array_agg(${US('opens_at')} ORDER BY opens_at) AS opens, array_agg(${US('closes_at')} ORDER BY opens_at) AS closes,
           array_agg(business_ms_before ORDER BY opens_at) AS befores
      FROM business_openings GROUP BY calendar_id),
  t0 AS (
    SELECT t.id, t.priority, t.policy_version, t.first_response_breached, t.resolution_breached,
           p.definition->>'calendar' AS cal, (p.definition->>'targetCompliance')::float8 AS target,
           ${OPENING_PRIORITY} AS opening_priority, row_number() OVER () AS k,
           COALESCE(t.first_response_at >= $1 AND t.first_response_at < $2 AND t.first_response_at <= $3, false) AS responded_in,
           COALESCE(t.resolved_at >= $1 AND t.resolved_at < $2 AND t.resolved_at <= $3, false) AS resolved_in,
           -- The clock start, the end (asOf) and the first response, all clipped to the clock start.
           ${US('t.sla_start_at')} AS start_us, ${US('GREATEST($3::timestamptz, t.sla_start_at)')} AS end_us,
           ${US('GREATEST(t.first_response_at, t.sla_start_at)')} AS response_us
      FROM tickets t JOIN sla_policy_versions p ON p.version = t.policy_version ${FIRST_PRIORITY}
     WHERE (t.first_response_at >= $1 AND t.first_response_at < $2) OR (t.resolved_at >= $1 AND t.resolved_at < $2)),
  tw AS (
    SELECT t0.*, c.opens, c.closes, c.befores, width_bucket(start_us, c.opens) AS i_start, width_bucket(end_us, c.opens) AS i_end,
           width_bucket(response_us, c.opens) AS i_response
      FROM t0 LEFT JOIN cal c ON c.calendar_id = t0.cal OFFSET 0),
  t AS MATERIALIZED (
    SELECT k, id, cal, start_us, priority, policy_version, first_response_breached, resolution_breached, target, opening_priority,
           responded_in, resolved_in, ${businessMs('start_us', 'i_start')} AS b_start, ${businessMs('end_us', 'i_end')} AS b_end,
           CASE WHEN responded_in THEN ${businessMs('response_us', 'i_response')} END AS b_response
      FROM tw),
  -- Each event's instant (the creation stands for the clock start), clipped to the clock start, and its business time.
  ev AS (
    SELECT t.k, e.id AS seq, e.state_after, t.b_end, t.cal,
           CASE WHEN e.kind = 'created' THEN t.start_us ELSE GREATEST(${US('e.at')}, t.start_us) END AS at_us
      FROM t JOIN ticket_events e ON e.ticket_id = t.id
     WHERE e.at <= $3 OFFSET 0),
  evw AS (
    SELECT ev.*, c.opens, c.closes, c.befores, width_bucket(ev.at_us, c.opens) AS i
      FROM ev LEFT JOIN cal c ON c.calendar_id = ev.cal OFFSET 0),
  pb AS (SELECT k, seq, state_after, at_us, b_end, ${businessMs('at_us', 'i')} AS b FROM evw OFFSET 0),
  -- A state lasts from its event to the next one (the last, to asOf).
  seg AS (
    SELECT k, state_after, COALESCE(LEAD(b) OVER (PARTITION BY k ORDER BY at_us, seq), b_end) - b AS ms FROM pb),
  per_state AS (
    SELECT k,
           COALESCE(sum(ms) FILTER (WHERE state_after IN ('new', 'open')), 0) AS run_ms,
           COALESCE(sum(ms) FILTER (WHERE state_after = 'waiting-counterpart'), 0) AS counterpart_ms,
           COALESCE(sum(ms) FILTER (WHERE state_after = 'waiting-institution'), 0) AS institution_ms
      FROM seg GROUP BY k),
  d AS (
    SELECT t.*, t.b_response - t.b_start AS response_ms, COALESCE(s.run_ms, 0) AS run_ms,
           COALESCE(s.counterpart_ms, 0) AS counterpart_ms, COALESCE(s.institution_ms, 0) AS institution_ms
      FROM t LEFT JOIN per_state s ON s.k = t.k)`;

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
