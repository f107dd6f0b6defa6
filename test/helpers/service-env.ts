/** Environment for a service under test on RabbitMQ: unique topology names and connection name. */
import type { TopologyNames } from '../../src/bus/topology';

export const TEST_TOKEN = 'test-bootstrap-token-0123456789';

export function amqpEnv(url: string, names: TopologyNames, connectionName: string): Record<string, string> {
  const env: Record<string, string> = { AMQP_URL: url, AMQP_CONNECTION_NAME: connectionName, BOOTSTRAP_TOKEN: TEST_TOKEN, WORKER_POLL_MS: '50', AMQP_DECLARE_INSTITUTION_QUEUES: 'false' };
  for (const [key, value] of Object.entries(names)) {
    env[`AMQP_NAME_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] = value;
  }
  return env;
}
