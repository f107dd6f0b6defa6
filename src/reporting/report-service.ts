/**
 * Monthly and yearly reports as immutable, versioned snapshots. A generation (scheduled or on demand) runs in one
 * transaction holding the reports' lock: business calendars brought in step, every figure computed by the
 * database, the version numbered after the latest one, its changes against that one recorded figure by figure,
 * and its report.ready notice queued in the same commit (outbox). Reading never recomputes a stored version.
 *
 * The figures are read from one snapshot (REPEATABLE READ, READ ONLY) taken once the lock is held, spread over
 * several database sessions that share it (PostgreSQL): every figure of a version sees the same data, even
 * while traffic flows, and the version number read afterwards under the lock is the latest. The business
 * calendars' rows are brought in step in a transaction of their own first, so that the snapshot sees them;
 * should this run have to rewrite them again (another instance changed them meanwhile), the figures are read
 * in its own transaction instead, the only one that sees those rows. The scheduled run reads its figures in the
 * job's transaction (one session; the job holds its lock in it).
 */
import { performance } from 'node:perf_hooks';
import type { CalendarRegistry } from '../business-time/calendar-config';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { periodFigures } from './assemble';
import type { BucCatalogue } from './buc-catalogue';
import { syncCalendarRows } from './calendar-rows';
import {
  assertStarted, monthComparisons, periodOf, previousYearOf, REPORT_ZONE, type Period, type ReportKind,
} from './period';
import type { Report, ReportDraft } from './report-model';
import { runReportTask, type Comparison } from './report-task';
import type { FiguresReader, ReportStore, ReportTransaction, VersionSummary, Window } from './report-store';

export interface ReportServiceDeps {
  store: ReportStore;
  clock: Clock;
  catalogue: BucCatalogue;
  calendars: CalendarRegistry;
  logger: Logger;
  /** A broker is configured: queue report.ready for each new version. */
  notify: boolean;
  /** A new version's changes against the previous one and its digest: off the event loop in the service (report-rendering.ts); in line without it. */
  compare?: (previous: Report | undefined, draft: ReportDraft) => Promise<Comparison>;
}

const compareInLine = async (previous: Report | undefined, draft: ReportDraft): Promise<Comparison> => runReportTask({ task: 'compare', previous, draft }) as Comparison;

export interface GenerateRequest {
  kind: ReportKind;
  period: string;
  /** Actor id: 'scheduler', 'operator:<username>', 'token:<id>', 'cli'. */
  by: string;
  trigger: 'scheduled' | 'on-demand';
}

