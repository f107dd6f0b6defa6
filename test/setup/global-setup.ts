/**
 * Runs once before the suite: finds out which real services are up, so that tests can choose their
 * drivers synchronously. With REQUIRE_SERVICES=1 a missing service stops the run here, loudly.
 */
import { connect } from 'amqplib';
import { PG_URL, postgresReachable } from '../helpers/db';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function amqpReachable(): Promise<boolean> {
  try {
    const c = await connect(AMQP_URL);
    await c.close();
    return true;
  } catch {
    return false;
  }
}

export default async function globalSetup(): Promise<void> {
  const [pg, amqp] = await Promise.all([postgresReachable(), amqpReachable()]);
  process.env.LIAISON_TEST_PG = pg ? 'up' : 'down';
  process.env.LIAISON_TEST_AMQP = amqp ? 'up' : 'down';
  const missing = [!pg && `PostgreSQL (${PG_URL})`, !amqp && `RabbitMQ (${AMQP_URL})`].filter(Boolean);
  if (missing.length) {
    const msg = `Services not reachable: ${missing.join(', ')}.`;
    if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${msg} REQUIRE_SERVICES=1: failing instead of skipping.`);
    console.warn(`\n[eessi-liaison tests] ${msg} Tests that need them are skipped (set REQUIRE_SERVICES=1 to fail instead).\n`);
  }
}
