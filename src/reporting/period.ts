/**
 * Report periods: Europe/Paris calendar months and years, as half-open UTC instant ranges [from, to). A case
 * belongs to the month of its first legalDeliveryAt read on the Paris calendar (docs/contract.md §6): a SED delivered
 * 31 March 23:30 Paris time (21:30Z in summer) belongs to March.
 */
import { DateTime } from 'luxon';
import { AppError } from '../shared/errors';

export const REPORT_ZONE = 'Europe/Paris';

export type ReportKind = 'monthly' | 'yearly';

export interface Range {
  from: Date;
  to: Date;
}

export interface Period extends Range {
  kind: ReportKind;
  /** YYYY-MM or YYYY. */
  id: string;
  year: number;
  /** 1–12 for a month. */
  month?: number;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const YEAR_RE = /^(\d{4})$/;

function monthRange(year: number, month: number): Range {
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone: REPORT_ZONE });
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
}

export function monthPeriod(id: string): Period {
  const m = MONTH_RE.exec(id);
  if (!m || Number(m[1]) < 2000) {
    throw new AppError('RPT_PERIOD_INVALID', `"${id}" is not a month: use YYYY-MM, e.g. 2027-03.`, [{ path: 'month', message: 'expected YYYY-MM (year from 2000)' }]);
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  return { kind: 'monthly', id, year, month, ...monthRange(year, month) };
}

export function yearPeriod(id: string): Period {
  const m = YEAR_RE.exec(id);
  if (!m || Number(m[1]) < 2000) {
    throw new AppError('RPT_PERIOD_INVALID', `"${id}" is not a year: use YYYY, e.g. 2027.`, [{ path: 'year', message: 'expected YYYY (from 2000)' }]);
  }
  const year = Number(m[1]);
  const start = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: REPORT_ZONE });
  return { kind: 'yearly', id, year, from: start.toJSDate(), to: start.plus({ years: 1 }).toJSDate() };
}

export function periodOf(kind: ReportKind, id: string): Period {
  return kind === 'monthly' ? monthPeriod(id) : yearPeriod(id);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The month before the one containing `at` (Paris): what the scheduled run on the 1st reports. */
export function previousMonthOf(at: Date): Period {
  const d = DateTime.fromJSDate(at, { zone: REPORT_ZONE }).startOf('month').minus({ months: 1 });
  return monthPeriod(`${d.year}-${pad(d.month)}`);
}

/** The ranges a monthly report compares its BUC table with (annex 2): previous month, same month last year, year to date. */
export function monthComparisons(p: Period): { previousMonth: Range; sameMonthLastYear: Range; yearToDate: Range } {
  const month = p.month!;
  const prev = month === 1 ? monthRange(p.year - 1, 12) : monthRange(p.year, month - 1);
  return {
    previousMonth: prev,
    sameMonthLastYear: monthRange(p.year - 1, month),
    yearToDate: { from: monthRange(p.year, 1).from, to: p.to },
  };
}

/** The same period one year earlier (the yearly report's comparison). */
export function previousYearOf(p: Period): Period {
  return yearPeriod(String(p.year - 1));
}

/** Refuses a period that has not started yet: there is nothing to report. */
export function assertStarted(p: Period, now: Date): void {
  if (p.from.getTime() > now.getTime()) {
    throw new AppError('RPT_PERIOD_IN_FUTURE', `${p.id} has not started yet (${DateTime.fromJSDate(now, { zone: REPORT_ZONE }).toISODate()} in Paris).`, [{ path: p.kind === 'monthly' ? 'month' : 'year', message: 'in the future' }]);
  }
}

