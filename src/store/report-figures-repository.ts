/**
 * The report's figures, computed by the database over the stored data (cases, decisions, forwards, quarantine,
 * tickets and their events). SQL only here. Ranges are half-open [from, to); a case belongs to the range of its
 * first legalDeliveryAt, an envelope to the range of its own. Percentiles are percentile_cont (interpolated).
 */
import type { Range } from '../reporting/period';
import type { DurationStats, PeriodFigures, QuarantineReason } from '../reporting/report-model';
import type { CaseFigures, FiguresReader, ForwardFigures, ForwardTimes, TableCounts, Window } from '../reporting/report-store';
import type { Sql } from './database';
import { PgTicketFigures, US } from './report-ticket-figures';

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: number | null, digits: number): number | null => (v === null ? null : Number(v.toFixed(digits)));

/** The names of the latest directory version's institutions, as a joinable relation. */
export const INSTITUTION_NAMES = `(SELECT i->>'id' AS id, i->>'name' AS name
   FROM directory_versions dv, jsonb_array_elements(dv.data->'institutions') i
  WHERE dv.version = (SELECT max(version) FROM directory_versions))`;

export class PgFiguresReader extends PgTicketFigures implements FiguresReader {
  constructor(tx: Sql) {
    super(tx);
  }

  async envelopesReceived(r: Range): Promise<number> {
    const [row] = await this.tx.query<{ n: number }>(
      'SELECT count(*) AS n FROM envelopes WHERE legal_delivery_at >= $1 AND legal_delivery_at < $2', [r.from, r.to]);
    return n(row.n);
  }

  async quarantine(r: Range): Promise<{ inputs: number; receipts: number; byReason: QuarantineReason[] }> {
    const rows = await this.tx.query<{ reason: string | null; inputs: number; receipts: number }>(
      `SELECT error_code AS reason, count(*) AS inputs, sum(receipts) AS receipts
         FROM quarantine WHERE received_at >= $1 AND received_at < $2
        GROUP BY GROUPING SETS ((error_code), ()) ORDER BY count(*) DESC, error_code`, [r.from, r.to]);
    const total = rows.find((x) => x.reason === null);
    return {
      inputs: n(total?.inputs), receipts: n(total?.receipts),
      byReason: rows.filter((x) => x.reason !== null).map((x) => ({ reason: x.reason!, inputs: n(x.inputs), receipts: n(x.receipts) })),
    };
  }

  async cases(r: Range, windows: Window[]): Promise<CaseFigures> {
    const params: unknown[] = [r.from, r.to];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    // One pass over the cases of every window (the report's month and its comparison columns): counted first by
    // the few values the figures need (a hash aggregate of a few hundred groups, whatever the number of cases),
    // then rolled up by BUC type, sending country, sector and triage reason over that small result. "After
    // triage": an operator's forward decision exists for the case (assigned from triage, after a bounce, or
    // re-assigned); operator decisions come after the case's first receipt, hence decided_at >= from, and are
    // read from their partial index (012) alone. The window names are ours, not input.
    const flags = windows.map((w, i) => `(c.first_legal_delivery_at >= ${p(w.from)}::timestamptz AND c.first_legal_delivery_at < ${p(w.to)}::timestamptz) AS w${i}`);
    const counts = windows.map((_w, i) => `sum(n) FILTER (WHERE w${i}) AS r${i}, sum(n) FILTER (WHERE w${i} AND status = 'forwarded') AS f${i}`);
    const from = p(new Date(Math.min(r.from.getTime(), ...windows.map((w) => w.from.getTime()))));
    const to = p(new Date(Math.max(r.to.getTime(), ...windows.map((w) => w.to.getTime()))));
    const rows = await this.tx.query<Record<string, unknown> & { g: number; buc_type: string | null; sender_country: string | null; sector: string | null; triage_reason: string | null }>(
      `WITH manual AS (
         SELECT DISTINCT case_id FROM decisions WHERE decided_at >= $1 AND outcome = 'forward' AND decided_by <> 'router'),
       pre AS (
         SELECT c.buc_type, c.sender_country, c.status, c.triage_reason, (mn.case_id IS NOT NULL) AS manual,
                (c.first_legal_delivery_at >= $1 AND c.first_legal_delivery_at < $2) AS cur, ${flags.join(', ')}, count(*) AS n
           FROM cases c LEFT JOIN manual mn ON mn.case_id = c.case_id
          WHERE c.first_legal_delivery_at >= ${from}::timestamptz AND c.first_legal_delivery_at < ${to}::timestamptz
          GROUP BY ${[1, 2, 3, 4, 5, 6, ...windows.map((_w, i) => 7 + i)].join(', ')})
       SELECT GROUPING(buc_type, sender_country, split_part(buc_type, '_', 1), triage_reason) AS g,
              buc_type, sender_country, split_part(buc_type, '_', 1) AS sector, triage_reason, ${counts.join(', ')},
              sum(n) FILTER (WHERE cur) AS received, sum(n) FILTER (WHERE cur AND status = 'forwarded') AS forwarded,
              sum(n) FILTER (WHERE cur AND status = 'forwarded' AND NOT manual) AS automatic,
              sum(n) FILTER (WHERE cur AND status = 'forwarded' AND manual) AS after_triage,
              sum(n) FILTER (WHERE cur AND status = 'returned') AS returned, sum(n) FILTER (WHERE cur AND status = 'triage') AS in_triage
         FROM pre GROUP BY GROUPING SETS ((buc_type), (sender_country), (split_part(buc_type, '_', 1)), (triage_reason), ())
        ORDER BY g, in_triage DESC NULLS LAST, triage_reason`, params);
    const [q] = await this.tx.query<{ n: number }>(
      `SELECT count(DISTINCT q.case_id) AS n FROM quarantine q
        WHERE q.received_at >= $1 AND q.received_at < $2 AND q.case_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_id = q.case_id)`, [r.from, r.to]);
    const table = (row: Record<string, unknown>, key: string): TableCounts => ({
      key, windows: Object.fromEntries(windows.map((w, i) => [w.name, { received: n(row[`r${i}`]), forwarded: n(row[`f${i}`]) }])),
    });
    // GROUPING bits: buc_type 8, sender_country 4, sector 2, triage_reason 1 (set = aggregated away).
    const total = rows.find((x) => n(x.g) === 15);
    return {
      flows: {
        received: n(total?.received), forwarded: n(total?.forwarded), forwardedAutomatically: n(total?.automatic),
        forwardedAfterTriage: n(total?.after_triage), returned: n(total?.returned), inTriage: n(total?.in_triage), quarantined: n(q.n),
        inTriageByReason: rows.filter((x) => n(x.g) === 14 && n(x.in_triage) > 0).map((x) => ({ reason: x.triage_reason ?? 'UNKNOWN', cases: n(x.in_triage) })),
      },
      bucType: rows.filter((x) => n(x.g) === 7).map((x) => table(x, x.buc_type!)),
      country: rows.filter((x) => n(x.g) === 11).map((x) => table(x, x.sender_country!)),
      sector: rows.filter((x) => n(x.g) === 13).map((x) => table(x, x.sector!)),
    };
  }

