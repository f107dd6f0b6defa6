/**
 * In-process micro-benchmarks: the router alone (facts + rules, no I/O), then intake and the routing stage on a
 * real database without a broker (PGlite in memory, and PostgreSQL when there is one).
 * Options: --micro-count N (generated envelopes, default 10000), --micro-passes N (default 3).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startService } from '../../src/app/service';
import { loadConfig } from '../../src/config/env';
import type { Envelope } from '../../src/intake/envelope';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { evaluate, routeEnvelope } from '../../src/routing/evaluate';
import { extractFacts } from '../../src/routing/facts';
import { silentLogger } from '../../src/shared/logger';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import { openDatabase } from '../../src/store/database';
import { intFlag } from './lib/flags';
import { timeEach } from './lib/measure';
import { benchSchemaUrl, dropBenchSchema } from './lib/service-process';
import type { BenchContext, BenchRow, BenchSection } from './types';

const CONFIG_DIR = path.resolve(__dirname, '../../config');

const figures = (t: ReturnType<typeof timeEach>) => ({ samples: t.samples, 'median µs': t.medianUs, 'p90 µs': t.p90Us, 'p99 µs': t.p99Us, 'per s': t.perSecond });

const routing: BenchSection = {
  name: 'routing',
  async run(ctx) {
    const count = intFlag('micro-count', 10_000);
    const passes = intFlag('micro-passes', 3);
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
    const facts = withRoutes.map(({ envelope, caseRoute }) => extractFacts(envelope, directory, caseRoute));
    for (let i = 0; i < 3; i += 1) withRoutes.forEach(({ envelope, caseRoute }) => routeEnvelope(envelope, { directory, ruleTable, caseRoute })); // JIT warm-up
    const route = timeEach(withRoutes, passes, ({ envelope, caseRoute }) => routeEnvelope(envelope, { directory, ruleTable, caseRoute }), (d, t) => ctx.progress('route one envelope', d, t));
    return [
      { benchmark: 'route one envelope in process (facts + rules)', figures: figures(route), target: 'median < 50 µs', met: route.medianUs < 50 },
      { benchmark: 'extract facts only', figures: figures(timeEach(withRoutes, passes, ({ envelope, caseRoute }) => extractFacts(envelope, directory, caseRoute))) },
      { benchmark: 'evaluate rules only', figures: figures(timeEach(facts, passes, (f) => evaluate(f, ruleTable, directory))) },
    ];
  },
};

async function pipelineOn(ctx: BenchContext, databaseUrl: string | undefined, n: number): Promise<BenchRow[]> {
  const url = databaseUrl ? await benchSchemaUrl(databaseUrl, 'micro') : undefined;
  const db = await openDatabase(url ? { databaseUrl: url.url } : {});
  const where = databaseUrl ? 'PostgreSQL' : 'PGlite in memory';
  const svc = await startService(loadConfig({ CONFIG_DIR }), { db, logger: silentLogger(), listen: false, workers: false });
  try {
    const bodies = generateEnvelopes({ count: n, seed: 'bench-pipeline', from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z', configDir: CONFIG_DIR })
      .filter((i): i is Envelope => !isMalformed(i)).map((e) => Buffer.from(JSON.stringify(e)));
    const t0 = performance.now();
    for (const [i, b] of bodies.entries()) {
      await svc.intake.receive(b, 'http');
      if (i % 200 === 0) ctx.progress(`intake (${where})`, i, bodies.length);
    }
    ctx.progress(`intake (${where})`, bodies.length, bodies.length);
    const intakeS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const batches = await svc.routingWorker.drain();
    const routingS = (performance.now() - t1) / 1000;
    return [
      { benchmark: `intake: validate + store, one envelope per transaction (${where})`, figures: { envelopes: bodies.length, 'mean ms': Math.round((1000 * intakeS * 100) / bodies.length) / 100, 'per s': Math.round(bodies.length / intakeS) } },
      { benchmark: `routing stage: batches of ${200} (${where})`, figures: { envelopes: bodies.length, batches, 'per s': Math.round(bodies.length / routingS) } },
    ];
  } finally {
    await svc.stop();
    await db.close();
    if (url) await dropBenchSchema(databaseUrl as string, url.schema);
  }
}

const pipeline: BenchSection = {
  name: 'pipeline',
  async run(ctx) {
    const n = Math.min(intFlag('micro-count', 10_000), 5000);
    const rows = await pipelineOn(ctx, undefined, n);
    if (ctx.databaseUrl) rows.push(...(await pipelineOn(ctx, ctx.databaseUrl, n)));
    return rows;
  },
};

export const sections: BenchSection[] = [routing, pipeline];
