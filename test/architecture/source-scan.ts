/**
 * Reading the source tree as text, for the architecture tests that check what the module graph cannot show (SQL
 * placement, one writer, sizes, downcasts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const SRC = path.join(__dirname, '..', '..', 'src');

/** The files below `dir` whose names match `ending` (TypeScript sources by default). */
export function files(dir: string, ending: RegExp = /\.ts$/): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? files(full, ending) : ending.test(f) ? [full] : [];
  });
}

/** Every source file below `root`, named relative to it with forward slashes, and its text. */
export function sourcesOf(root: string, ending?: RegExp): Array<{ file: string; text: string }> {
  return files(root, ending).map((f) => ({ file: path.relative(root, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }));
}

/** String and template literals of a source file (comments are not strings, so prose about SQL is fine). */
export function literals(text: string): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text);
    else if (ts.isTemplateExpression(n)) out.push([n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ? '));
    ts.forEachChild(n, visit);
  };
  visit(ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true));
  return out;
}
