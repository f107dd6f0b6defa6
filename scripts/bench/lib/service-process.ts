/**
 * The service as in production, for the end-to-end sections: a child process (`src/main.ts`) on its own database
 * schema (or PGlite data directory) and its own broker names, measured from outside (AMQP in and out, RSS from
 * /proc, /metrics over HTTP).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'amqplib';
import { retryQueueName } from '../../../src/bus/retry-queue';
import { institutionQueueName, topologyNames, type TopologyNames } from '../../../src/bus/topology';
import { openDatabase } from '../../../src/store/database';
import { benchFlags } from './flags';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * A fresh schema on the server, and the URL that makes it the search path; the service's connections carry the
 * schema's name as application_name (so that their backends can be found in pg_stat_activity). The one way every
 * bench section makes its scratch schema (drop it with dropBenchSchema). `keep` names a schema to reuse when it
 * exists (report.ts --keep-schema): `existed` says so.
 */
export async function benchSchemaUrl(databaseUrl: string, label: string, keep?: string): Promise<{ url: string; schema: string; existed: boolean }> {
  if (keep !== undefined && !/^[a-z_][a-z0-9_]{0,40}$/.test(keep)) throw new Error('a kept bench schema takes a plain lower-case name');
  const schema = keep ?? `liaison_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = await openDatabase({ databaseUrl });
  const existed = (await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).length === 1;
  if (!existed) await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const u = new URL(databaseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  u.searchParams.set('application_name', schema);
  return { url: u.toString(), schema, existed };
}

export async function dropBenchSchema(databaseUrl: string, schema: string): Promise<void> {
  const admin = await openDatabase({ databaseUrl });
  await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
}

export function benchNames(label: string): TopologyNames {
  const p = `bench-${label}-${randomBytes(3).toString('hex')}`;
  return topologyNames({
    intake: `${p}.intake`, forward: `${p}.forward`, forwardReplies: `${p}.forward-replies`, rina: `${p}.rina`,
    rinaForwardCase: `${p}.rina.forward-case`, helpdesk: `${p}.helpdesk`, dead: `${p}.dead`, notifications: `${p}.notifications`,
    institutionQueuePrefix: `${p}.forward.`,
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  /** Resident memory of the process now, in MB (from /proc). */
  rssMb(): number;
  /** One value of /metrics (summed over labels), or undefined. */
  metric(name: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  amqpUrl: string;
  names: TopologyNames;
  /** PostgreSQL URL (with its search path); undefined = PGlite in a fresh data directory. */
  databaseUrl?: string;
  env?: Record<string, string>;
}

export async function startServiceProcess(opts: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const dataDir = opts.databaseUrl ? undefined : mkdtempSync(path.join(os.tmpdir(), 'liaison-bench-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>), NODE_OPTIONS: '', PORT: String(port), AMQP_URL: opts.amqpUrl, LOG_LEVEL: 'info',
    AMQP_CONNECTION_NAME: `bench-${opts.names.intake}`, BOOTSTRAP_TOKEN: randomBytes(16).toString('hex'), ...opts.env,
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else {
    delete env.DATABASE_URL;
    env.DATA_DIR = dataDir as string;
  }
  for (const [key, value] of Object.entries(opts.names)) env[`AMQP_NAME_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] = value;
  // Logs go nowhere, as they would go to a collector: writing them is part of the cost measured.
  // --service-log DIR: each service process's log lines kept in DIR/<its intake queue>.log (timestamped JSON, ids
  // only), to follow envelopes through the stages (accepted, routed, published) against the bench's own times.
  // --cpu-prof DIR: a CPU profile of each service process, written when it stops (open it in Chrome DevTools).
  const flags = benchFlags();
  const profDir = flags['cpu-prof'];
  const prof = typeof profDir === 'string' ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(profDir)] : [];
  const logDir = flags['service-log'];
  let logFd: number | undefined;
  if (typeof logDir === 'string') {
    mkdirSync(logDir, { recursive: true });
    logFd = openSync(path.join(logDir, `${opts.names.intake}.log`), 'w');
  }
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', logFd ?? 'ignore', 'pipe'] });
  if (logFd !== undefined) closeSync(logFd); // the child holds its own copy
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}): ${stderr}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the service was not ready within 180 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child, port,
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    async metric(name: string) {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
      const values = text.split('\n').filter((l) => l.startsWith(name) && /^[a-z_]+(\{[^}]*\})? /.test(l) && l.split(/[{ ]/)[0] === name)
        .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
      return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Deletes every queue and exchange of a run (institution queues included). */
export async function deleteTopology(amqpUrl: string, names: TopologyNames, institutionIds: readonly string[]): Promise<void> {
  const conn = await connect(amqpUrl);
  try {
    const ch = await conn.createChannel();
    const consumed = [names.intake, names.forwardReplies, names.helpdesk];
    const queues = [...consumed, ...consumed.map(retryQueueName), names.rinaForwardCase, names.dead, ...institutionIds.map((id) => institutionQueueName(names, id))];
    for (const q of queues) await ch.deleteQueue(q);
    for (const x of [names.forward, names.rina, names.notifications]) await ch.deleteExchange(x);
    await ch.close();
  } finally {
    await conn.close();
  }
}