function windowsOf(p: Period): Window[] {
  if (p.kind === 'yearly') {
    const prev = previousYearOf(p);
    return [{ name: 'previousYear', from: prev.from, to: prev.to }];
  }
  const c = monthComparisons(p);
  return [
    { name: 'previousMonth', ...c.previousMonth },
    { name: 'sameMonthLastYear', ...c.sameMonthLastYear },
    { name: 'yearToDate', ...c.yearToDate },
  ];
}

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  /** A new version of the period's report (version 1 when none exists yet). */
  async generate(req: GenerateRequest): Promise<Report> {
    const period = periodOf(req.kind, req.period);
    const now = this.deps.clock.now();
    assertStarted(period, now);
    const untilYear = Math.max(period.year, Number(now.toISOString().slice(0, 4)));
    await this.deps.store.inTransaction(async (tx) => {
      await tx.lockGenerations();
      await syncCalendarRows(tx, this.deps.calendars, untilYear);
    });
    return this.deps.store.inTransaction((tx) => this.generateIn(tx, req));
  }

  /** The generation inside the caller's transaction (the scheduled job's, which holds its job lock). */
  async generateIn(tx: ReportTransaction, req: GenerateRequest): Promise<Report> {
    const started = performance.now(); // a duration for the log line, not a time of the domain
    const period = periodOf(req.kind, req.period);
    await tx.lockGenerations();
    const asOf = this.deps.clock.now();
    const calendarsWritten = await syncCalendarRows(tx, this.deps.calendars, Math.max(period.year, Number(asOf.toISOString().slice(0, 4))));
    const draft = await tx.readFigures((figures) => this.draft(figures, period, asOf, req), calendarsWritten);
    const previous = await tx.latest(req.kind, req.period);
    const { changes, digest } = await (this.deps.compare ?? compareInLine)(previous?.report, draft);
    const report: Report = { ...draft, version: (previous?.version ?? 0) + 1, previousVersion: previous?.version ?? null, changes };
    await tx.insertVersion({
      kind: req.kind, period: req.period, version: report.version, report, contentSha256: digest, generatedAt: asOf,
      generatedBy: req.by, trigger: req.trigger, notification: this.deps.notify ? 'pending' : 'none',
    });
    this.deps.logger.info('report generated', {
      event: 'report.generated', kind: req.kind, period: req.period, version: report.version, changes: report.changes.length,
      trigger: req.trigger, by: req.by, ms: Math.round(performance.now() - started),
    });
    return report;
  }

  /**
   * The scheduled run for a month, inside the job's transaction: skipped when a scheduled version of that month
   * already exists (a second instance, or PGlite's serialised rerun, finds the work done).
   */
  async generateScheduledIn(tx: ReportTransaction, month: string): Promise<Report | undefined> {
    await tx.lockGenerations();
    if ((await tx.versions('monthly', month)).some((v) => v.trigger === 'scheduled')) return undefined;
    return this.generateIn(tx, { kind: 'monthly', period: month, by: 'scheduler', trigger: 'scheduled' });
  }

  private async draft(tx: FiguresReader, period: Period, asOf: Date, req: GenerateRequest): Promise<ReportDraft> {
    const range = { from: period.from, to: period.to };
    const figures = await periodFigures(tx, { range, windows: windowsOf(period), asOf, catalogue: this.deps.catalogue });
    const header = {
      kind: period.kind, ...(period.kind === 'monthly' ? { month: period.id } : { year: period.id }),
      generatedAt: asOf.toISOString(), generatedBy: req.by, trigger: req.trigger, asOf: asOf.toISOString(),
      provisional: asOf.getTime() < period.to.getTime(),
      period: { from: period.from.toISOString(), to: period.to.toISOString(), zone: REPORT_ZONE },
    };
    if (period.kind === 'monthly') return { ...header, ...figures };
    const prev = previousYearOf(period);
    const prevRange = { from: prev.from, to: prev.to };
    const before = await periodFigures(tx, { range: prevRange, windows: [], asOf, catalogue: this.deps.catalogue });
    return {
      ...header, ...figures,
      previousYear: {
        envelopes: before.envelopes, cases: before.cases, timeToForward: before.timeToForward,
        helpdesk: { opened: before.helpdesk.opened, resolved: before.helpdesk.resolved, slaCompliance: before.helpdesk.slaCompliance },
      },
    };
  }

  /**
   * The stored version asked for, else the latest; a period never generated is generated now (version 1,
   * on demand, by the reader): asking for a report is the on-demand run.
   */
  async get(kind: ReportKind, periodId: string, version: number | undefined, by: string): Promise<Report> {
    const period = periodOf(kind, periodId);
    if (version !== undefined) {
      const stored = await this.deps.store.versions.version(kind, periodId, version);
      if (!stored) throw new AppError('RPT_VERSION_NOT_FOUND', `No version ${version} of the ${kind} report ${periodId}.`, [{ path: 'version', message: 'not stored' }]);
      return stored.report;
    }
    const latest = await this.deps.store.versions.latest(kind, periodId);
    if (latest) return latest.report;
    assertStarted(period, this.deps.clock.now());
    return this.generate({ kind, period: periodId, by, trigger: 'on-demand' });
  }

  async versions(kind: ReportKind, periodId: string): Promise<VersionSummary[]> {
    periodOf(kind, periodId);
    const versions = await this.deps.store.versions.versions(kind, periodId);
    if (versions.length === 0) throw new AppError('RPT_VERSION_NOT_FOUND', `The ${kind} report ${periodId} has not been generated yet.`, [{ path: kind === 'monthly' ? 'month' : 'year', message: 'no version stored' }]);
    return versions;
  }

  periods() {
    return this.deps.store.versions.periods();
  }
}
