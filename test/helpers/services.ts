/**
 * External services for integration tests (RabbitMQ, PostgreSQL).
 *
 * A test file asks at load time whether its service is reachable, so that Jest can skip the file's suites:
 *
 *   const AMQP_URL = amqpUrlOrSkip();
 *   const describeAmqp = describeIf(AMQP_URL);
 *   describeAmqp('…', () => { … use AMQP_URL! … });
 *
 * Unreachable + REQUIRE_SERVICES=1 (CI, `.ci/run`): the file fails. Unreachable otherwise: the suites are skipped
 * with a console warning naming the service. URLs: TEST_AMQP_URL / TEST_DATABASE_URL, else the local defaults.
 */
import { spawnSync } from 'node:child_process';

export const DEFAULT_TEST_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
// Same default as test/helpers/db.ts (the local server's postgres role).
export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

const probed = new Map<string, boolean>();

/** The RabbitMQ URL, or null when unreachable (throws instead when REQUIRE_SERVICES=1). */
export function amqpUrlOrSkip(): string | null {
  return serviceUrlOrSkip('RabbitMQ', process.env.TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL, 5672);
}

/** The PostgreSQL URL, or null when unreachable (throws instead when REQUIRE_SERVICES=1). */
export function pgUrlOrSkip(): string | null {
  return serviceUrlOrSkip('PostgreSQL', process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_PG_URL, 5432);
}

/** `describe` when the service URL is known, `describe.skip` otherwise. */
export function describeIf(url: string | null): jest.Describe {
  return url ? describe : describe.skip;
}

export function servicesRequired(): boolean {
  return process.env.REQUIRE_SERVICES === '1';
}

function serviceUrlOrSkip(service: string, url: string, defaultPort: number): string | null {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const target = `${host}:${port || defaultPort}`;
  let reachable = probed.get(target);
  if (reachable === undefined) {
    reachable = tcpReachable(host, Number(port || defaultPort));
    probed.set(target, reachable);
  }
  if (reachable) return url;
  const message = `${service} is not reachable at ${target}`;
  if (servicesRequired()) throw new Error(`${message} and REQUIRE_SERVICES=1: integration tests cannot run`);
  console.warn(`⚠ ${message}: its integration tests are SKIPPED (set REQUIRE_SERVICES=1 to make this a failure)`);
  return null;
}

/**
 * Synchronous TCP probe (Jest needs to know at load time whether to skip): a child process opens and closes a
 * socket. An open port is the test; the protocol-level errors show up in the tests themselves.
 */
function tcpReachable(host: string, port: number, timeoutMs = 2000): boolean {
  const script = `
    const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
    s.setTimeout(${timeoutMs}, () => process.exit(1));
    s.on('connect', () => { s.destroy(); process.exit(0); });
    s.on('error', () => process.exit(1));`;
  const result = spawnSync(process.execPath, ['-e', script, host, String(port)], { timeout: timeoutMs + 1000 });
  return result.status === 0;
}
