/**
 * The help desk's figures for the reports, in SQL. Business time is measured with business_ms_at (006): the
 * business time elapsed up to an instant on the desk calendar of the ticket's policy version, so the business
 * time between two events is a difference. A ticket's time in each state comes from its events (state_after,
 * ordered by time then id): the same replay as the SLA clock (src/helpdesk/sla-clock.ts), with the same rules:
 * clocks start at slaStartAt (the first opening at or after it: business_ms_at is flat until then), the response
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

const OPENING_PRIORITY = `COALESCE((SELECT e.data->>'from' FROM ticket_events e
   WHERE e.ticket_id = t.id AND e.kind = 'priority' ORDER BY e.id LIMIT 1), t.priority)`;

/**
 * Per ticket first responded or resolved in [$1, $2): business ms to first response, and in each state, as of $3.
 * Parameters: $1 from, $2 to, $3 asOf.
 */
const DURATIONS = `
  t AS (
    SELECT t.id, t.priority, t.policy_version, t.sla_start_at, t.first_response_breached, t.resolution_breached,
           p.definition->>'calendar' AS cal, (p.definition->>'targetCompliance')::float8 AS target,
           ${OPENING_PRIORITY} AS opening_priority,
           COALESCE(t.first_response_at >= $1 AND t.first_response_at < $2 AND t.first_response_at <= $3, false) AS responded_in,
           COALESCE(t.resolved_at >= $1 AND t.resolved_at < $2 AND t.resolved_at <= $3, false) AS resolved_in,
           business_ms_at(p.definition->>'calendar', t.sla_start_at) AS b_start,
           business_ms_at(p.definition->>'calendar', GREATEST(t.first_response_at, t.sla_start_at)) AS b_response,
           business_ms_at(p.definition->>'calendar', GREATEST($3::timestamptz, t.sla_start_at)) AS b_asof
      FROM tickets t JOIN sla_policy_versions p ON p.version = t.policy_version
     WHERE (t.first_response_at >= $1 AND t.first_response_at < $2) OR (t.resolved_at >= $1 AND t.resolved_at < $2)),
  pts AS (
    SELECT e.ticket_id, e.state_after, e.at, e.id,
           CASE WHEN e.kind = 'created' THEN t.b_start
                ELSE business_ms_at(t.cal, GREATEST(e.at, t.sla_start_at)) END AS b,
           t.b_asof
      FROM t JOIN ticket_events e ON e.ticket_id = t.id
     WHERE e.at <= $3),
  seg AS (
    SELECT ticket_id, state_after,
           COALESCE(LEAD(b) OVER (PARTITION BY ticket_id ORDER BY at, id), b_asof) - b AS ms
      FROM pts),
  per_state AS (
    SELECT ticket_id,
           COALESCE(sum(ms) FILTER (WHERE state_after IN ('new', 'open')), 0) AS run_ms,
           COALESCE(sum(ms) FILTER (WHERE state_after = 'waiting-counterpart'), 0) AS counterpart_ms,
           COALESCE(sum(ms) FILTER (WHERE state_after = 'waiting-institution'), 0) AS institution_ms
      FROM seg GROUP BY ticket_id),
  d AS (
    SELECT t.*, CASE WHEN t.responded_in THEN t.b_response - t.b_start END AS response_ms,
           s.run_ms, s.counterpart_ms, s.institution_ms
      FROM t LEFT JOIN per_state s ON s.ticket_id = t.id)`;

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
           FROM tickets t
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
         FROM b JOIN tickets t ON t.id = b.id
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
