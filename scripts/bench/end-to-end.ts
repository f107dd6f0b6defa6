/**
 * The whole service measured from outside, in one run, on the same envelope bodies (the annex-2 mix):
 *  - broker: raw RabbitMQ pass-through, publish with confirms to a quorum queue + consume with acks;
 *  - e2e: envelopes/s from `liaison.intake` to the institution queues, the service started as in production
 *    (a child process, PostgreSQL, then PGlite on disk), its RSS, and the ratio to the raw broker;
 *  - latency: publish → forward received at a fixed offered load (p50, p99), on PostgreSQL.
 * The forwards expected are predicted by the simulator (the same decideForCase as production); the run ends when
 * they have all arrived, and a difference is reported.
 * Options: --e2e-count N (default 10000), --latency-rate N per s (default 200), --latency-seconds N (default 15).
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Envelope } from '../../src/intake/envelope';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { routeTraffic } from '../../src/simulation/route-traffic';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import type { TopologyNames } from '../../src/bus/topology';
import { institutionQueueName } from '../../src/bus/topology';
import { openDatabase } from '../../src/store/database';
import { brokerPid, CpuMeter, processCpuMs, type CpuSample } from './lib/cpu';
import { intFlag } from './lib/flags';
import { quantile, round } from './lib/measure';
import { benchNames, benchSchemaUrl, deleteTopology, dropBenchSchema, startServiceProcess, type ServiceProcess } from './lib/service-process';
import type { BenchContext, BenchRow, BenchSection } from './types';

const CONFIG_DIR = path.resolve(__dirname, '../../config');
const PUBLISH_WINDOW = 1000;
const { directory, ruleTable } = loadRoutingConfig(CONFIG_DIR);
const FRENCH_IDS = directory.institutions.map((i) => i.id).filter((id) => id.startsWith('FR:'));

function envelopes(count: number, seed: string): Envelope[] {
  return generateEnvelopes({ count, seed, from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z', configDir: CONFIG_DIR })
    .filter((i): i is Envelope => !isMalformed(i));
}

/** How many of `batch` the pipeline forwards, after `before` went through (the same pure rules as production). */
function predictedForwards(before: Envelope[], batch: Envelope[]): number {
  const ids = new Set(batch.map((e) => e.envelopeId));
  let n = 0;
  routeTraffic([...before, ...batch], { directory, ruleTable, onDecision: (e, _f, d) => { if (ids.has(e.envelopeId) && d.outcome === 'forward') n += 1; } });
  return n;
}

/** Publishes with confirms, at most `window` unconfirmed at a time; resolves when all are confirmed. */
async function publishAll(conn: ChannelModel, queue: string, bodies: Buffer[], window = PUBLISH_WINDOW, onProgress?: (n: number) => void): Promise<void> {
  const ch = await conn.createConfirmChannel();
  let inflight = 0;
  let wake: (() => void) | undefined;
  let failed: Error | undefined;
  for (const [i, body] of bodies.entries()) {
    while (inflight >= window) await new Promise<void>((r) => { wake = r; });
    if (failed) throw failed;
    inflight += 1;
    ch.sendToQueue(queue, body, { persistent: true, contentType: 'application/json', messageId: `m${i}` }, (err) => {
      if (err) failed = err instanceof Error ? err : new Error(String(err));
      inflight -= 1;
      wake?.();
    });
    if (i % 1000 === 0) onProgress?.(i);
  }
  await ch.waitForConfirms();
  await ch.close();
  if (failed) throw failed;
}

interface Received { envelopeId: string; at: number }

