/**
 * The report as JSON (docs/contract.md §6 keys, kept exactly, and more). Counts are of cases unless named otherwise;
 * durations say their unit in their name. Ids and counts only: a report never carries personal data.
 */
import type { Priority } from '../helpdesk/sla/sla-policy';

export interface QuarantineReason {
  reason: string;
  /** Distinct rejected inputs. */
  inputs: number;
  /** Receipts of them, redeliveries included. */
  receipts: number;
}

export interface DurationStats {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface BusinessHourStats {
  tickets: number;
  medianBusinessHours: number | null;
  p90BusinessHours: number | null;
}

/** One row of a table by BUC type, sending country or sector, with its comparison columns. */
export interface TableRow {
  received: number;
  forwarded: number;
  transferRate: number | null;
  /** Monthly: previousMonth*, sameMonthLastYear*, yearToDate*; yearly: previousYear*. */
  [comparison: string]: number | string | null;
}

export interface BucTypeRow extends TableRow {
  bucType: string;
  title: string;
  sector: string;
}

export interface CountryRow extends TableRow {
  country: string;
}

export interface SectorRow extends TableRow {
  sector: string;
}

export interface InstitutionRow {
  institutionId: string;
  name: string | null;
  cases: number;
  envelopes: number;
  accepted: number;
  rejected: number;
  pending: number;
}

export interface BreachRow {
  ticketId: string;
  counterpartCountry: string;
  /** At opening (from the first priority change), and now: they differ when the priority was changed. */
  priorityAtOpening: Priority;
  priority: Priority;
  policyVersion: string;
  clock: 'first-response' | 'resolution';
  dueAt: string;
  /** When that clock stopped (response, resolution); null while it still runs. */
  stoppedAt: string | null;
  state: string;
}

export interface VersionInForce {
  version: string;
  since: string;
  author?: string;
  reason?: string;
  /** Decisions (rules, directory) or tickets (SLA policy) of the period that used it. */
  used: number;
  calendar?: string;
  targetCompliance?: number;
}

export interface HelpdeskFigures {
  opened: number;
  resolved: number;
  byCounterpartCountry: Array<{ counterpartCountry: string; priority: Priority; opened: number; resolved: number }>;
  /** Tickets opened in the period whose priority was changed since. */
  priorityChanged: number;
  firstResponse: BusinessHourStats & { byPriority: Array<BusinessHourStats & { priority: Priority }> };
  resolution: BusinessHourStats & { byPriority: Array<BusinessHourStats & { priority: Priority }> };
  /** Share of tickets resolved in the period within both targets (0–1); null when none was resolved. */
  slaCompliance: number | null;
  slaTarget: number | null;
  slaTargetMet: boolean | null;
  slaMeasured: number;
  slaCompliant: number;
  complianceByPolicy: Array<{ policyVersion: string; tickets: number; compliant: number; compliance: number | null; target: number | null }>;
  /** Business time (desk calendar) tickets resolved in the period spent waiting on each party. */
  waiting: { tickets: number; counterpartBusinessHours: number; institutionBusinessHours: number; deskBusinessHours: number };
  breachCount: number;
  breaches: BreachRow[];
  breachesTruncated: boolean;
}

export interface PeriodFigures {
  envelopes: { received: number; quarantined: number; quarantineReceipts: number; quarantinedByReason: QuarantineReason[] };
  cases: {
    received: number;
    forwarded: number;
    forwardedAutomatically: number;
    forwardedAfterTriage: number;
    returned: number;
    inTriage: number;
    /** Cases known only from quarantined inputs (no envelope of theirs was accepted). */
    quarantined: number;
    transferRate: number | null;
    inTriageByReason: Array<{ reason: string; cases: number }>;
  };
  timeToForward: { automatic: DurationStats; manual: DurationStats };
  bounces: {
    total: number;
    byInstitution: Array<{ institutionId: string; name: string | null; bounces: number }>;
    byRule: Array<{ ruleId: string | null; bounces: number }>;
  };
  byBucType: BucTypeRow[];
  bySenderCountry: CountryRow[];
  bySector: SectorRow[];
  byInstitution: InstitutionRow[];
  helpdesk: HelpdeskFigures;
  versionsInForce: { ruleTable: VersionInForce[]; directory: VersionInForce[]; slaPolicy: VersionInForce[] };
}

export interface ReportHeader {
  kind: 'monthly' | 'yearly';
  /** Monthly: YYYY-MM. */
  month?: string;
  /** Yearly: YYYY. */
  year?: string;
  version: number;
  generatedAt: string;
  generatedBy: string;
  trigger: 'scheduled' | 'on-demand';
  /** The figures are as of this instant (statuses of cases, clocks still running). */
  asOf: string;
  /** Generated before the period ended: figures will still move. */
  provisional: boolean;
  period: { from: string; to: string; zone: string };
}

export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

export type Report = ReportHeader & PeriodFigures & {
  /** Yearly report: the previous year's headline figures beside this year's. */
  previousYear?: Pick<PeriodFigures, 'envelopes' | 'cases' | 'timeToForward'> & { helpdesk: Pick<HelpdeskFigures, 'opened' | 'resolved' | 'slaCompliance'> };
  /** What changed since the previous version, figure by figure (empty for version 1). */
  changes: Change[];
  previousVersion: number | null;
};

/** A report before it is stored: everything but the version bookkeeping. */
export type ReportDraft = Omit<Report, 'version' | 'changes' | 'previousVersion'>;
