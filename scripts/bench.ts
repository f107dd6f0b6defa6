/**
 * `npm run bench`: in-process micro-benchmarks. Each section measures one thing and returns result rows; the
 * summary table prints them all. Add a benchmark by appending to `sections`.
 *
 * Options: --count N (envelopes in the generated mix, default 10000), --passes N (default 3), --only <name>.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Envelope } from '../src/intake/envelope';
import { loadRoutingConfig } from '../src/routing/config-files';
import { evaluate, routeEnvelope } from '../src/routing/evaluate';
import { extractFacts, type RoutingFacts } from '../src/routing/facts';
import { generateEnvelopes, isMalformed } from '../src/simulation/synthetic';

interface ResultRow {
  benchmark: string;
  samples: number;
  'median µs': number;
  'p90 µs': number;
  'p99 µs': number;
  'throughput /s': number;
  target?: string;
}

interface Section {
  name: string;
  run: (args: BenchArgs) => ResultRow[] | Promise<ResultRow[]>;
}

interface BenchArgs {
  count: number;
  passes: number;
}

const CONFIG_DIR = path.resolve(__dirname, '../config');

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** Times `fn` once per item, `passes` times over the items, with a progress line on stderr. */
function measure<T>(label: string, items: readonly T[], passes: number, fn: (item: T) => unknown): ResultRow {
  const samples = new Float64Array(items.length * passes);
  let k = 0;
  let sink = 0; // keeps results alive so the work cannot be optimised away
  // Redraw the progress line in a terminal; in a log (CI) only the final line is written.
  const live = process.stderr.isTTY === true;
  const started = performance.now();
  for (let p = 0; p < passes; p += 1) {
    for (let i = 0; i < items.length; i += 1) {
      const t0 = process.hrtime.bigint();
      const out = fn(items[i]);
      samples[k] = Number(process.hrtime.bigint() - t0) / 1000;
      k += 1;
      if (out !== undefined) sink += 1;
      if (live && k % 2000 === 0) process.stderr.write(`\r  ${label}: ${k}/${samples.length}`);
    }
  }
  const elapsedMs = performance.now() - started;
  process.stderr.write(`${live ? '\r' : ''}  ${label}: ${k}/${samples.length} done in ${Math.round(elapsedMs)} ms${' '.repeat(10)}\n`);
  samples.sort();
  if (sink !== samples.length) throw new Error('a benchmarked call returned nothing');
  return {
    benchmark: label,
    samples: samples.length,
    'median µs': round(quantile(samples, 0.5)),
    'p90 µs': round(quantile(samples, 0.9)),
    'p99 µs': round(quantile(samples, 0.99)),
    'throughput /s': Math.round(samples.length / (elapsedMs / 1000)),
  };
}

