/**
 * The failover test's handle on the lab of ops/ha-lab/: bring it up (or heal it), find and kill its members by the
 * process ids in the lab's own pid files (never by name: the machine's RabbitMQ and PostgreSQL run the same
 * programs), tear it down when the test started it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const LAB_SCRIPTS = path.join(__dirname, '..', '..', 'ops', 'ha-lab');
export const LAB_DIR = process.env.HA_LAB_DIR ?? '/tmp/eessi-ha-lab';

export const RABBIT_NODES = ['ha1', 'ha2', 'ha3'] as const;
export type RabbitNode = (typeof RABBIT_NODES)[number];
const AMQP_PORT: Record<RabbitNode, number> = { ha1: 5681, ha2: 5682, ha3: 5683 };
const PG_MEMBERS = { pg1: 28011, pg2: 28012 } as const;
type PgMember = keyof typeof PG_MEMBERS;

export const amqpUrl = (node: RabbitNode): string => `amqp://guest:guest@127.0.0.1:${AMQP_PORT[node]}`;
/** Through HAProxy (the Patroni leader), the lab's database. */
export const LAB_DATABASE_URL = `postgres://postgres:${process.env.HA_PG_PASSWORD ?? 'liaison-lab'}@127.0.0.1:25440/liaison`;

export function labRunning(): boolean {
  return existsSync(LAB_DIR);
}

function script(name: string): void {
  execFileSync('bash', [path.join(LAB_SCRIPTS, name)], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, HA_LAB_DIR: LAB_DIR } });
}

/** Start what is missing (everything, or the members a previous run killed) and wait until healthy. */
export function labUp(): void {
  script('up.sh');
}

export function labDown(): void {
  script('down.sh');
  script('check-clean.sh');
}

function pidFrom(file: string): number {
  return Number(readFileSync(file, 'utf8').trim().split('\n')[0]);
}

function kill9(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * The lab nodes a connection named `connectionName` is open on, by the server port it came in on (rabbitmqctl
 * -n <a lab node> only: it lists the whole cluster's connections).
 */
export function nodesWithConnection(connectionName: string, askNode: RabbitNode = 'ha3'): RabbitNode[] {
  const out = execFileSync('bash', ['-c', `. "${LAB_SCRIPTS}/lab.env.sh"; ha_ctl ${askNode} list_connections port client_properties --silent`], {
    env: { ...process.env, HA_LAB_DIR: LAB_DIR }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000,
  });
  const ports = out.split('\n').filter((line) => line.includes(connectionName)).map((line) => Number(line.split('\t')[0]));
  return RABBIT_NODES.filter((node) => ports.includes(AMQP_PORT[node]));
}

/**
 * What a lab node says of a quorum queue (members, leader, Raft state), for a failure's report: never throws (a
 * dead node or a missing queue is the answer's text).
 */
export function quorumStatus(queue: string, askNode: RabbitNode): string {
  try {
    return execFileSync('bash', ['-c', `. "${LAB_SCRIPTS}/lab.env.sh"; ha_queues ${askNode} quorum_status "$1"`, 'quorum-status', queue], {
      env: { ...process.env, HA_LAB_DIR: LAB_DIR }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000,
    });
  } catch (e) {
    return `(${askNode}: ${(e as Error).message.split('\n')[0]})`;
  }
}

export function killRabbitNode(node: RabbitNode): void {
  kill9(pidFrom(path.join(LAB_DIR, 'rabbitmq', node, 'beam.pid')));
}

export async function patroniLeader(): Promise<PgMember | null> {
  for (const [member, port] of Object.entries(PG_MEMBERS) as Array<[PgMember, number]>) {
    const ok = await fetch(`http://127.0.0.1:${port}/primary`).then((r) => r.status === 200, () => false);
    if (ok) return member;
  }
  return null;
}

/** A crash of the leader's host: Patroni and its postgres killed with -9 (the replica takes over after the TTL). */
export function killPatroniMember(member: PgMember): void {
  const dir = path.join(LAB_DIR, 'patroni', member);
  const postmaster = path.join(dir, 'data', 'postmaster.pid');
  const pgPid = existsSync(postmaster) ? pidFrom(postmaster) : null;
  kill9(pidFrom(path.join(dir, 'patroni.pid')));
  if (pgPid) kill9(pgPid);
}
