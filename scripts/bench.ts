/**
 * `npm run bench`: runs every benchmark section of the project and prints one summary table.
 *
 * Sections live in modules `scripts/bench/*.ts` that export `sections: BenchSection[]` (scripts/bench/types.ts):
 * adding a file adds its sections, nothing here changes. Helpers shared by sections live in scripts/bench/lib/.
 *
 * Options: --only a,b (section names), --database-url URL (default: the local test PostgreSQL when reachable),
 * --amqp-url URL (default: the local RabbitMQ when reachable), --json out.json, --strict (exit 1 on a missed target).
 * Section-specific options are read by the sections themselves (e.g. --e2e-count N).
 */
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { colour } from './lib/cli';
import { benchFlags } from './bench/lib/flags';
import type { BenchContext, BenchRow, BenchSection } from './bench/types';

const BENCH_DIR = path.join(__dirname, 'bench');
const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/test';
const LOCAL_AMQP = 'amqp://guest:guest@127.0.0.1:5672';

interface SectionRow extends BenchRow {
  section: string;
}

async function discoverSections(): Promise<Array<{ module: string; section: BenchSection }>> {
  const files = readdirSync(BENCH_DIR).filter((f) => /^[a-z0-9-]+\.ts$/.test(f) && f !== 'types.ts').sort();
  const found: Array<{ module: string; section: BenchSection }> = [];
  for (const file of files) {
    const mod = (await import(path.join(BENCH_DIR, file))) as { sections?: unknown };
    if (!Array.isArray(mod.sections)) continue; // a helper module, not a benchmark
    for (const s of mod.sections as BenchSection[]) found.push({ module: file, section: s });
  }
  return found;
}

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) });
    s.setTimeout(2000, () => { s.destroy(); resolve(false); });
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

function progress(label: string, done: number, total: number): void {
  if (process.stderr.isTTY) process.stderr.write(`\r  ${label}: ${done}/${total}${' '.repeat(10)}${done >= total ? '\n' : ''}`);
  else if (done >= total) process.stderr.write(`  ${label}: ${done}/${total}\n`);
}


function formatFigure(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return v.toLocaleString('en-GB');
  return v.toLocaleString('en-GB', { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 1 });
}

function printTable(rows: SectionRow[]): void {
  const table = rows.map((r) => ({
    section: r.section, benchmark: r.benchmark,
    figures: Object.entries(r.figures).map(([k, v]) => `${k} ${formatFigure(v)}`).join(', '),
    target: r.target ?? '', status: r.met === undefined ? '' : r.met ? 'met' : 'MISSED',
  }));
  const cols = ['section', 'benchmark', 'figures', 'target', 'status'] as const;
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...table.map((t) => t[c].length))])) as Record<(typeof cols)[number], number>;
  const line = (t: Record<(typeof cols)[number], string>, paint = false) => cols.map((c) => {
    const cell = t[c].padEnd(width[c]);
    if (!paint || c !== 'status' || !t.status) return cell;
    return t.status === 'met' ? colour.green(cell) : colour.red(cell);
  }).join('  ');
  console.log(line(Object.fromEntries(cols.map((c) => [c, c])) as Record<(typeof cols)[number], string>));
  console.log(cols.map((c) => '-'.repeat(width[c])).join('  '));
  for (const t of table) console.log(line(t, true));
}

async function main(): Promise<void> {
  const flags = benchFlags();
  const only = typeof flags.only === 'string' ? new Set(flags.only.split(',').map((s) => s.trim())) : undefined;
  const databaseUrl = typeof flags['database-url'] === 'string' ? flags['database-url'] : (await reachable(LOCAL_PG, 5432)) ? LOCAL_PG : undefined;
  const amqpUrl = typeof flags['amqp-url'] === 'string' ? flags['amqp-url'] : (await reachable(LOCAL_AMQP, 5672)) ? LOCAL_AMQP : undefined;
  const ctx: BenchContext = { databaseUrl, amqpUrl, progress };
  const all = await discoverSections();
  if (only) {
    const unknown = [...only].filter((n) => !all.some((s) => s.section.name === n));
    if (unknown.length) throw new Error(`no section named ${unknown.join(', ')} (known: ${all.map((s) => s.section.name).join(', ')})`);
  }
  const chosen = all.filter((s) => !only || only.has(s.section.name));
  console.log(`Node ${process.version}, ${os.cpus().length} cores, PostgreSQL: ${databaseUrl ? 'yes' : 'no (PGlite only)'}, RabbitMQ: ${amqpUrl ? 'yes' : 'no'}`);
  console.log(`Sections: ${chosen.map((s) => `${s.section.name} (${s.module})`).join(', ')}`);
  const rows: SectionRow[] = [];
  const startedAt = new Date();
  for (const { section } of chosen) {
    console.log(`\n[${section.name}]`);
    try {
      for (const r of await section.run(ctx)) {
        rows.push({ section: section.name, ...r });
        // Each row as soon as it is known: a long run shows its figures before the summary.
        const figures = Object.entries(r.figures).map(([k, v]) => `${k} ${formatFigure(v)}`).join(', ');
        console.log(`  ${r.benchmark}: ${figures}${r.met === undefined ? '' : r.met ? ` (${r.target}: met)` : ` (${r.target}: MISSED)`}`);
      }
    } catch (e) {
      console.error(`  ${section.name} failed: ${(e as Error).stack ?? e}`);
      rows.push({ section: section.name, benchmark: 'section failed', figures: { error: (e as Error).message }, met: false });
      process.exitCode = 1;
    }
  }
  console.log('\nSummary');
  printTable(rows);
  if (typeof flags.json === 'string') {
    await writeFile(flags.json, `${JSON.stringify({ startedAt, node: process.version, cores: os.cpus().length, databaseUrl: Boolean(databaseUrl), amqpUrl: Boolean(amqpUrl), rows }, null, 2)}\n`);
    console.log(`\nWritten ${flags.json}`);
  }
  if (flags.strict === true && rows.some((r) => r.met === false)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
