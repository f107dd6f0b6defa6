/**
 * What the module graph cannot show, read from the source text: SQL only in store/, the injected clock in every
 * domain folder, and the size limits of docs/architecture.md (files ≤ 400 lines; functions ≤ ~60 lines unless a comment
 * just above says why), in src/ and in the console's console/src/ (issue #22). Each check is also run on a small
 * bad sample, so it is seen to fail.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { literals, SRC, sourcesOf } from './source-scan';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 60;
/** A function may be longer when the comment just above it gives the reason, starting with this tag. */
const LONG_FUNCTION_TAG = 'long-function:';

const sources = sourcesOf(SRC);

const CONSOLE_SRC = path.join(__dirname, '..', '..', 'console', 'src');
/** Console files the size rules do not apply to, each with its reason. */
const CONSOLE_EXEMPT: Record<string, string> = {
  'i18n/fr.ts': 'the message catalogue is data (one key a line), not code: splitting it would only scatter the keys',
  'i18n/en.ts': 'the English twin of the catalogue, typed by fr.ts: data, like it',
  'api/schema.d.ts': 'generated from docs/openapi.yaml by `npm run console:api`',
};
const consoleSources = sourcesOf(CONSOLE_SRC, /\.tsx?$/).filter((s) => !(s.file in CONSOLE_EXEMPT));

const SQL = /\b(SELECT\b[\s\S]+?\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE|ON\s+CONFLICT|FOR\s+UPDATE|pg_\w+_lock)\b/;
const sqlIn = (text: string) => literals(text).filter((s) => SQL.test(s));

/** `new Date()` without an argument and `Date.now()`: reading the wall clock instead of the injected Clock. */
const WALL_CLOCK = /\bnew Date\(\s*\)|\bDate\.now\(\s*\)/g;
const wallClockIn = (text: string) => [...text.matchAll(WALL_CLOCK)].map((m) => m[0]);
/** Where reading the real time is the job: the clock itself, adapters (timeouts, backoff) and the composition root. */
const MAY_READ_THE_CLOCK = /^(shared\/clock\.ts|main\.ts|(web|bus|store|scheduler|app)\/)/;

function longFunctions(text: string, file = 'x.ts'): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isConstructorDeclaration(n)) && n.body) {
      const start = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(n.end).line;
      // The comment that explains the length sits above the function or above the statement that holds it.
      const holder = ts.isArrowFunction(n) || ts.isFunctionExpression(n) ? (n.parent.parent ?? n.parent) : n;
      const comments = (ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? []).map((c) => text.slice(c.pos, c.end));
      if (end - start + 1 > MAX_FUNCTION_LINES && !comments.some((c) => c.includes(LONG_FUNCTION_TAG))) {
        const name = (n as { name?: ts.Node }).name?.getText(sf) ?? (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText(sf) : '(anonymous)');
        out.push(`${file}:${start + 1} ${name} (${end - start + 1} lines)`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('source rules', () => {
  it('keeps SQL in src/store/ only', () => {
    const leaks = sources.filter((s) => !s.file.startsWith('store/')).flatMap((s) => sqlIn(s.text).map((q) => `${s.file}: ${q.slice(0, 60)}`));
    expect(leaks).toEqual([]);
  });

  it('the SQL check finds SQL in template strings, not in prose', () => {
    expect(sqlIn('const q = `SELECT id FROM cases WHERE case_id = ${id}`;')).toHaveLength(1);
    expect(sqlIn("await tx.query('INSERT INTO work_queue (stage) VALUES ($1)', [s]);")).toHaveLength(1);
    expect(sqlIn("db.query(`SELECT pg_try_advisory_xact_lock($1)`)")).toHaveLength(1);
    expect(sqlIn('// select the institutions from the directory\nconst label = "Select an institution from the list";')).toEqual([]);
  });

  it('reads the time through the injected Clock in every domain folder (and shared/, config/)', () => {
    const leaks = sources.filter((s) => !MAY_READ_THE_CLOCK.test(s.file)).flatMap((s) => wallClockIn(s.text).map((m) => `${s.file}: ${m}`));
    expect(leaks).toEqual([]);
    expect(wallClockIn('const t = new Date(); const u = Date.now(); const v = new Date(at);')).toEqual(['new Date()', 'Date.now()']);
  });

  it(`has no file over ${MAX_FILE_LINES} lines in src/`, () => {
    const big = sources.map((s) => ({ file: s.file, lines: s.text.split('\n').length })).filter((s) => s.lines > MAX_FILE_LINES);
    expect(big).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines without a "${LONG_FUNCTION_TAG}" reason above it`, () => {
    expect(sources.flatMap((s) => longFunctions(s.text, s.file))).toEqual([]);
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    expect(longFunctions(`export function big(): void {\n${body}\n}\n`)).toEqual(['x.ts:1 big (62 lines)']);
    expect(longFunctions(`// ${LONG_FUNCTION_TAG} one table of cases, read top to bottom\nexport function big(): void {\n${body}\n}\n`)).toEqual([]);
    expect(longFunctions(`export const big = (): void => {\n${body}\n};\n`)).toEqual(['x.ts:1 big (62 lines)']);
  });

  it(`has no file over ${MAX_FILE_LINES} lines in console/src/ (but the exempt ones, each with its reason)`, () => {
    expect(consoleSources.length).toBeGreaterThan(50);
    const big = consoleSources.map((s) => ({ file: s.file, lines: s.text.split('\n').length })).filter((s) => s.lines > MAX_FILE_LINES);
    expect(big).toEqual([]);
    // The exemptions name real files: a renamed catalogue is checked again, not silently exempt.
    for (const file of Object.keys(CONSOLE_EXEMPT)) expect(statSync(path.join(CONSOLE_SRC, file)).isFile()).toBe(true);
  });

  it(`has no component or function over ${MAX_FUNCTION_LINES} lines in console/src/ without a "${LONG_FUNCTION_TAG}" reason`, () => {
    const long = consoleSources.flatMap((s) => longFunctions(s.text, s.file));
    expect(long).toEqual([]);
    // A component (TSX) is measured like any function.
    const rows = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `      <li>{${i}}</li>`).join('\n');
    expect(longFunctions(`export function Big() {\n  return (\n    <ul>\n${rows}\n    </ul>\n  );\n}\n`, 'big.tsx')).toEqual(['big.tsx:1 Big (66 lines)']);
  });
});