/** Consumes the institution queues (acking each), calling back for every forward. */
async function consumeForwards(conn: ChannelModel, names: TopologyNames, onForward: (r: Received) => void): Promise<() => Promise<void>> {
  const ch = await conn.createChannel();
  await ch.prefetch(1000);
  const deadline = Date.now() + 60_000;
  // The service declares the institutions' queues once connected: wait for the last one.
  for (;;) {
    const probe = await conn.createChannel();
    probe.on('error', () => undefined);
    const ok = await probe.checkQueue(institutionQueueName(names, FRENCH_IDS[FRENCH_IDS.length - 1])).then(() => true, () => false);
    if (ok) await probe.close();
    if (ok) break;
    if (Date.now() > deadline) throw new Error('the service did not declare the institution queues within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  const onMessage = (m: ConsumeMessage | null) => {
    if (!m) return;
    const body = JSON.parse(m.content.toString()) as { envelopeId: string };
    ch.ack(m);
    onForward({ envelopeId: body.envelopeId, at: performance.now() });
  };
  for (const id of FRENCH_IDS) await ch.consume(institutionQueueName(names, id), onMessage);
  return () => ch.close();
}

/** Waits until `count()` reaches `expected`, or nothing new arrived for `idleMs`. */
async function waitForCount(count: () => number, expected: number, idleMs: number, onProgress?: (n: number) => void): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  while (count() < expected) {
    const n = count();
    if (n !== last) {
      last = n;
      lastChange = Date.now();
      onProgress?.(n);
    } else if (Date.now() - lastChange > idleMs) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

let rawResult: Promise<BenchRow> | undefined;

/** (a) RabbitMQ alone: the same bodies through one quorum queue, confirms on, acks on. */
function rawBroker(ctx: BenchContext): Promise<BenchRow> {
  rawResult ??= (async () => {
    const count = intFlag('e2e-count', 10_000);
    const bodies = envelopes(count, 'bench-e2e').map((e) => Buffer.from(JSON.stringify(e)));
    const conn = await connect(ctx.amqpUrl as string);
    const queue = `bench-raw-${process.pid}-${Date.now()}`;
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await ch.prefetch(200);
      let received = 0;
      let lastAt = 0;
      await ch.consume(queue, (m) => {
        if (!m) return;
        ch.ack(m);
        received += 1;
        lastAt = performance.now();
      });
      const broker = brokerPid();
      const brokerCpu0 = broker ? processCpuMs(broker) : 0;
      const t0 = performance.now();
      await publishAll(conn, queue, bodies, PUBLISH_WINDOW, (n) => ctx.progress('raw broker: published', n, bodies.length));
      await waitForCount(() => received, bodies.length, 10_000, (n) => ctx.progress('raw broker: consumed', n, bodies.length));
      ctx.progress('raw broker: consumed', received, bodies.length);
      const brokerMs = broker ? processCpuMs(broker) - brokerCpu0 : NaN;
      await ch.deleteQueue(queue);
      await ch.close();
      const perSecond = Math.round(received / ((lastAt - t0) / 1000));
      return { benchmark: '(a) raw broker: publish with confirms to a quorum queue + consume with acks', figures: { messages: received, 'per s': perSecond, 'RabbitMQ CPU ms/msg': round(brokerMs / received, 3) } };
    } finally {
      await conn.close();
    }
  })();
  return rawResult;
}

let fanResult: Promise<BenchRow> | undefined;

/**
 * (a2) The same bodies published round-robin to as many quorum queues as there are French institutions (the
 * service's forward topology), through a direct exchange with mandatory publishes: what the broker itself pays
 * for spreading messages over many quorum queues (each queue batches its own writes), for reading (e).
 */
function rawFanOut(ctx: BenchContext): Promise<BenchRow> {
  fanResult ??= (async () => {
    const count = Math.min(intFlag('e2e-count', 10_000), 5_000);
    const bodies = envelopes(count, 'bench-e2e').map((e) => Buffer.from(JSON.stringify(e)));
    const conn = await connect(ctx.amqpUrl as string);
    const prefix = `bench-fan-${process.pid}-${Date.now()}`;
    const queues = FRENCH_IDS.map((_, i) => `${prefix}.q${i}`);
    try {
      const ch = await conn.createConfirmChannel();
      await ch.assertExchange(prefix, 'direct', { durable: true });
      for (const [i, q] of queues.entries()) {
        await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        await ch.bindQueue(q, prefix, String(i));
      }
      const consumer = await conn.createChannel();
      await consumer.prefetch(1000);
      let received = 0;
      for (const q of queues) await consumer.consume(q, (m) => { if (m) { consumer.ack(m); received += 1; } });
      const broker = brokerPid();
      const cpu0 = broker ? processCpuMs(broker) : 0;
      const t0 = performance.now();
      let inflight = 0;
      let wake: (() => void) | undefined;
      for (const [i, body] of bodies.entries()) {
        while (inflight >= PUBLISH_WINDOW) await new Promise<void>((r) => { wake = r; });
        inflight += 1;
        ch.publish(prefix, String(i % queues.length), body, { persistent: true, mandatory: true, contentType: 'application/json' }, () => { inflight -= 1; wake?.(); });
      }
      await ch.waitForConfirms();
      await waitForCount(() => received, bodies.length, 10_000, (n) => ctx.progress('raw broker, fanned out: consumed', n, bodies.length));
      const seconds = (performance.now() - t0) / 1000;
      const brokerMs = broker ? processCpuMs(broker) - cpu0 : NaN;
      await consumer.close();
      for (const q of queues) await ch.deleteQueue(q);
      await ch.deleteExchange(prefix);
      await ch.close();
      return {
        benchmark: `(a2) raw broker, the same bodies spread over ${queues.length} quorum queues (the institutions' topology)`,
        figures: { messages: received, 'per s': Math.round(received / seconds), 'RabbitMQ CPU ms/msg': round(brokerMs / received, 3) },
      };
    } finally {
      await conn.close();
    }
  })();
  return fanResult;
}

interface E2eRun {
  perSecond: number; received: number; expected: number; envelopes: number; maxRssMb: number; seconds: number;
  /** CPU ms per envelope of the measured stream, by party. */
  cpu: CpuSample;
}

/** (b) One service process; warm-up first, then the measured stream. */
async function endToEnd(ctx: BenchContext, databaseUrl: string | undefined, label: string): Promise<E2eRun> {
  const count = intFlag('e2e-count', 10_000);
  const warmup = envelopes(500, 'bench-e2e-warmup');
  const main = envelopes(count, 'bench-e2e');
  const names = benchNames(label);
  const schema = databaseUrl ? await benchSchemaUrl(databaseUrl, label) : undefined;
  const conn = await connect(ctx.amqpUrl as string);
  let svc: ServiceProcess | undefined;
  const admin = databaseUrl ? await openDatabase({ databaseUrl }) : undefined;
  try {
    svc = await startServiceProcess({ amqpUrl: ctx.amqpUrl as string, names, databaseUrl: schema?.url });
    const meter = new CpuMeter(svc.child.pid as number, admin, schema?.schema);
    const received: Received[] = [];
    const stopConsuming = await consumeForwards(conn, names, (r) => received.push(r));
    await publishAll(conn, names.intake, warmup.map((e) => Buffer.from(JSON.stringify(e))));
    const warmExpected = predictedForwards([], warmup);
    await waitForCount(() => received.length, warmExpected, 20_000, (n) => ctx.progress(`${label}: warm-up forwards`, n, warmExpected));
    const base = received.length;
    const expected = predictedForwards(warmup, main);
    let maxRssMb = svc.rssMb();
    const s = svc;
    const sampler = setInterval(() => {
      maxRssMb = Math.max(maxRssMb, s.rssMb());
      meter.sampleBackends().catch(() => undefined);
    }, 250);
    await meter.begin();
    const t0 = performance.now();
    await publishAll(conn, names.intake, main.map((e) => Buffer.from(JSON.stringify(e))));
    await waitForCount(() => received.length - base, expected, 30_000, (n) => ctx.progress(`${label}: forwards received`, n, expected));
    clearInterval(sampler);
    const used = await meter.take();
    const perEnvelope = (ms: number) => round(ms / main.length, 3);
    const cpu = { service: perEnvelope(used.service), database: perEnvelope(used.database), broker: perEnvelope(used.broker), client: perEnvelope(used.client) };
    const got = received.length - base;
    ctx.progress(`${label}: forwards received`, got, expected);
    // Envelopes are done when their forward arrives; the triaged ones were stored and decided by then too.
    const seconds = ((received[received.length - 1]?.at ?? performance.now()) - t0) / 1000;
    await stopConsuming();
    return { perSecond: Math.round(main.length / seconds), received: got, expected, envelopes: main.length, maxRssMb: round(maxRssMb), seconds: round(seconds), cpu };
  } finally {
    await admin?.close();
    await svc?.stop();
    await deleteTopology(ctx.amqpUrl as string, names, FRENCH_IDS).catch(() => undefined);
    await conn.close();
    if (schema && databaseUrl) await dropBenchSchema(databaseUrl, schema.schema);
  }
}

function e2eRows(run: E2eRun, raw: BenchRow, where: string, target: number): BenchRow[] {
  const rawPerSecond = Number(raw.figures['per s']);
  const share = round((100 * run.perSecond) / rawPerSecond);
  const rows: BenchRow[] = [{
    benchmark: `(b) end to end, liaison.intake → institution queues (${where})`,
    figures: { envelopes: run.envelopes, forwards: run.received, predicted: run.expected, seconds: run.seconds, 'per s': run.perSecond },
    target: `≥ ${target.toLocaleString('en-GB')}/s, all predicted forwards`, met: run.perSecond >= target && run.received === run.expected,
  }, {
    benchmark: `(b)/(a) share of the raw broker (${where})`, figures: { 'share %': share },
    ...(where.startsWith('PostgreSQL') ? { target: '≥ 25 %', met: share >= 25 } : {}),
  }];
  // What one machine can do at most: its cores' CPU over what an envelope costs the service, its database and
  // broker together, and no more than one core's worth for the service (its JavaScript, and PGlite's WASM, run on
  // one thread).
  const total = run.cpu.service + run.cpu.database + run.cpu.broker;
  const ceiling = Math.min((os.cpus().length * 1000) / total, 1000 / run.cpu.service);
  rows.push({
    benchmark: `(e) CPU ms per envelope during (b) (${where}${where.startsWith('PGlite') ? ': the database is inside the service' : ''})`,
    figures: {
      service: run.cpu.service, ...(where.startsWith('PGlite') ? {} : { PostgreSQL: run.cpu.database }), 'RabbitMQ node': run.cpu.broker,
      'bench client': run.cpu.client, [`ceiling on ${os.cpus().length} cores, one service thread /s`]: Math.round(ceiling),
    },
  });
  rows.push({
    benchmark: `(d) service RSS during (b), max (${where})`, figures: { 'RSS MB': run.maxRssMb },
    ...(where.startsWith('PostgreSQL') ? { target: '< 400 MB', met: run.maxRssMb < 400 } : {}),
  });
  return rows;
}

/** (c) A steady offered load; latency from the publish to the forward's arrival, per forwarded envelope. */
async function latency(ctx: BenchContext): Promise<BenchRow[]> {
  const rate = intFlag('latency-rate', 200);
  const seconds = intFlag('latency-seconds', 15);
  const batch = envelopes(rate * seconds, 'bench-latency');
  const names = benchNames('lat');
  const schema = ctx.databaseUrl ? await benchSchemaUrl(ctx.databaseUrl, 'lat') : undefined;
  const where = schema ? 'PostgreSQL' : 'PGlite';
  const conn = await connect(ctx.amqpUrl as string);
  let svc: ServiceProcess | undefined;
  try {
    svc = await startServiceProcess({ amqpUrl: ctx.amqpUrl as string, names, databaseUrl: schema?.url });
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const stopConsuming = await consumeForwards(conn, names, (r) => {
      const t = sentAt.get(r.envelopeId);
      if (t !== undefined) latencies.push(r.at - t);
    });
    const warm = envelopes(300, 'bench-latency-warmup');
    await publishAll(conn, names.intake, warm.map((e) => Buffer.from(JSON.stringify(e))));
    await new Promise((r) => setTimeout(r, 3000));
    const ch = await conn.createConfirmChannel();
    const expected = predictedForwards(warm, batch);
    const t0 = performance.now();
    for (const [i, e] of batch.entries()) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      sentAt.set(e.envelopeId, performance.now());
      ch.sendToQueue(names.intake, Buffer.from(JSON.stringify(e)), { persistent: true, contentType: 'application/json' });
      if (i % rate === 0) ctx.progress(`latency at ${rate}/s: published`, i, batch.length);
    }
    await ch.waitForConfirms();
    const offered = Math.round(batch.length / ((performance.now() - t0) / 1000));
    await waitForCount(() => latencies.length, expected, 20_000, (n) => ctx.progress('latency: forwards received', n, expected));
    await stopConsuming();
    await ch.close();
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = round(quantile(sorted, 0.99));
    return [{
      benchmark: `(c) latency publish → forward received at ${rate}/s offered (${where})`,
      figures: { 'offered /s': offered, forwards: latencies.length, predicted: expected, 'p50 ms': round(quantile(sorted, 0.5)), 'p99 ms': p99, 'max ms': round(sorted[sorted.length - 1] ?? NaN) },
      target: 'p99 < 100 ms', met: p99 < 100 && latencies.length === expected,
    }];
  } finally {
    await svc?.stop();
    await deleteTopology(ctx.amqpUrl as string, names, FRENCH_IDS).catch(() => undefined);
    await conn.close();
    if (schema && ctx.databaseUrl) await dropBenchSchema(ctx.databaseUrl, schema.schema);
  }
}

