/**
 * What the reports need from storage (src/store/report-figures-repository.ts and report-version-repository.ts
 * implement it). Every figure is computed by the database; this side names, merges and renders them.
 */
import type { Priority } from '../helpdesk/sla/sla-policy';
import type { Range, ReportKind } from './period';
import type {
  BreachRow, BusinessHourStats, DurationStats, InstitutionRow, PeriodFigures, QuarantineReason, Report,
} from './report-model';

/** A named time window of a table's comparison columns (current, previousMonth, yearToDate, …). */
export interface Window extends Range {
  name: string;
}

export interface WindowCounts {
  received: number;
  forwarded: number;
}

/** One group of a case table with its counts per window. */
export interface TableCounts {
  key: string;
  windows: Record<string, WindowCounts>;
}

export interface CaseFlows {
  received: number;
  forwarded: number;
  forwardedAutomatically: number;
  forwardedAfterTriage: number;
  returned: number;
  inTriage: number;
  quarantined: number;
  inTriageByReason: Array<{ reason: string; cases: number }>;
}

/** The case flows of the period and the case tables of every window, from one pass over the cases. */
export interface CaseFigures {
  flows: CaseFlows;
  bucType: TableCounts[];
  country: TableCounts[];
  sector: TableCounts[];
}

/** Time from legalDeliveryAt to forward, forwards decided by the router and by operators. */
export interface ForwardTimes {
  automatic: DurationStats;
  manual: DurationStats;
}

export interface ForwardFigures {
  byInstitution: InstitutionRow[];
  bouncesByInstitution: Array<{ institutionId: string; name: string | null; bounces: number }>;
  bouncesByRule: Array<{ ruleId: string | null; bounces: number }>;
}

export interface TicketCounts {
  opened: number;
  resolved: number;
  priorityChanged: number;
  byCounterpartCountry: Array<{ counterpartCountry: string; priority: Priority; opened: number; resolved: number }>;
}

export interface TicketTimes {
  firstResponse: BusinessHourStats & { byPriority: Array<BusinessHourStats & { priority: Priority }> };
  resolution: BusinessHourStats & { byPriority: Array<BusinessHourStats & { priority: Priority }> };
  measured: number;
  compliant: number;
  complianceByPolicy: Array<{ policyVersion: string; tickets: number; compliant: number; target: number | null }>;
  waiting: { tickets: number; counterpartBusinessHours: number; institutionBusinessHours: number; deskBusinessHours: number };
}

/** One ticket's business times as SQL measures them (what the SLA clock computes too). */
export interface TicketDurations {
  ticketId: string;
  firstResponseBusinessMs: number | null;
  resolutionBusinessMs: number;
  waitingCounterpartBusinessMs: number;
  waitingInstitutionBusinessMs: number;
}

export interface FiguresReader {
  envelopesReceived(r: Range): Promise<number>;
  quarantine(r: Range): Promise<{ inputs: number; receipts: number; byReason: QuarantineReason[] }>;
  /** The period's case flows, and cases by BUC type, sending country and sector counted in each window. */
  cases(r: Range, windows: Window[]): Promise<CaseFigures>;
  timeToForward(r: Range): Promise<ForwardTimes>;
  /** Forwards per receiving institution, bounces per institution and per rule. */
  forwards(r: Range): Promise<ForwardFigures>;
  ticketCounts(r: Range): Promise<TicketCounts>;
  ticketTimes(r: Range, asOf: Date): Promise<TicketTimes>;
  ticketDurations(r: Range, asOf: Date): Promise<TicketDurations[]>;
  breaches(r: Range, asOf: Date, limit: number): Promise<{ count: number; rows: BreachRow[] }>;
  versionsInForce(r: Range): Promise<PeriodFigures['versionsInForce']>;
}

/** The business calendars SQL measures with (business_openings), kept in step with the configured ones. */
export interface CalendarRows {
  /** Calendars named by SLA policy versions, and the earliest instant a ticket's clock can have started. */
  calendarsNeeded(): Promise<{ calendarIds: string[]; earliestStart: Date | null }>;
  calendarState(id: string): Promise<{ definitionSha256: string; fromYear: number; toYear: number } | undefined>;
  /** Replaces every opening of the calendar; openings in time order, each with the business ms before it. */
  replaceCalendar(id: string, definitionSha256: string, fromYear: number, toYear: number, openings: Array<readonly [number, number]>): Promise<void>;
}

export interface VersionSummary {
  version: number;
  generatedAt: Date;
  generatedBy: string;
  trigger: 'scheduled' | 'on-demand';
  changes: number;
  notification: 'pending' | 'sent' | 'none';
}

export interface StoredReport extends VersionSummary {
  kind: ReportKind;
  period: string;
  report: Report;
  contentSha256: string;
}

export interface ReportVersionReader {
  latest(kind: ReportKind, period: string): Promise<StoredReport | undefined>;
  version(kind: ReportKind, period: string, version: number): Promise<StoredReport | undefined>;
  versions(kind: ReportKind, period: string): Promise<VersionSummary[]>;
  /** Every stored period, newest first, with its versions. */
  periods(): Promise<Array<{ kind: ReportKind; period: string; versions: VersionSummary[] }>>;
}

export interface NewReportVersion {
  kind: ReportKind;
  period: string;
  version: number;
  report: Report;
  contentSha256: string;
  generatedAt: Date;
  generatedBy: string;
  trigger: 'scheduled' | 'on-demand';
  notification: 'pending' | 'none';
}

/** Everything a generation does, in one transaction. */
export interface ReportTransaction extends FiguresReader, CalendarRows, ReportVersionReader {
  /** Serialises generations (waits): version numbers and calendar rows are written by one run at a time. */
  lockGenerations(): Promise<void>;
  /**
   * Runs fn over figures read from one consistent snapshot of the committed data, spread over several database
   * sessions where the store can (calls made together run concurrently). `ownWrites`: this transaction changed
   * rows the figures read (calendar rows), which only it can see: the figures are then read in it, one by one.
   */
  readFigures<T>(fn: (r: FiguresReader) => Promise<T>, ownWrites: boolean): Promise<T>;
  insertVersion(v: NewReportVersion): Promise<void>;
}

export interface ReportStore {
  inTransaction<T>(fn: (tx: ReportTransaction) => Promise<T>): Promise<T>;
  readonly versions: ReportVersionReader;
}

/** The report.ready notice, for the outbox relay. */
export interface ReportNotice {
  kind: ReportKind;
  period: string;
  version: number;
  generatedAt: Date;
  trigger: 'scheduled' | 'on-demand';
  changes: number;
}
