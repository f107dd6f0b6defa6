/** The folder table of docs/architecture.md names every folder of src/, so a newcomer finds the owner of each concern. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const doc = readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
const start = doc.indexOf('| folder | what |');
const table = doc.slice(start, doc.indexOf('\n\n', start));

describe('the folder table of docs/architecture.md', () => {
  it('has a row for every folder of src/', () => {
    const folders = readdirSync(path.join(ROOT, 'src')).filter((f) => statSync(path.join(ROOT, 'src', f)).isDirectory());
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.filter((f) => !table.includes(`| \`src/${f}\` |`))).toEqual([]);
  });

  it('names files that exist in the folder they are listed under', () => {
    const rows = table.split('\n').filter((l) => l.startsWith('| `src/'));
    const missing = rows.flatMap((row) => {
      const folder = /^\| `(src\/[a-z-]+)`/.exec(row)?.[1];
      if (!folder || !statSync(path.join(ROOT, folder), { throwIfNoEntry: false })?.isDirectory()) return [];
      const start = row.split('|')[3] ?? '';
      return [...start.matchAll(/`([a-z-]+\.ts)`/g)].map((m) => m[1]).filter((f) => !statSync(path.join(ROOT, folder, f), { throwIfNoEntry: false })).map((f) => `${folder}/${f}`);
    });
    expect(missing).toEqual([]);
  });
});
