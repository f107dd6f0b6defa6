/**
 * The architecture STYLE.md asks for, checked on every run: infrastructure libraries only in the adapter
 * folders, domain code that never reaches into adapters (type-only imports of their interfaces aside),
 * no import cycles, and an error catalogue where every code is documented.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ERRORS } from '../../src/shared/errors';

const SRC = path.join(__dirname, '..', '..', 'src');
const INFRA = ['express', 'amqplib', 'pg', '@electric-sql/pglite', 'node-cron'];
const ADAPTERS = ['web', 'bus', 'store', 'scheduler'];
/** Composition roots: they build the graph, so they may name every part. */
const COMPOSITION = ['main.ts'];
const isComposition = (r: string) => COMPOSITION.includes(r) || r.startsWith('app/');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? files(full) : f.endsWith('.ts') ? [full] : [];
  });
}

interface Import { spec: string; typeOnly: boolean }

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[3], typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1], typeOnly: false });
  return out;
}

const all = files(SRC);
const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');
const top = (f: string) => rel(f).split('/')[0];

function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, 'index.ts')]) if (all.includes(c)) return c;
  return undefined;
}

describe('architecture', () => {
  it('imports express, amqplib, pg, PGlite and node-cron only in web/, bus/, store/, scheduler/ and main.ts', () => {
    const leaks = all.filter((f) => !ADAPTERS.includes(top(f)) && rel(f) !== 'main.ts')
      .flatMap((f) => importsOf(f).filter((i) => !i.typeOnly && INFRA.includes(i.spec)).map((i) => `${rel(f)} imports ${i.spec}`));
    expect(leaks).toEqual([]);
  });

  it('keeps domain code out of the adapters (type-only imports of their interfaces aside)', () => {
    const leaks = all.filter((f) => !ADAPTERS.includes(top(f)) && !isComposition(rel(f)))
      .flatMap((f) => importsOf(f).map((i) => ({ i, target: resolve(f, i.spec) }))
        .filter(({ i, target }) => target && ADAPTERS.includes(top(target)) && !i.typeOnly)
        .map(({ target }) => `${rel(f)} imports ${rel(target!)}`));
    expect(leaks).toEqual([]);
  });

  it('has no import cycles', () => {
    const graph = new Map(all.map((f) => [f, importsOf(f).filter((i) => !i.typeOnly).map((i) => resolve(f, i.spec)).filter((t): t is string => Boolean(t))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].map(rel).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of all) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('documents every error code, in the catalogue and in the README', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[A-Z]{3,4}_[A-Z_]+$/);
      expect(e.doc.length).toBeGreaterThan(10);
      expect(readme).toContain(`\`${code}\``);
    }
  });

  it('throws only catalogue errors from domain code', () => {
    const offenders = all.filter((f) => !ADAPTERS.includes(top(f)) && !isComposition(rel(f)))
      .filter((f) => /throw new (Error|TypeError|RangeError)\(/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(offenders).toEqual([]);
  });
});
