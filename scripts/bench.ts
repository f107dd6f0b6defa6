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
  run: (args: BenchArgs) => ResultRow[];
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

/** Every benchmark of the project; append new sections here. */
const sections: Section[] = [routingSection];

function main(): void {
  const args: BenchArgs = { count: Number(argValue('count') ?? 10_000), passes: Number(argValue('passes') ?? 3) };
  const only = argValue('only');
  const rows: ResultRow[] = [];
  console.log(`Node ${process.version}, ${args.count} generated envelopes × ${args.passes} passes`);
  for (const section of sections.filter((s) => only === undefined || s.name === only)) {
    console.log(`\n[${section.name}]`);
    rows.push(...section.run(args));
  }
  console.log('\nSummary');
  console.table(rows);
  if (rows.some((r) => r.target?.endsWith('MISSED'))) process.exitCode = 1;
}

main();
