/**
 * The console's layers, read from its imports (issue #22): `components/` holds small shared pieces and the frame,
 * `pages/` the pages; the shell (app.tsx) puts pages into the frame. A component never imports a page, not even a
 * type: the navigation reaches the layout as entries the shell gives it. Every import form is seen (import,
 * import type, export … from, import()); a bad sample shows the check fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const CONSOLE_SRC = path.join(__dirname, '..', '..', 'console', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(f) ? [full] : [];
  });
}

/** The module specifiers a source file names, in every import form. */
function specifiers(text: string, file: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) out.push(n.arguments[0].text);
    if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) out.push(n.argument.literal.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** "components/x.tsx → pages/…" for each import of a file under components/ that lands under pages/. */
function componentToPage(file: string, text: string): string[] {
  const from = path.relative(CONSOLE_SRC, file).split(path.sep).join('/');
  if (!from.startsWith('components/')) return [];
  return specifiers(text, file)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.relative(CONSOLE_SRC, path.resolve(path.dirname(file), s)).split(path.sep).join('/'))
    .filter((to) => to === 'pages' || to.startsWith('pages/'))
    .map((to) => `${from} → ${to}`);
}

describe('console layers', () => {
  it('no component imports a page (the shell gives the layout its navigation)', () => {
    const all = files(CONSOLE_SRC);
    expect(all.filter((f) => f.includes(`${path.sep}components${path.sep}`)).length).toBeGreaterThan(10);
    expect(all.flatMap((f) => componentToPage(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('fails on a component that imports a page in any form, and lets a page import a component', () => {
    const sample = [
      "import { PAGES } from '../pages';",
      "import type { NavGroup } from '../pages/page';",
      "export { queuePage } from '../pages/queue';",
      "const lazy = () => import('../pages/case/case-page');",
      "let t: import('../pages/page').PageDef;",
      "import { Link } from '../router';",
    ].join('\n');
    expect(componentToPage(path.join(CONSOLE_SRC, 'components', 'bad.tsx'), sample)).toEqual([
      'components/bad.tsx → pages',
      'components/bad.tsx → pages/page',
      'components/bad.tsx → pages/queue',
      'components/bad.tsx → pages/case/case-page',
      'components/bad.tsx → pages/page',
    ]);
    expect(componentToPage(path.join(CONSOLE_SRC, 'pages', 'queue', 'ok.tsx'), "import { Badge } from '../../components/badge';")).toEqual([]);
  });
});
