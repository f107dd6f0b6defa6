/**
 * The report as a CSV for French spreadsheets (`format=csv-fr`): `;` between fields, a decimal comma, durations
 * in hours (the report's seconds converted, labels saying "(h)"), ratios as percentages, dates as Paris
 * "jj/mm/aaaa hh:mm", UTF-8 with a byte-order mark, CRLF line ends. The same sections as the other renderings
 * (reportTables). A text cell a spreadsheet would read as a formula (= + - @, tab, CR first) is prefixed with an
 * apostrophe.
 */
import { DateTime } from 'luxon';
import type { Report } from './report-model';
import { reportTables, type Cell, type Column } from './report-tables';

const SEP = ';';
const ZONE = 'Europe/Paris';

const decimal = (n: number, digits: number) => {
  const rounded = Math.round(n * 10 ** digits) / 10 ** digits;
  return String(rounded).replace('.', ',');
};

function text(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return safe.includes(SEP) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function value(v: Cell, kind: Column['kind'] | string | null): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'oui' : 'non';
  if (typeof v === 'number') {
    if (kind === 'seconds') return decimal(v / 3600, 2);
    if (kind === 'ratio') return decimal(v * 100, 1);
    return Number.isInteger(v) ? String(v) : decimal(v, 2);
  }
  if (kind === 'date') {
    const d = DateTime.fromISO(v, { zone: ZONE });
    if (d.isValid) return d.toFormat('dd/LL/yyyy HH:mm');
  }
  return text(v);
}

/** A label in hours and percent where the values are converted. */
function label(s: string): string {
  return s.replace(/\(s\)$/, '(h)').replace(/^(Taux[^(]*|Conformité SLA|Objectif SLA)$/, '$1 (%)');
}

export function reportCsvFr(r: Report): string {
  const lines: string[] = [];
  const line = (cells: string[]) => lines.push(cells.join(SEP));
  const period = r.kind === 'monthly' ? r.month! : r.year!;
  const generated = DateTime.fromJSDate(new Date(r.generatedAt), { zone: ZONE }).toFormat('dd/LL/yyyy HH:mm');
  line([text(`Rapport ${r.kind === 'monthly' ? 'mensuel' : 'annuel'} ${period}`), `version ${r.version}`, `généré le ${generated} (heure de Paris)`, r.provisional ? 'provisoire' : 'définitif']);
  line([text('Durées en heures, taux en pour cent, dates à l’heure de Paris')]);
  lines.push('');
  for (const t of reportTables(r)) {
    line([text(`[${t.title}]`)]);
    line(t.columns.map((c) => text(c.kind === 'ratio' ? `${c.label} (%)` : c.label)));
    for (const row of t.rows) {
      const rowKind = typeof row.kind === 'string' ? row.kind : null;
      line(t.columns.map((c) => {
        const cell = row[c.key] ?? null;
        if (c.key === 'label' && typeof cell === 'string') return text(label(cell));
        return value(cell, c.kind ?? rowKind);
      }));
    }
    lines.push('');
  }
  return `\uFEFF${lines.join('\r\n')}`;
}
