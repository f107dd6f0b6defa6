import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { connect, type ChannelModel, type GetMessage } from 'amqplib';
import { Broker, type BrokerOptions } from '../../src/bus/broker';
import { DEFAULT_TOPOLOGY_NAMES, type TopologyNames } from '../../src/bus/topology';
import { createLogger, type Logger } from '../../src/shared/logger';

const execFileAsync = promisify(execFile);

/** Topology names unique to one test, so parallel test files and engineers never share a queue. */
export function testNames(): TopologyNames {
  const suffix = randomBytes(5).toString('hex');
  const names = Object.fromEntries(Object.entries(DEFAULT_TOPOLOGY_NAMES).map(([k, v]) => [k, `t${suffix}.${v}`]));
  return names as unknown as TopologyNames;
}

/** A logger whose lines the test can read. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc: string, cb: () => void) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', stream }), lines };
}

export function newBroker(url: string, names: TopologyNames, extra: Partial<BrokerOptions> = {}): Broker {
  return new Broker({
    url,
    names,
    logger: extra.logger ?? capturingLogger().logger,
    connectionName: extra.connectionName ?? `test-${names.intake}`,
    reconnect: { initialMs: 50, maxMs: 500 },
    ...extra,
  });
}

/** A plain amqplib connection for inspecting and cleaning up, outside the code under test. */
export class Inspector {
  private constructor(private readonly conn: ChannelModel) {}

  static async open(url: string): Promise<Inspector> {
    const conn = await connect(url);
    conn.on('error', () => undefined);
    return new Inspector(conn);
  }

  async messageCount(queue: string): Promise<number> {
    return this.withChannel(async (ch) => (await ch.checkQueue(queue)).messageCount);
  }

  /** Take every message of the queue (acknowledged: removed). */
  async drain(queue: string): Promise<GetMessage[]> {
    return this.withChannel(async (ch) => {
      const out: GetMessage[] = [];
      for (;;) {
        const m = await ch.get(queue, { noAck: true });
        if (m === false) return out;
        out.push(m);
      }
    });
  }

  async sendToQueue(queue: string, content: Buffer, messageId: string): Promise<void> {
    const ch = await this.conn.createConfirmChannel();
    try {
      ch.sendToQueue(queue, content, { messageId, persistent: true });
      await ch.waitForConfirms();
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  async deleteQueue(queue: string): Promise<void> {
    await this.withChannel((ch) => ch.deleteQueue(queue));
  }

  async declareQueue(queue: string, args: Record<string, unknown>): Promise<void> {
    await this.withChannel((ch) => ch.assertQueue(queue, { durable: true, arguments: args }));
  }

  async exchangeExists(exchange: string): Promise<boolean> {
    return this.withChannel(async (ch) => {
      await ch.checkExchange(exchange);
      return true;
    }).catch(() => false);
  }

  /**
   * Delete every queue and exchange of the test topology, plus extra queues, plus every other queue carrying the
   * test's prefix (per-institution queues declared from a directory): quorum queues left behind hold broker file
   * handles, and a few thousand of them stop RabbitMQ 3.10 from accepting connections at all.
   */
  async deleteTopology(names: TopologyNames, extraQueues: string[] = []): Promise<void> {
    const known = [names.intake, names.forwardReplies, names.helpdesk, names.rinaForwardCase, names.dead, ...extraQueues];
    const prefix = /^t[0-9a-f]{10}\./.exec(names.intake)?.[0];
    const listed = prefix ? await queuesWithPrefix(prefix) : [];
    const queues = [...new Set([...known, ...listed])];
    for (const q of queues) await this.withChannel((ch) => ch.deleteQueue(q)).catch(() => undefined);
    for (const x of [names.forward, names.rina, names.notifications]) {
      await this.withChannel((ch) => ch.deleteExchange(x)).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
  }

  private async withChannel<T>(fn: (ch: Awaited<ReturnType<ChannelModel['createChannel']>>) => Promise<T>): Promise<T> {
    const ch = await this.conn.createChannel();
    ch.on('error', () => undefined);
    try {
      return await fn(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }
}

/** Queue names starting with `prefix`, from rabbitmqctl; none when it is not available (then only known names go). */
async function queuesWithPrefix(prefix: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync('rabbitmqctl', ['list_queues', 'name', '-q', '--no-table-headers'], { timeout: 15_000 });
    return stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((name) => name.startsWith(prefix));
  } catch {
    return [];
  }
}

/**
 * Close, on the broker side, the connections whose client-provided name is `connectionName` (CONNECTION_FORCED,
 * like an operator or a failing node would). Only ours: other test files may be using the same broker.
 * Returns how many were closed.
 */
export function killConnections(connectionName: string): number {
  const listing = execFileSync('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q', '--no-table-headers'], {
    encoding: 'utf8',
    timeout: 20_000, // synchronous: a hung broker must fail the test, not freeze the worker
  });
  const pids = listing
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0].trim())
    .filter((pid) => pid.startsWith('<'));
  for (const pid of pids) {
    execFileSync('rabbitmqctl', ['close_connection', pid, 'test: broker went away'], { stdio: 'ignore', timeout: 20_000 });
  }
  return pids.length;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function body(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
