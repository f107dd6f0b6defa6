/** Replaying dead letters on the real RabbitMQ: filtered, confirmed, removed only once republished. */
import { connect } from 'amqplib';
import { replayDeadLetters } from '../../src/bus/dead-letter-replay';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { Inspector, testNames } from './support';

const AMQP_URL = amqpUrlOrSkip();

describeIf(AMQP_URL)('dead-letter replay', () => {
  const names = testNames();
  let inspector: Inspector;

  beforeAll(async () => {
    inspector = await Inspector.open(AMQP_URL!);
    for (const q of [names.dead, names.intake, names.helpdesk]) await inspector.declareQueue(q, {});
    const conn = await connect(AMQP_URL!);
    const ch = await conn.createConfirmChannel();
    const dead = (id: string, queue: string | null, code: string) => ch.sendToQueue(names.dead, Buffer.from(`{"id":"${id}"}`), {
      messageId: id, persistent: true, contentType: 'application/json',
      headers: { ...(queue ? { 'x-original-queue': queue } : {}), 'x-error-code': code, 'x-attempts': 15, 'x-app': 'kept' },
    });
    dead('a', names.intake, 'DEP_DATABASE_DOWN');
    dead('b', names.intake, 'DEP_DATABASE_DOWN');
    dead('c', names.helpdesk, 'DEP_DATABASE_DOWN');
    dead('d', names.intake, 'VAL_SCHEMA_MISMATCH');
    dead('e', null, 'DEP_DATABASE_DOWN');
    await ch.waitForConfirms();
    await conn.close();
  });
  afterAll(async () => {
    await inspector.deleteTopology(names);
    await inspector.close();
  });

  it('counts without changing anything in a dry run', async () => {
    const r = await replayDeadLetters({ url: AMQP_URL!, deadQueue: names.dead, code: 'DEP_DATABASE_DOWN', dryRun: true });
    expect(r).toEqual({ seen: 5, byQueue: { [names.intake]: 2, [names.helpdesk]: 1 }, kept: 2 });
    expect(await inspector.messageCount(names.dead)).toBe(5);
  });

  it('replays the chosen messages to their queues with their id, and keeps the others', async () => {
    const r = await replayDeadLetters({ url: AMQP_URL!, deadQueue: names.dead, code: 'DEP_DATABASE_DOWN', fromQueue: names.intake });
    expect(r.byQueue).toEqual({ [names.intake]: 2 });
    const replayed = await inspector.drain(names.intake);
    expect(replayed.map((m) => m.properties.messageId).sort()).toEqual(['a', 'b']);
    const h = replayed[0].properties.headers ?? {};
    expect(h['x-error-code']).toBeUndefined();
    expect(h['x-replays']).toBe(1);
    expect(h['x-app']).toBe('kept');
    const left = await inspector.drain(names.dead);
    expect(left.map((m) => m.properties.messageId).sort()).toEqual(['c', 'd', 'e']);
  });
});
