/**
 * The report's figures, computed by the database over the stored data (cases, decisions, forwards, quarantine,
 * tickets and their events). SQL only here. Ranges are half-open [from, to); a case belongs to the range of its
 * first legalDeliveryAt, an envelope to the range of its own. Percentiles are percentile_cont (interpolated).
 */
import type { Range } from '../reporting/period';
import type { DurationStats, PeriodFigures, QuarantineReason } from '../reporting/report-model';
import type { CaseFlows, FiguresReader, ForwardFigures, TableCounts, Window } from '../reporting/report-store';
import type { Sql } from './database';
import { PgTicketFigures } from './report-ticket-figures';

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

  async caseFlows(r: Range): Promise<CaseFlows> {
    // "After triage": an operator's forward decision exists for the case (assigned from triage, after a bounce,
    // or re-assigned). Operator decisions come after the case's first receipt, hence decided_at >= from.
    const [row] = await this.tx.query<Record<string, number>>(
      `WITH manual AS (
         SELECT DISTINCT case_id FROM decisions
          WHERE decided_at >= $1 AND outcome = 'forward' AND decided_by <> 'router'),
       m AS (
         SELECT c.status, (mn.case_id IS NOT NULL) AS manual
           FROM cases c LEFT JOIN manual mn ON mn.case_id = c.case_id
          WHERE c.first_legal_delivery_at >= $1 AND c.first_legal_delivery_at < $2)
       SELECT count(*) AS received,
              count(*) FILTER (WHERE status = 'forwarded') AS forwarded,
              count(*) FILTER (WHERE status = 'forwarded' AND NOT manual) AS automatic,
              count(*) FILTER (WHERE status = 'forwarded' AND manual) AS after_triage,
              count(*) FILTER (WHERE status = 'returned') AS returned,
              count(*) FILTER (WHERE status = 'triage') AS in_triage
         FROM m`, [r.from, r.to]);
    const [q] = await this.tx.query<{ n: number }>(
      `SELECT count(DISTINCT q.case_id) AS n FROM quarantine q
        WHERE q.received_at >= $1 AND q.received_at < $2 AND q.case_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_id = q.case_id)`, [r.from, r.to]);
    const reasons = await this.tx.query<{ reason: string | null; cases: number }>(
      `SELECT triage_reason AS reason, count(*) AS cases FROM cases
        WHERE first_legal_delivery_at >= $1 AND first_legal_delivery_at < $2 AND status = 'triage'
        GROUP BY triage_reason ORDER BY count(*) DESC, triage_reason`, [r.from, r.to]);
    return {
      received: n(row.received), forwarded: n(row.forwarded), forwardedAutomatically: n(row.automatic),
      forwardedAfterTriage: n(row.after_triage), returned: n(row.returned), inTriage: n(row.in_triage), quarantined: n(q.n),
      inTriageByReason: reasons.map((x) => ({ reason: x.reason ?? 'UNKNOWN', cases: n(x.cases) })),
    };
  }

  async caseTables(windows: Window[]): Promise<{ bucType: TableCounts[]; country: TableCounts[]; sector: TableCounts[] }> {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    // One scan of the cases of every window, counted per window with FILTER (the names are ours, not input).
    const columns = windows.map((w, i) => {
      const inWindow = `first_legal_delivery_at >= ${p(w.from)}::timestamptz AND first_legal_delivery_at < ${p(w.to)}::timestamptz`;
      return `count(*) FILTER (WHERE ${inWindow}) AS r${i}, count(*) FILTER (WHERE ${inWindow} AND status = 'forwarded') AS f${i}`;
    });
    const from = p(new Date(Math.min(...windows.map((w) => w.from.getTime()))));
    const to = p(new Date(Math.max(...windows.map((w) => w.to.getTime()))));
    const rows = await this.tx.query<Record<string, unknown> & { buc_type: string | null; sender_country: string | null; sector: string | null; g: number }>(
      `SELECT buc_type, sender_country, split_part(buc_type, '_', 1) AS sector,
              GROUPING(buc_type, sender_country, split_part(buc_type, '_', 1)) AS g, ${columns.join(', ')}
         FROM cases WHERE first_legal_delivery_at >= ${from}::timestamptz AND first_legal_delivery_at < ${to}::timestamptz
        GROUP BY GROUPING SETS ((buc_type), (sender_country), (split_part(buc_type, '_', 1)))`, params);
    const counts = (row: Record<string, unknown>, key: string): TableCounts => ({
      key, windows: Object.fromEntries(windows.map((w, i) => [w.name, { received: n(row[`r${i}`]), forwarded: n(row[`f${i}`]) }])),
    });
    // GROUPING bits: buc_type 4, sender_country 2, sector 1 (set = aggregated away).
    return {
      bucType: rows.filter((x) => n(x.g) === 3).map((x) => counts(x, x.buc_type!)),
      country: rows.filter((x) => n(x.g) === 5).map((x) => counts(x, x.sender_country!)),
      sector: rows.filter((x) => n(x.g) === 6).map((x) => counts(x, x.sector!)),
    };
  }

  async forwards(r: Range): Promise<ForwardFigures> {
    // One pass over the forwards of the period's cases, grouped three ways. Time to forward: from the SED's
    // legalDeliveryAt to the forward's creation (the decision), automatic = decided by the router.
    const rows = await this.tx.query<Record<string, unknown>>(
      `WITH f AS (
         SELECT f.case_id, f.institution_id, f.rule_id, f.status, (d.decided_by = 'router') AS automatic,
                EXTRACT(EPOCH FROM (f.created_at - f.legal_delivery_at))::float8 AS seconds
           FROM cases c JOIN forwards f ON f.case_id = c.case_id JOIN decisions d ON d.id = f.decision_id
          WHERE c.first_legal_delivery_at >= $1 AND c.first_legal_delivery_at < $2)
       SELECT GROUPING(institution_id, automatic, rule_id) AS g, f.institution_id, automatic, rule_id, nm.name,
              count(DISTINCT case_id) AS cases, count(*) AS envelopes,
              count(*) FILTER (WHERE status = 'accepted') AS accepted,
              count(*) FILTER (WHERE status = 'rejected') AS rejected,
              count(*) FILTER (WHERE status = 'pending') AS pending,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90
         FROM f LEFT JOIN ${INSTITUTION_NAMES} nm ON nm.id = f.institution_id
        GROUP BY GROUPING SETS ((f.institution_id, nm.name), (automatic), (rule_id))`, [r.from, r.to]);
    const by = (g: number) => rows.filter((x) => n(x.g) === g);
    const stats = (automatic: boolean): DurationStats => {
      const x = by(5).find((row) => row.automatic === automatic);
      return { count: n(x?.envelopes), medianSeconds: round(numOrNull(x?.median), 1), p90Seconds: round(numOrNull(x?.p90), 1) };
    };
    const institutions = by(3).map((x) => ({
      institutionId: String(x.institution_id), name: (x.name as string | null) ?? null, cases: n(x.cases), envelopes: n(x.envelopes),
      accepted: n(x.accepted), rejected: n(x.rejected), pending: n(x.pending),
    })).sort((a, b) => b.cases - a.cases || a.institutionId.localeCompare(b.institutionId));
    return {
      automatic: stats(true), manual: stats(false), byInstitution: institutions,
      bouncesByInstitution: institutions.filter((i) => i.rejected > 0).map((i) => ({ institutionId: i.institutionId, name: i.name, bounces: i.rejected }))
        .sort((a, b) => b.bounces - a.bounces || a.institutionId.localeCompare(b.institutionId)),
      bouncesByRule: by(6).filter((x) => n(x.rejected) > 0).map((x) => ({ ruleId: (x.rule_id as string | null) ?? null, bounces: n(x.rejected) }))
        .sort((a, b) => b.bounces - a.bounces || String(a.ruleId).localeCompare(String(b.ruleId))),
    };
  }

  async versionsInForce(r: Range): Promise<PeriodFigures['versionsInForce']> {
    // In force during [from, to): the version current at `from` and every version published before `to`.
    const routing = await this.tx.query<{ kind: 'rules' | 'directory'; version: number; created_at: Date; author: string; reason: string; used: number }>(
      `WITH used AS (
         SELECT GROUPING(rule_set_version, directory_version) AS g, rule_set_version, directory_version, count(*) AS used
           FROM decisions WHERE decided_at >= $1 AND decided_at < $2
          GROUP BY GROUPING SETS ((rule_set_version), (directory_version))),
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