const needsBroker = (ctx: BenchContext): void => {
  if (!ctx.amqpUrl) throw new Error('needs RabbitMQ (--amqp-url, or the local broker on 127.0.0.1:5672)');
};

export const sections: BenchSection[] = [
  { name: 'broker', async run(ctx) { needsBroker(ctx); return [await rawBroker(ctx), await rawFanOut(ctx)]; } },
  {
    name: 'e2e',
    async run(ctx) {
      needsBroker(ctx);
      const raw = await rawBroker(ctx);
      const rows: BenchRow[] = [raw];
      const runs: Array<[string | undefined, string, string, number]> = [[undefined, 'pglite', 'PGlite on disk', 500]];
      if (ctx.databaseUrl) runs.unshift([ctx.databaseUrl, 'pg', 'PostgreSQL', 2000]);
      for (const [url, label, where, target] of runs) {
        try {
          rows.push(...e2eRows(await endToEnd(ctx, url, label), raw, where, target));
        } catch (e) {
          console.error(`  ${where}: ${(e as Error).message}`);
          rows.push({ benchmark: `(b) end to end (${where})`, figures: { error: (e as Error).message.slice(0, 120) }, met: false });
        }
      }
      return rows;
    },
  },
  { name: 'latency', async run(ctx) { needsBroker(ctx); return latency(ctx); } },
];
