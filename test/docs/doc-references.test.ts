/**
 * No file of the repository cites a document the repository lacks: every relative link of a Markdown file, every
 * `docs/…` path and every named Markdown document (`something.md`) resolves to a file of the repository.
 * The external contract and the routing table are in docs/ (contract.md, routing.md); cite those.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
/** Text whose words are frozen: applied migrations are checksummed (append-only), so their old comments stay. */
const FROZEN = /^src\/store\/migrations\/.*\.sql$/;
/** This file: its samples below cite missing documents on purpose. */
const SELF = 'test/docs/doc-references.test.ts';
const TEXT = /\.(ts|tsx|js|mjs|cjs|md|ya?ml|json|sql|css|html|sh)$/;

interface BrokenReference {
  file: string;
  line: number;
  cited: string;
}

/** The documents `text` (the content of `file`, relative to the root) cites that do not exist under `root`. */
function brokenReferences(file: string, text: string, root: string, tracked: ReadonlySet<string>): BrokenReference[] {
  const broken: BrokenReference[] = [];
  const mdNames = new Set([...tracked].filter((f) => f.endsWith('.md')).map((f) => path.posix.basename(f)));
  text.split('\n').forEach((content, i) => {
    const line = i + 1;
    for (const m of file.endsWith('.md') ? content.matchAll(/\]\(([^)\s]+)\)/g) : []) {
      const target = m[1].split('#')[0];
      if (!target || /^[a-z]+:/i.test(target)) continue;
      if (!existsSync(path.join(root, path.dirname(file), target))) broken.push({ file, line, cited: m[1] });
    }
    for (const m of content.matchAll(/(?<![\w./-])docs\/[\w./-]*\w/g)) {
      if (!existsSync(path.join(root, m[0]))) broken.push({ file, line, cited: m[0] });
    }
    for (const m of content.matchAll(/(?<![\w/-])([\w-]+\.md)\b/g)) {
      if (!mdNames.has(m[1])) broken.push({ file, line, cited: m[1] });
    }
  });
  return broken;
}

const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean));

describe('documents cited by the repository', () => {
  it('all exist in the repository', () => {
    const files = [...tracked].filter((f) => TEXT.test(f) && !FROZEN.test(f) && f !== SELF && !f.startsWith('test/fixtures/') && existsSync(path.join(ROOT, f)));
    expect(files.length).toBeGreaterThan(100);
    const broken = files.flatMap((f) => brokenReferences(f, readFileSync(path.join(ROOT, f), 'utf8'), ROOT, tracked));
    expect(broken).toEqual([]);
  });

  it.each([
    ['a document kept outside the repository', 'see CONTRACT.md §4', ['CONTRACT.md']],
    ['a relative link to a missing file', 'the [table](missing-table.md)', ['missing-table.md', 'missing-table.md']],
    ['a docs/ path that does not exist', 'described in docs/nowhere.md', ['docs/nowhere.md']],
    ['the repository\'s own contract', 'see docs/contract.md §4 and [routing](docs/routing.md)', []],
    ['a web link', 'see [RFC 9110](https://www.rfc-editor.org/rfc/rfc9110)', []],
  ])('%s', (_name, text, cited) => {
    expect(brokenReferences('README.md', text, ROOT, tracked).map((b) => b.cited)).toEqual(cited);
  });
});