  async timeToForward(r: Range): Promise<ForwardTimes> {
    // From the SED's legalDeliveryAt to the forward's creation, per forward of the period's cases, in exact
    // microseconds. Automatic = decided by the router, i.e. the forward's decision is not among the operators'
    // decisions (their partial index, 012, instead of a hash of every decision). The percentiles are FILTERed
    // aggregates over the whole join: no sort by group before the percentiles' own sorts, nothing materialised.
    const [row] = await this.tx.query<Record<string, unknown>>(
      `SELECT count(*) FILTER (WHERE automatic) AS automatic_n, count(*) FILTER (WHERE NOT automatic) AS manual_n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE automatic) AS automatic_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE automatic) AS automatic_p90,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE NOT automatic) AS manual_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE NOT automatic) AS manual_p90
         FROM (SELECT (od.id IS NULL) AS automatic, (${US('f.created_at')} - ${US('f.legal_delivery_at')})::float8 / 1000000 AS seconds
                 FROM cases c JOIN forwards f ON f.case_id = c.case_id
                 LEFT JOIN (SELECT id FROM decisions WHERE decided_by <> 'router') od ON od.id = f.decision_id
                WHERE c.first_legal_delivery_at >= $1 AND c.first_legal_delivery_at < $2) f`,
      [r.from, r.to]);
    const stats = (kind: 'automatic' | 'manual'): DurationStats => ({
      count: n(row[`${kind}_n`]), medianSeconds: round(numOrNull(row[`${kind}_median`]), 1), p90Seconds: round(numOrNull(row[`${kind}_p90`]), 1),
    });
    return { automatic: stats('automatic'), manual: stats('manual') };
  }

