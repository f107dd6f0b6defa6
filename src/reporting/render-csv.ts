/**
 * The report as one CSV file with sections (no zip dependency needed): UTF-8 with a byte-order mark so that
 * spreadsheets read the accents, CRLF line ends (RFC 4180). Each section is a title line, a header line and its
 * rows, then a blank line. With `;` as separator (French spreadsheets) decimals take a comma.
 */
import type { Report } from './report-model';
import { reportTables, type Cell } from './report-tables';

export type CsvSeparator = ',' | ';';

/**
 * Text a spreadsheet would read as a formula (directory names are operator-edited: `=HYPERLINK(…)`) is prefixed
 * with an apostrophe, as OWASP advises for cells starting with = + - @ TAB or CR; numbers are written as numbers.
 */
function neutralised(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function field(v: Cell, sep: CsvSeparator): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (typeof v === 'number') s = sep === ';' ? String(v).replace('.', ',') : String(v);
  else if (typeof v === 'boolean') s = v ? 'oui' : 'non';
  else s = neutralised(v);
  return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportCsv(r: Report, sep: CsvSeparator = ','): string {
  const lines: string[] = [];
  const line = (cells: Cell[]) => lines.push(cells.map((c) => field(c, sep)).join(sep));
  const period = r.kind === 'monthly' ? r.month! : r.year!;
  line([`Rapport ${r.kind === 'monthly' ? 'mensuel' : 'annuel'} ${period}`, `version ${r.version}`, `généré le ${r.generatedAt}`, r.provisional ? 'provisoire' : 'définitif']);
  lines.push('');
  for (const t of reportTables(r)) {
    line([`[${t.title}]`]);
    line(t.columns.map((c) => c.label));
    for (const row of t.rows) line(t.columns.map((c) => row[c.key] ?? null));
    lines.push('');
  }
  return `\uFEFF${lines.join('\r\n')}`;
}
