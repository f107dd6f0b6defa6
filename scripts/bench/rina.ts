/**
 * `npm run bench -- --only rina`: SEDs in from RINA against the CPI simulator (scripts/rina-sim/), on PostgreSQL when
 * the bench has one (else PGlite). Document events are pushed to POST /api/rina/events at a steady rate (50/s by
 * default, `--rina-rate`; `--rina-count` events, default 500) by an in-process simulator acting as RINA's National
 * Interface Endpoint; the service (listening, workers on) stores each, reads case and document through the CPI,
 * takes the envelope in, routes it, and carries its forward out in RINA with an X007 (the forward-out half).
 *
 * Figures: the event's acknowledgement (HTTP 202), event pushed → envelope routed (decision made) and event pushed →
 * X007 sent (forwarded cases), p50/p99, and the throughput of each over the run. Target (#19): keeps up with 50/s
 * (throughput within 10 % of the rate) with event → X007 sent p99 under 5 s.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/env';
import { startService } from '../../src/app/service';
import { loadDirectoryFromConfig, loadRuleTableFromConfig } from '../../src/routing/config-files';
import { silentLogger } from '../../src/shared/logger';
import { openDatabase } from '../../src/store/database';
import { RinaSimulator } from '../rina-sim/server';
import { documentEvent, type SimCase } from '../rina-sim/sim-cases';
import type { BenchContext, BenchRow, BenchSection } from './types';
import { benchSchemaUrl, dropBenchSchema } from './lib/service-process';

const TOKEN = 'bench-bootstrap-token-0123456789';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
}

function quantiles(ms: number[]): { p50: number; p99: number } {
  if (ms.length === 0) return { p50: NaN, p99: NaN };
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Number(s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1));
  return { p50: at(0.5), p99: at(0.99) };
}

/** Pushes every case's event at `rate` per second; answers when each was pushed and how long its 202 took. */
async function pushAtRate(base: string, cases: SimCase[], rate: number, ctx: BenchContext): Promise<{ pushedAt: Map<string, number>; ackMs: number[] }> {
  const pushedAt = new Map<string, number>();
  const ackMs: number[] = [];
  const start = performance.now();
  let done = 0;
  await Promise.all(cases.map(async (c, i) => {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = Date.now();
    const p0 = performance.now();
    const res = await fetch(`${base}/api/rina/events`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(documentEvent(c, c.documents.find((d) => d.direction === 'IN')!, 'RECEIVE_DOCUMENT')),
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`event of case ${c.id}: HTTP ${res.status}`);
    ackMs.push(performance.now() - p0);
    pushedAt.set(c.id, t0);
    ctx.progress('rina: events pushed', ++done, cases.length);
  }));
  return { pushedAt, ackMs };
}

// long-function: one measured run, set up, driven and torn down in order
async function measure(driver: string, databaseUrl: string | undefined, ctx: BenchContext): Promise<BenchRow[]> {
  const count = flag('rina-count', 500);
  const rate = flag('rina-rate', 50);
  const sim = new RinaSimulator({ seed: 'bench-rina' });
  const rinaUrl = await sim.start();
  const schema = databaseUrl ? await benchSchemaUrl(databaseUrl, 'rina') : undefined;
  const db = await openDatabase({ databaseUrl: schema?.url });
  const svc = await startService(loadConfig({
    BOOTSTRAP_TOKEN: TOKEN, PORT: '0', RINA_URL: rinaUrl, RINA_USER: sim.user, RINA_PASSWORD: sim.password, WORKER_POLL_MS: '50',
  }), { db, logger: silentLogger() });
  try {
    await svc.routingConfig.seed({ directory: loadDirectoryFromConfig('config'), ruleTable: loadRuleTableFromConfig('config') });
    const cases = Array.from({ length: count }, () => sim.addCase());
    const base = `http://127.0.0.1:${(svc.server!.address() as AddressInfo).port}`;
    const started = Date.now();
    const { pushedAt, ackMs } = await pushAtRate(base, cases, rate, ctx);
    // Wait until every event is routed and every forward's X007 is sent (or two minutes pass).
    const deadline = Date.now() + 120_000;
    let routed: Array<{ case_id: string; at: Date }> = [];
    let forwards = 0;
    for (;;) {
      routed = await db.query<{ case_id: string; at: Date }>('SELECT case_id, min(decided_at) AS at FROM decisions GROUP BY case_id');
      [{ n: forwards }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM forwards');
      const sent = sim.x007s.filter((x) => x.status === 'sent').length;
      ctx.progress('rina: routed', routed.length, count);
      if ((routed.length >= count && sent >= forwards) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const routedMs = routed.filter((r) => pushedAt.has(r.case_id)).map((r) => new Date(r.at).getTime() - pushedAt.get(r.case_id)!);
    const sent = sim.x007s.filter((x) => x.status === 'sent' && x.sentAt);
    const sentMs = sent.map((x) => Date.parse(x.sentAt!) - pushedAt.get(x.caseId)!);
    const lastRouted = Math.max(...routed.map((r) => new Date(r.at).getTime()));
    const lastSent = sent.length ? Math.max(...sent.map((x) => Date.parse(x.sentAt!))) : NaN;
    const ack = quantiles(ackMs);
    const r = quantiles(routedMs);
    const x = quantiles(sentMs);
    const routedRate = Number((routed.length / ((lastRouted - started) / 1000)).toFixed(1));
    const sentRate = sent.length ? Number((sent.length / ((lastSent - started) / 1000)).toFixed(1)) : 0;
    return [
      { benchmark: `RINA event acknowledged (202), ${rate}/s, ${driver}`, figures: { events: count, 'p50 ms': ack.p50, 'p99 ms': ack.p99 } },
      {
        benchmark: `RINA event → envelope routed, ${rate}/s, ${driver}`, figures: { routed: routed.length, 'per s': routedRate, 'p50 ms': r.p50, 'p99 ms': r.p99 },
        target: `all routed, ≥ ${Math.round(rate * 0.9)}/s`, met: routed.length === count && routedRate >= rate * 0.9,
      },
      {
        benchmark: `RINA event → X007 sent (forwarded cases), ${rate}/s, ${driver}`, figures: { sent: sent.length, forwards, 'per s': sentRate, 'p50 ms': x.p50, 'p99 ms': x.p99 },
        target: 'one X007 per forward, p99 < 5 s', met: sent.length === forwards && x.p99 < 5000,
      },
    ];
  } finally {
    await svc.stop();
    await db.close();
    if (schema && databaseUrl) await dropBenchSchema(databaseUrl, schema.schema);
    await sim.stop();
  }
}

export const sections: BenchSection[] = [{
  name: 'rina',
  async run(ctx) {
    return ctx.databaseUrl ? measure('PostgreSQL', ctx.databaseUrl, ctx) : measure('PGlite', undefined, ctx);
  },
}];