const routingSection: Section = {
  name: 'routing',
  run: ({ count, passes }) => {
    const { directory, ruleTable } = loadRoutingConfig(CONFIG_DIR);
    const envelopes = generateEnvelopes({ count, seed: 'bench', from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z', configDir: CONFIG_DIR })
      .filter((i): i is Envelope => !isMalformed(i));
    // Later SEDs of a case carry the case route, as in production (AFFINITY short-circuits them).
    const caseRoutes = new Map<string, string>();
    const withRoutes = envelopes.map((envelope) => {
      const caseRoute = caseRoutes.get(envelope.caseId) ?? null;
      const { decision } = routeEnvelope(envelope, { directory, ruleTable, caseRoute });
      if (decision.institutionId !== null && !caseRoutes.has(envelope.caseId)) caseRoutes.set(envelope.caseId, decision.institutionId);
      return { envelope, caseRoute };
    });
    const facts: RoutingFacts[] = withRoutes.map(({ envelope, caseRoute }) => extractFacts(envelope, directory, caseRoute));
    // Warm-up: let the JIT settle before anything is timed.
    for (let i = 0; i < 3; i += 1) withRoutes.forEach(({ envelope, caseRoute }) => routeEnvelope(envelope, { directory, ruleTable, caseRoute }));
    const route = measure('route one envelope (facts + evaluate)', withRoutes, passes, ({ envelope, caseRoute }) => routeEnvelope(envelope, { directory, ruleTable, caseRoute }));
    route.target = route['median µs'] < 50 ? 'median < 50 µs: met' : 'median < 50 µs: MISSED';
    return [
      route,
      measure('extract facts only', withRoutes, passes, ({ envelope, caseRoute }) => extractFacts(envelope, directory, caseRoute)),
      measure('evaluate rules only', facts, passes, (f) => evaluate(f, ruleTable, directory)),
    ];
  },
};

/** Times an async step per item, one at a time (the latency one envelope sees), with a progress line. */
async function measureAsync<T>(label: string, items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<ResultRow> {
  const samples = new Float64Array(items.length);
  const started = performance.now();
  for (let i = 0; i < items.length; i += 1) {
    const t0 = process.hrtime.bigint();
    await fn(items[i]);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    if (process.stderr.isTTY && i % 100 === 0) process.stderr.write(`\r  ${label}: ${i}/${items.length}`);
  }
  const elapsedMs = performance.now() - started;
  process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}  ${label}: ${items.length}/${items.length} done in ${Math.round(elapsedMs)} ms${' '.repeat(10)}\n`);
  samples.sort();
  return {
    benchmark: label, samples: items.length, 'median µs': round(quantile(samples, 0.5)), 'p90 µs': round(quantile(samples, 0.9)),
    'p99 µs': round(quantile(samples, 0.99)), 'throughput /s': Math.round(items.length / (elapsedMs / 1000)),
  };
}

/** Intake (validate + store + queue) and the routing stage (claim, route, record, outbox) on a real database. */
const pipelineSection: Section = {
  name: 'pipeline',
  run: async ({ count }) => {
    const n = Math.min(count, 2000);
    const { loadConfig } = await import('../src/config/env');
    const { startService } = await import('../src/app/service');
    const { silentLogger } = await import('../src/shared/logger');
    const { openDatabase } = await import('../src/store/database');
    const databaseUrl = argValue('database-url');
    let url: string | undefined;
    if (databaseUrl) {
      // A schema of its own, dropped and made anew: the benchmark never touches the service's tables.
      const admin = await openDatabase({ databaseUrl });
      await admin.exec('DROP SCHEMA IF EXISTS liaison_bench CASCADE; CREATE SCHEMA liaison_bench');
      await admin.close();
      const u = new URL(databaseUrl);
      u.searchParams.set('options', '-c search_path=liaison_bench');
      url = u.toString();
    }
    const db = await openDatabase(url ? { databaseUrl: url } : {});
    const svc = await startService(loadConfig({ CONFIG_DIR }), { db, logger: silentLogger(), listen: false, workers: false });
    const where = databaseUrl ? 'PostgreSQL' : 'PGlite in memory';
    try {
      const bodies = generateEnvelopes({ count: n, seed: 'bench-pipeline', from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z', configDir: CONFIG_DIR })
        .filter((i): i is Envelope => !isMalformed(i)).map((e) => Buffer.from(JSON.stringify(e)));
      const intake = await measureAsync(`intake: validate + store one envelope (${where})`, bodies, (b) => svc.intake.receive(b, 'http'));
      const steps = bodies.map((_, i) => i);
      const routing = await measureAsync(`routing stage: one envelope in one transaction (${where})`, steps, () => svc.routingWorker.drain(1));
      return [intake, routing];
    } finally {
      await svc.stop();
      await db.close();
    }
  },
};

/** Every benchmark of the project; append new sections here. */
const sections: Section[] = [routingSection, pipelineSection];

async function main(): Promise<void> {
  const args: BenchArgs = { count: Number(argValue('count') ?? 10_000), passes: Number(argValue('passes') ?? 3) };
  const only = argValue('only');
  const rows: ResultRow[] = [];
  console.log(`Node ${process.version}, ${args.count} generated envelopes × ${args.passes} passes`);
  for (const section of sections.filter((s) => only === undefined || s.name === only)) {
    console.log(`\n[${section.name}]`);
    rows.push(...(await section.run(args)));
  }
  console.log('\nSummary');
  console.table(rows);
  if (rows.some((r) => r.target?.endsWith('MISSED'))) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
