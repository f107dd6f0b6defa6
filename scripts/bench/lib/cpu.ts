/**
 * CPU time spent by each party of an end-to-end run, read from /proc (Linux): the service process, the PostgreSQL
 * backends serving it (found by their application_name), the RabbitMQ node, and this client. Divided by the
 * envelopes of the run, these are the figures that a busy machine changes least, and their sum bounds what one
 * machine can do: N cores give at most N × 1,000 CPU ms per second.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from '../../../src/store/database';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU of one process so far, in ms (0 when it is gone or unreadable). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return 0;
  }
}

/** The RabbitMQ node's process (beam.smp running rabbit) on this machine, if any. */
export function brokerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('beam') && cmd.includes('rabbit')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

export interface CpuSample { service: number; database: number; broker: number; client: number }

/**
 * Samples the parties' CPU. PostgreSQL backends come and go with the pool: each backend's CPU is remembered the
 * last time it was seen, so `take()` at the end counts those that closed in between up to their last sample.
 */
export class CpuMeter {
  private readonly backends = new Map<number, { first: number; last: number }>();
  private start: CpuSample | undefined;
  private readonly broker = brokerPid();

  constructor(private readonly servicePid: number, private readonly admin?: Database, private readonly applicationName?: string) {}

  async begin(): Promise<void> {
    await this.sampleBackends();
    this.start = { service: processCpuMs(this.servicePid), database: 0, broker: this.broker ? processCpuMs(this.broker) : 0, client: clientMs() };
  }

  /** Call now and then during the run (new pool connections). */
  async sampleBackends(): Promise<void> {
    if (!this.admin || !this.applicationName) return;
    const rows = await this.admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [this.applicationName]);
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      const b = this.backends.get(pid);
      if (b) b.last = Math.max(b.last, ms); // 0 once it has closed: keep its last reading
      // A backend first seen during the run: what it used before the first sample is not counted (at most one sample).
      else this.backends.set(pid, { first: this.start ? 0 : ms, last: ms });
    }
  }

  /** CPU ms used by each party since begin(). */
  async take(): Promise<CpuSample> {
    await this.sampleBackends();
    const s = this.start ?? { service: 0, database: 0, broker: 0, client: 0 };
    let database = 0;
    for (const b of this.backends.values()) database += b.last - b.first;
    return {
      service: processCpuMs(this.servicePid) - s.service, database, broker: this.broker ? processCpuMs(this.broker) - s.broker : 0,
      client: clientMs() - s.client,
    };
  }
}

function clientMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
