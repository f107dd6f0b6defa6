/**
 * Stored report versions (immutable, see 006_reports.sql), the business-calendar rows, and the report.ready
 * outbox. SQL only here.
 */
import type { ReportKind } from '../reporting/period';
import type { Report } from '../reporting/report-model';
import type {
  FiguresReader, NewReportVersion, ReportNotice, ReportStore, ReportTransaction, ReportVersionReader, StoredReport, VersionSummary,
} from '../reporting/report-store';
import type { Database, Sql } from './database';
import { PgNoticeOutbox, type NoticeTable } from './notice-outbox';
import { PgFiguresReader } from './report-figures-repository';

/** Key space of the reports' advisory locks (two-key form). */
export const REPORT_LOCK_SPACE = 724_011;

interface VersionRow {
  kind: ReportKind; period: string; version: number; generated_at: Date; generated_by: string; trigger: VersionSummary['trigger'];
  changes_count: number; notification: VersionSummary['notification']; figures?: Report; content_sha256?: string;
}

const SUMMARY = `kind, period, version, generated_at, generated_by, trigger, jsonb_array_length(changes) AS changes_count, notification`;

const summaryOf = (r: VersionRow): VersionSummary => ({
  version: Number(r.version), generatedAt: r.generated_at, generatedBy: r.generated_by, trigger: r.trigger,
  changes: Number(r.changes_count), notification: r.notification,
});

const storedOf = (r: VersionRow): StoredReport => ({
  ...summaryOf(r), kind: r.kind, period: r.period, report: r.figures!, contentSha256: r.content_sha256!,
});

class PgVersionReader implements ReportVersionReader {
  constructor(protected readonly sql: Sql) {}

  async latest(kind: ReportKind, period: string): Promise<StoredReport | undefined> {
    const [r] = await this.sql.query<VersionRow>(
      `SELECT ${SUMMARY}, figures, content_sha256 FROM report_versions WHERE kind = $1 AND period = $2 ORDER BY version DESC LIMIT 1`, [kind, period]);
    return r && storedOf(r);
  }

  async version(kind: ReportKind, period: string, version: number): Promise<StoredReport | undefined> {
    const [r] = await this.sql.query<VersionRow>(
      `SELECT ${SUMMARY}, figures, content_sha256 FROM report_versions WHERE kind = $1 AND period = $2 AND version = $3`, [kind, period, version]);
    return r && storedOf(r);
  }

  async versions(kind: ReportKind, period: string): Promise<VersionSummary[]> {
    const rows = await this.sql.query<VersionRow>(
      `SELECT ${SUMMARY} FROM report_versions WHERE kind = $1 AND period = $2 ORDER BY version`, [kind, period]);
    return rows.map(summaryOf);
  }

  async periods(): Promise<Array<{ kind: ReportKind; period: string; versions: VersionSummary[] }>> {
    const rows = await this.sql.query<VersionRow>(`SELECT ${SUMMARY} FROM report_versions ORDER BY period DESC, kind, version`);
    const out = new Map<string, { kind: ReportKind; period: string; versions: VersionSummary[] }>();
    for (const r of rows) {
      const key = `${r.kind}:${r.period}`;
      if (!out.has(key)) out.set(key, { kind: r.kind, period: r.period, versions: [] });
      out.get(key)!.versions.push(summaryOf(r));
    }
    return [...out.values()];
  }
}

/** Sessions of a shared snapshot in which the report's figure queries run concurrently (PostgreSQL). */
const FIGURE_SESSIONS = 3;

/** The report transaction's settings, for each session that reads figures (see lockGenerations). */
const REPORT_SETTINGS = `SELECT set_config('jit', 'off', true), set_config('work_mem', '256MB', true)`;

/**
 * A FiguresReader whose every call runs on the next free session of a shared snapshot: calls made together
 * (periodFigures) run concurrently, each a single statement or two on one connection.
 */
function concurrentReader(sessions: Sql[]): FiguresReader {
  const idle = sessions.map((s) => new PgFiguresReader(s));
  const waiting: Array<(r: PgFiguresReader) => void> = [];
  const run = async <T>(call: (r: PgFiguresReader) => Promise<T>): Promise<T> => {
    const reader = idle.pop() ?? (await new Promise<PgFiguresReader>((resolve) => waiting.push(resolve)));
    try {
      return await call(reader);
    } finally {
      const next = waiting.shift();
      if (next) next(reader);
      else idle.push(reader);
    }
  };
  return {
    envelopesReceived: (r) => run((x) => x.envelopesReceived(r)),
    quarantine: (r) => run((x) => x.quarantine(r)),
    cases: (r, windows) => run((x) => x.cases(r, windows)),
    timeToForward: (r) => run((x) => x.timeToForward(r)),
    forwards: (r) => run((x) => x.forwards(r)),
    ticketCounts: (r) => run((x) => x.ticketCounts(r)),
    ticketTimes: (r, asOf) => run((x) => x.ticketTimes(r, asOf)),
    ticketDurations: (r, asOf) => run((x) => x.ticketDurations(r, asOf)),
    breaches: (r, asOf, limit) => run((x) => x.breaches(r, asOf, limit)),
    versionsInForce: (r) => run((x) => x.versionsInForce(r)),
  };
}

class PgReportTransaction extends PgFiguresReader implements ReportTransaction {
  private readonly reader: PgVersionReader;

  /** `db`: the database the transaction belongs to, for figures read from a shared snapshot (none: read in tx). */
  constructor(tx: Sql, private readonly driver: Database['driver'], private readonly db?: Database) {
    super(tx);
    this.reader = new PgVersionReader(tx);
  }