  async forwards(r: Range): Promise<ForwardFigures> {
    // The forwards of the period's cases, joined once (MATERIALIZED, four narrow columns) and aggregated two ways:
    // per receiving institution (cases counted as distinct (institution, case) pairs, compared bytewise: the
    // pairs' equality is the same, and the hash needs no collation) and bounces per rule. Apart from
    // timeToForward so that the two run concurrently (each joins the cases: the report's longest pole split).
    const [row] = await this.tx.query<{ institutions: Array<Record<string, unknown>> | null; rules: Array<Record<string, unknown>> | null }>(
      `WITH f AS MATERIALIZED (
         SELECT f.case_id, f.institution_id, f.rule_id, f.status
           FROM cases c JOIN forwards f ON f.case_id = c.case_id
          WHERE c.first_legal_delivery_at >= $1 AND c.first_legal_delivery_at < $2)
       SELECT
         (SELECT jsonb_agg(x) FROM (
            SELECT i.*, p.cases, nm.name FROM (
              SELECT institution_id, count(*) AS envelopes, count(*) FILTER (WHERE status = 'accepted') AS accepted,
                     count(*) FILTER (WHERE status = 'rejected') AS rejected, count(*) FILTER (WHERE status = 'pending') AS pending
                FROM f GROUP BY institution_id) i
              JOIN (SELECT institution_id, count(*) AS cases
                      FROM (SELECT DISTINCT institution_id COLLATE "C" AS institution_id, case_id COLLATE "C" FROM f) pairs
                     GROUP BY institution_id) p ON p.institution_id = i.institution_id COLLATE "C"
              LEFT JOIN ${INSTITUTION_NAMES} nm ON nm.id = i.institution_id) x) AS institutions,
         (SELECT jsonb_agg(x) FROM (SELECT rule_id, count(*) AS bounces FROM f WHERE status = 'rejected' GROUP BY rule_id) x) AS rules`,
      [r.from, r.to]);
    const institutions = (row.institutions ?? []).map((x) => ({
      institutionId: String(x.institution_id), name: (x.name as string | null) ?? null, cases: n(x.cases), envelopes: n(x.envelopes),
      accepted: n(x.accepted), rejected: n(x.rejected), pending: n(x.pending),
    })).sort((a, b) => b.cases - a.cases || a.institutionId.localeCompare(b.institutionId));
    return {
      byInstitution: institutions,
      bouncesByInstitution: institutions.filter((i) => i.rejected > 0).map((i) => ({ institutionId: i.institutionId, name: i.name, bounces: i.rejected }))
        .sort((a, b) => b.bounces - a.bounces || a.institutionId.localeCompare(b.institutionId)),
      bouncesByRule: (row.rules ?? []).map((x) => ({ ruleId: (x.rule_id as string | null) ?? null, bounces: n(x.bounces) }))
        .sort((a, b) => b.bounces - a.bounces || String(a.ruleId).localeCompare(String(b.ruleId))),
    };
  }

  async versionsInForce(r: Range): Promise<PeriodFigures['versionsInForce']> {
    // In force during [from, to): the version current at `from` and every version published before `to`. The
    // decisions are counted per (rules, directory) pair first: a plain aggregate, which PostgreSQL can run in
    // parallel workers, where grouping sets over the whole month cannot be.
    const routing = await this.tx.query<{ kind: 'rules' | 'directory'; version: number; created_at: Date; author: string; reason: string; used: number }>(
      `WITH pairs AS (
         SELECT rule_set_version, directory_version, count(*) AS n FROM decisions WHERE decided_at >= $1 AND decided_at < $2
          GROUP BY rule_set_version, directory_version),
       used AS (
         SELECT GROUPING(rule_set_version, directory_version) AS g, rule_set_version, directory_version, sum(n) AS used
           FROM pairs GROUP BY GROUPING SETS ((rule_set_version), (directory_version))),
       v AS (
         SELECT 'rules' AS kind, version, created_at, author, reason FROM rule_set_versions
          WHERE created_at < $2 AND version >= COALESCE((SELECT max(version) FROM rule_set_versions WHERE created_at <= $1), 0)
         UNION ALL
         SELECT 'directory', version, created_at, author, reason FROM directory_versions
          WHERE created_at < $2 AND version >= COALESCE((SELECT max(version) FROM directory_versions WHERE created_at <= $1), 0))
       SELECT v.*, COALESCE(u.used, 0) AS used FROM v
         LEFT JOIN used u ON (v.kind = 'rules' AND u.g = 1 AND u.rule_set_version = v.version)
                          OR (v.kind = 'directory' AND u.g = 2 AND u.directory_version = v.version)
        ORDER BY v.kind, v.version`, [r.from, r.to]);
    const policies = await this.tx.query<{ version: string; effective_from: Date; calendar: string; target: number; used: number }>(
      `SELECT p.version, p.effective_from, p.definition->>'calendar' AS calendar, (p.definition->>'targetCompliance')::float8 AS target,
              (SELECT count(*) FROM tickets t WHERE t.policy_version = p.version AND t.created_at >= $1 AND t.created_at < $2) AS used
         FROM sla_policy_versions p
        WHERE p.effective_from < $2
          AND p.effective_from >= COALESCE((SELECT max(effective_from) FROM sla_policy_versions WHERE effective_from <= $1), '-infinity')
        ORDER BY p.effective_from`, [r.from, r.to]);
    const routingRow = (x: (typeof routing)[number]) => ({ version: String(x.version), since: x.created_at.toISOString(), author: x.author, reason: x.reason, used: n(x.used) });
    return {
      ruleTable: routing.filter((x) => x.kind === 'rules').map(routingRow),
      directory: routing.filter((x) => x.kind === 'directory').map(routingRow),
      slaPolicy: policies.map((x) => ({ version: x.version, since: x.effective_from.toISOString(), used: n(x.used), calendar: x.calendar, targetCompliance: Number(x.target) })),
    };
  }
}
