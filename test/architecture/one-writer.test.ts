/**
 * Exactly one module writes each of the case tables (`cases`, `forwards`, `case_events`): every INSERT, UPDATE and
 * DELETE of them in src/ is in store/case-changes.ts, which the other repositories call. Read from the string and
 * template literals of every source file (comments are prose, not statements; migrations are schema, not writers).
 * The same scan is run on a bad sample, so it is seen to fail.
 */
import { literals, SRC, sourcesOf } from './source-scan';

const CASE_TABLES = ['cases', 'forwards', 'case_events'] as const;
const THE_WRITER = 'store/case-changes.ts';

const WRITE = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?("?)(\w+)\1(?=[\s(;]|$)/gi;

/** The case tables each source file writes, by table. */
function writersOf(sources: Array<{ file: string; text: string }>): Record<string, string[]> {
  const by: Record<string, Set<string>> = Object.fromEntries(CASE_TABLES.map((t) => [t, new Set<string>()]));
  for (const { file, text } of sources) {
    for (const sql of literals(text)) {
      for (const m of sql.matchAll(WRITE)) {
        const table = m[2].toLowerCase();
        if (table in by) by[table].add(file);
      }
    }
  }
  return Object.fromEntries(Object.entries(by).map(([t, s]) => [t, [...s].sort()]));
}

describe('one writer of the case tables', () => {
  it(`finds every write of ${CASE_TABLES.join(', ')} in ${THE_WRITER} alone`, () => {
    const sources = sourcesOf(SRC);
    expect(sources.length).toBeGreaterThan(100);
    expect(writersOf(sources)).toEqual({ cases: [THE_WRITER], forwards: [THE_WRITER], case_events: [THE_WRITER] });
  });

  it('fails on a second writer, whatever the statement looks like, and ignores reads and prose', () => {
    const sample = [
      { file: THE_WRITER, text: "const a = 'INSERT INTO cases (case_id) VALUES ($1)';" },
      { file: 'store/helpdesk-marks.ts', text: 'await tx.query(`UPDATE forwards f\n   SET reminder_raised_at = $2 WHERE f.forward_id = $1`);' },
      { file: 'store/retention.ts', text: 'await tx.query(`delete from "case_events" WHERE at < ${cutoff}`);' },
      { file: 'store/reader.ts', text: "// UPDATE cases SET … is done by the writer\nconst q = 'SELECT * FROM cases JOIN forwards f USING (case_id) FOR UPDATE';" },
      { file: 'store/other-table.ts', text: "const q = 'UPDATE cases_archive SET x = 1; INSERT INTO forward_notices (id) VALUES (1)';" },
    ];
    expect(writersOf(sample)).toEqual({
      cases: [THE_WRITER],
      forwards: ['store/helpdesk-marks.ts'],
      case_events: ['store/retention.ts'],
    });
  });
});

/**
 * A port is never downcast to the store's class behind it (the help desk once checked `instanceof PgCaseWriter` to
 * join a case change's transaction): a follower gets its repository from the writer's TransactionScope instead.
 */
describe('no port downcast to a store class', () => {
  const DOWNCAST = /\binstanceof\s+Pg\w+/g;
  const downcasts = (sources: Array<{ file: string; text: string }>) =>
    sources.flatMap(({ file, text }) => [...text.matchAll(DOWNCAST)].map((m) => `${file}: ${m[0]}`));

  it('finds no `instanceof Pg…` in src/', () => {
    const sources = sourcesOf(SRC);
    expect(downcasts(sources)).toEqual([]);
  });

  it('fails on a sample that downcasts', () => {
    expect(downcasts([{ file: 'store/x.ts', text: 'if (!(w instanceof PgCaseWriter)) throw new Error();' }])).toEqual(['store/x.ts: instanceof PgCaseWriter']);
  });
});
