/** One entry point for the three renderings (API and command line). */
import { AppError } from '../shared/errors';
import type { Report } from './report-model';
import { reportCsv, type CsvSeparator } from './render-csv';
import { reportCsvFr } from './render-csv-fr';
import { reportHtml } from './render-html';

/** `csv-fr`: the CSV for French spreadsheets (render-csv-fr.ts), beside the contract's `csv`. */
export const REPORT_FORMATS = ['json', 'csv', 'html', 'csv-fr'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface Rendered {
  contentType: string;
  body: string;
  /** e.g. rapport-mensuel-2027-03-v2.csv */
  filename: string;
}

export function parseFormat(format: unknown, separator: unknown): { format: ReportFormat; separator: CsvSeparator } {
  const f = format === undefined || format === '' ? 'json' : format;
  if (typeof f !== 'string' || !(REPORT_FORMATS as readonly string[]).includes(f)) {
    throw new AppError('RPT_FORMAT_INVALID', `format must be one of ${REPORT_FORMATS.join(', ')}.`, [{ path: 'format', message: `unknown format ${JSON.stringify(f)}` }]);
  }
  const s = separator === undefined || separator === '' ? ',' : separator;
  if (s !== ',' && s !== ';') {
    throw new AppError('RPT_FORMAT_INVALID', 'separator must be "," or ";".', [{ path: 'separator', message: `unknown separator ${JSON.stringify(s)}` }]);
  }
  return { format: f as ReportFormat, separator: s };
}

export function renderReport(r: Report, format: ReportFormat, separator: CsvSeparator = ','): Rendered {
  const base = `rapport-${r.kind === 'monthly' ? `mensuel-${r.month}` : `annuel-${r.year}`}-v${r.version}`;
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: reportCsv(r, separator), filename: `${base}.csv` };
  if (format === 'csv-fr') return { contentType: 'text/csv; charset=utf-8', body: reportCsvFr(r), filename: `${base}-fr.csv` };
  if (format === 'html') return { contentType: 'text/html; charset=utf-8', body: reportHtml(r), filename: `${base}.html` };
  return { contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(r, null, 2)}\n`, filename: `${base}.json` };
}
