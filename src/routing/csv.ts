/**
 * A small RFC 4180 CSV reader for the reference files (directory, territories, BUC catalogue, traffic mix).
 *
 * Written here rather than taken from a library because the need is narrow (comma separator, double-quote
 * quoting, CRLF or LF line ends, UTF-8 with an optional BOM) and a parse error must name the line, so an
 * operator who edits a CSV by hand sees where it broke. Quoted fields may hold commas, quotes ("") and
 * line breaks; a field count that differs from the header is an error, never a silent shift of columns.
 */

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/** Every record as an array of raw field strings, header included. Blank lines are skipped. */
export function parseCsvRows(text: string): string[][] {
  return scan(text).rows;
}

/** The records and the physical line each one starts on (a quoted field may span lines). */
// long-function: one character-level state machine (quotes, separators, line ends); split, its states would be scattered.
function scan(text: string): { rows: string[][]; lines: number[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  const lines: number[] = [];
  let rowLine = 1;
  let row: string[] = [];
  let field = '';
  let line = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field started with a quote (text after its closing quote is an error)
  let quoteLine = 1; // where the open quoted field started, for the error message
  let i = 0;
  const endRow = (): void => {
    row.push(field);
    // A line with a single empty field is a blank line (e.g. the trailing newline): not a record.
    if (!(row.length === 1 && row[0] === '' && !wasQuoted)) {
      rows.push(row);
      lines.push(rowLine);
    }
    row = [];
    field = '';
    wasQuoted = false;
  };
  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      if (c === '\n') line += 1;
      field += c;
      i += 1;
      continue;
    }
    if (c === '"') {
      if (field !== '' || wasQuoted) throw new CsvError('a quote inside an unquoted field (quote the whole field)', line);
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      i += 1;
    } else if (c === ',') {
      row.push(field);
      field = '';
      wasQuoted = false;
      i += 1;
    } else if (c === '\r' || c === '\n') {
      endRow();
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line += 1;
      rowLine = line;
    } else {
      if (wasQuoted) throw new CsvError('text after the closing quote of a field', line);
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new CsvError('a quoted field opened here is not closed before the end of the file', quoteLine);
  if (field !== '' || row.length > 0 || wasQuoted) endRow();
  return { rows, lines };
}

/**
 * Records keyed by the header names. `required` lists the columns the caller needs: a missing one is an error
 * naming it. Every record must have exactly as many fields as the header.
 */
export function parseCsvRecords(text: string, required: readonly string[] = []): Record<string, string>[] {
  const { rows, lines } = scan(text);
  if (rows.length === 0) throw new CsvError('the file is empty (a header line is required)', 1);
  const header = rows[0].map((h) => h.trim());
  const missing = required.filter((col) => !header.includes(col));
  if (missing.length > 0) throw new CsvError(`missing column(s): ${missing.join(', ')}`, 1);
  return rows.slice(1).map((fields, index) => {
    if (fields.length !== header.length) {
      throw new CsvError(`record has ${fields.length} fields, the header has ${header.length}`, lines[index + 1]);
    }
    const record: Record<string, string> = {};
    header.forEach((name, k) => {
      record[name] = fields[k];
    });
    return record;
  });
}