  async readFigures<T>(fn: (r: FiguresReader) => Promise<T>, ownWrites: boolean): Promise<T> {
    if (!this.db?.readSnapshot || this.driver !== 'postgres' || ownWrites) return fn(this);
    return this.db.readSnapshot(FIGURE_SESSIONS, async (sessions) => {
      await Promise.all(sessions.map((s) => s.query(REPORT_SETTINGS)));
      return fn(concurrentReader(sessions));
    });
  }

  latest(kind: ReportKind, period: string) { return this.reader.latest(kind, period); }
  version(kind: ReportKind, period: string, version: number) { return this.reader.version(kind, period, version); }
  versions(kind: ReportKind, period: string) { return this.reader.versions(kind, period); }
  periods() { return this.reader.periods(); }

  async lockGenerations(): Promise<void> {
    await this.tx.query('SELECT pg_advisory_xact_lock($1, 0)', [REPORT_LOCK_SPACE]);
    if (this.driver === 'postgres') {
      // For this transaction only. JIT compiled the big aggregates for longer than they run (11 s of 60 in the
      // bench month's plan); the sorts of percentiles and windows (up to 700,000 rows) spilled to disk at
      // the default 4 MB. One generation runs at a time (the lock above), so this memory is taken once.
      await this.tx.query(REPORT_SETTINGS);
    }
  }

  async insertVersion(v: NewReportVersion): Promise<void> {
    await this.tx.query(
      `INSERT INTO report_versions (kind, period, version, generated_at, generated_by, trigger, figures, changes, content_sha256,
         notification, next_attempt_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$4)`,
      [v.kind, v.period, v.version, v.generatedAt, v.generatedBy, v.trigger, JSON.stringify(v.report), JSON.stringify(v.report.changes),
        v.contentSha256, v.notification]);
  }

  async calendarsNeeded(): Promise<{ calendarIds: string[]; earliestStart: Date | null }> {
    const cals = await this.tx.query<{ id: string }>(`SELECT DISTINCT definition->>'calendar' AS id FROM sla_policy_versions ORDER BY 1`);
    const [e] = await this.tx.query<{ at: Date | null }>('SELECT min(sla_start_at) AS at FROM tickets');
    return { calendarIds: cals.map((c) => c.id).filter(Boolean), earliestStart: e?.at ?? null };
  }

  async calendarState(id: string) {
    const [r] = await this.tx.query<{ definition_sha256: string; from_year: number; to_year: number }>(
      'SELECT definition_sha256, from_year, to_year FROM business_calendars WHERE calendar_id = $1', [id]);
    return r && { definitionSha256: r.definition_sha256, fromYear: Number(r.from_year), toYear: Number(r.to_year) };
  }

  async replaceCalendar(id: string, sha: string, fromYear: number, toYear: number, openings: Array<readonly [number, number]>): Promise<void> {
    await this.tx.query('DELETE FROM business_calendars WHERE calendar_id = $1', [id]);
    await this.tx.query('INSERT INTO business_calendars (calendar_id, definition_sha256, from_year, to_year) VALUES ($1,$2,$3,$4)', [id, sha, fromYear, toYear]);
    let before = 0;
    const opens: string[] = [];
    const closes: string[] = [];
    const befores: number[] = [];
    for (const [s, e] of openings) {
      opens.push(new Date(s).toISOString());
      closes.push(new Date(e).toISOString());
      befores.push(before);
      before += e - s;
    }
    await this.tx.query(
      `INSERT INTO business_openings (calendar_id, opens_at, closes_at, business_ms_before)
       SELECT $1, o, c, b FROM unnest($2::timestamptz[], $3::timestamptz[], $4::bigint[]) AS x(o, c, b)`,
      [id, opens, closes, befores]);
  }
}

export class PgReportStore implements ReportStore {
  readonly versions: ReportVersionReader;

  constructor(private readonly db: Database) {
    this.versions = new PgVersionReader(db);
  }

  inTransaction<T>(fn: (tx: ReportTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgReportTransaction(tx, this.db.driver, this.db)));
  }
}

/** A report transaction on a transaction the caller holds (the scheduled job's, under its job lock). */
export function reportTransactionOn(tx: Sql, driver: Database['driver']): ReportTransaction {
  return new PgReportTransaction(tx, driver);
}

type ReportNoticeRow = VersionRow & { publish_attempts: number };

/** The report.ready outbox's table (statements built by store/notice-outbox.ts). */
const REPORT_NOTICES: NoticeTable<ReportNotice, ReportNoticeRow> = {
  table: 'report_versions',
  key: [
    { column: 'kind', type: 'text', of: (n) => n.kind }, { column: 'period', type: 'text', of: (n) => n.period },
    { column: 'version', type: 'int', of: (n) => n.version },
  ],
  returning: ['x.generated_at', 'x.trigger', 'jsonb_array_length(x.changes) AS changes_count'],
  fromRow: (r) => ({
    kind: r.kind, period: r.period, version: Number(r.version), generatedAt: r.generated_at, trigger: r.trigger, changes: Number(r.changes_count),
    publishAttempts: Number(r.publish_attempts),
  }),
};

/** The report.ready outbox of the notice relay (src/shared/notice-relay.ts): lease, publish outside, mark. */
export class PgReportOutbox extends PgNoticeOutbox<ReportNotice, ReportNoticeRow> {
  constructor(db: Database) {
    super(db, REPORT_NOTICES);
  }
}
