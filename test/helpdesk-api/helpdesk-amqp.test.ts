/**
 * The help desk on a real RabbitMQ: tickets from `liaison.helpdesk` (one ticket however often the same counterpart
 * ticket arrives, redeliveries included), invalid bodies dead-lettered with their code, escalations published on
 * the notifications exchange with routing key `helpdesk.escalation.<kind>`.
 */
import { connect, type ChannelModel } from 'amqplib';
import type { Broker } from '../../src/bus/broker';
import { DEAD_LETTER_HEADERS } from '../../src/bus/dead-letter';
import type { Delivery, Verdict } from '../../src/bus/types';
import { helpdeskMessageHandler, type Helpdesk } from '../../src/app/helpdesk';
import { FixedClock } from '../../src/shared/clock';
import { openPglite, type TestDatabase } from '../helpers/db';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { body, Inspector, newBroker, testNames, waitFor } from '../bus/support';
import { operator, paris, startTestHelpdesk, ticketBody } from '../helpdesk-store/support';

const AMQP_URL = amqpUrlOrSkip();

describeIf(AMQP_URL)('help desk on RabbitMQ', () => {
  let inspector: Inspector;
  let tdb: TestDatabase;
  let broker: Broker;
  let names: ReturnType<typeof testNames>;
  let hd: Helpdesk | undefined;
  const clock = new FixedClock(paris('2025-05-06T09:00:00'));

  beforeAll(async () => {
    inspector = await Inspector.open(AMQP_URL!);
    tdb = await openPglite();
  });
  afterAll(async () => {
    await inspector.close();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set(paris('2025-05-06T09:00:00'));
    names = testNames();
    broker = newBroker(AMQP_URL!, names);
    await broker.start();
  });
  afterEach(async () => {
    await hd?.stop();
    hd = undefined;
    await broker.close();
    await inspector.deleteTopology(names, [`${names.notifications}.test-listener`]);
  });

  const ticketCount = async () => (await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets'))[0].n;

  it('makes one ticket of the same counterpart ticket sent twice', async () => {
    hd = await startTestHelpdesk(tdb.db, clock, { bus: broker });
    const message = body(ticketBody({ counterpartRef: 'DE-SD-7' }));
    await inspector.sendToQueue(names.helpdesk, message, 'de-sd-7-a');
    await inspector.sendToQueue(names.helpdesk, message, 'de-sd-7-b');
    await waitFor(async () => (await ticketCount()) === 1 && (await inspector.messageCount(names.helpdesk)) === 0, 10_000, 'both messages taken');
    // stop() lets the handlers in flight finish: after it, nothing more can be written by either message.
    await hd.stop();
    expect(await ticketCount()).toBe(1);
    const [t] = await tdb.db.query<{ source: string; created_by: string }>('SELECT source, created_by FROM tickets');
    expect(t).toEqual({ source: 'counterpart', created_by: 'amqp:helpdesk' });
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });

  it('makes one ticket of a message redelivered after the ticket was committed but before the ack', async () => {
    hd = await startTestHelpdesk(tdb.db, clock); // no consumer of its own: this test drives the handler
    const handler = helpdeskMessageHandler(hd.service);
    const deliveries: Delivery[] = [];
    const consumer = broker.consume(names.helpdesk, async (d): Promise<Verdict> => {
      deliveries.push(d);
      const verdict = await handler(d);
      if (deliveries.length === 1) throw new Error('lost before the ack'); // committed, not acknowledged
      return verdict;
    }, { retryDelay: { initialMs: 10, maxMs: 50 } });
    try {
      await inspector.sendToQueue(names.helpdesk, body(ticketBody({ counterpartRef: 'DE-SD-8' })), 'de-sd-8');
      await waitFor(async () => deliveries.length === 2 && (await inspector.messageCount(names.helpdesk)) === 0, 10_000, 'the redelivery');
    } finally {
      await consumer.stop();
    }
    expect(deliveries[1].redelivered || deliveries[1].attempt === 2).toBe(true);
    expect(await ticketCount()).toBe(1);
  });

  it('dead-letters a body that is not a ticket with REQ_INVALID_BODY, and one that is not JSON with REQ_MALFORMED_JSON', async () => {
    hd = await startTestHelpdesk(tdb.db, clock, { bus: broker });
    await inspector.sendToQueue(names.helpdesk, body(ticketBody({ priority: 'urgent' })), 'bad-priority');
    await inspector.sendToQueue(names.helpdesk, Buffer.from('{"counterpartCountry": "DE",'), 'not-json');
    await waitFor(async () => (await inspector.messageCount(names.dead)) === 2, 10_000, 'two dead letters');
    const dead = await inspector.drain(names.dead);
    const codes = Object.fromEntries(dead.map((m) => [m.properties.messageId, m.properties.headers?.[DEAD_LETTER_HEADERS.errorCode]]));
    expect(codes).toEqual({ 'bad-priority': 'REQ_INVALID_BODY', 'not-json': 'REQ_MALFORMED_JSON' });
    expect(await ticketCount()).toBe(0);
  });

  it('publishes each escalation once on the notifications exchange', async () => {
    hd = await startTestHelpdesk(tdb.db, clock, { bus: broker });
    const listener = `${names.notifications}.test-listener`;
    const conn: ChannelModel = await connect(AMQP_URL!);
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue(listener, { durable: false });
      await ch.bindQueue(listener, names.notifications, 'helpdesk.escalation.#');
      await ch.close();
    } finally {
      await conn.close();
    }
    const { ticket } = await hd.service.create(ticketBody({ priority: 'P1' }), operator, 'counterpart');
    const now = paris('2025-05-06T11:01:00');
    clock.set(now);
    await hd.jobs.escalate(now);
    await hd.jobs.escalate(now);
    const messages = await inspector.drain(listener);
    expect(messages.map((m) => [m.fields.routingKey, m.properties.messageId])).toEqual([
      ['helpdesk.escalation.response-warning', `${ticket.id}:response-warning`],
      ['helpdesk.escalation.response-breach', `${ticket.id}:response-breach`],
    ]);
    expect(JSON.parse(messages[1].content.toString())).toEqual(expect.objectContaining({ ticketId: ticket.id, kind: 'response-breach', priority: 'P1' }));
  });
});
