/**
 * The country-to-country desk both ways on a real RabbitMQ (issue #12): a counterpart ticket in on
 * liaison.helpdesk, the response out on liaison.helpdesk-out with the counterpart's routing key, its message back
 * resuming the ticket (once, however often it arrives), the resolution out; then the broker cut (through a TCP
 * proxy, never the shared RabbitMQ) while replies accumulate, and every reply delivered once per message id when
 * it is back.
 */
import { connect, type ChannelModel, type GetMessage } from 'amqplib';
import type { Broker } from '../../src/bus/broker';
import type { Helpdesk } from '../../src/app/helpdesk';
import { FixedClock } from '../../src/shared/clock';
import { validatorFor } from '../../src/validation/schemas';
import { openPglite, type TestDatabase } from '../helpers/db';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { TcpProxy } from '../helpers/tcp-proxy';
import { body, Inspector, newBroker, testNames, waitFor } from '../bus/support';
import { operator, paris, startTestHelpdesk, ticketBody } from '../helpdesk-store/support';

const AMQP_URL = amqpUrlOrSkip();

describeIf(AMQP_URL)('the C2C desk both ways on RabbitMQ', () => {
  let inspector: Inspector;
  let tdb: TestDatabase;
  let proxy: TcpProxy;
  let broker: Broker;
  let names: ReturnType<typeof testNames>;
  let hd: Helpdesk;
  let listener: string;
  const clock = new FixedClock(paris('2025-05-06T09:00:00'));
  const replySchema = validatorFor('helpdesk-reply.schema.json');

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
    const u = new URL(AMQP_URL!);
    proxy = new TcpProxy(u.hostname, Number(u.port || 5672));
    await proxy.up();
    broker = newBroker(proxy.urlThrough(AMQP_URL!), names);
    await broker.start();
    hd = await startTestHelpdesk(tdb.db, clock, { bus: broker, replyPollMs: 20 });
    // The German desk's queue: everything for DE on the replies exchange.
    listener = `${names.helpdeskOut}.DE-desk`;
    const conn: ChannelModel = await connect(AMQP_URL!);
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue(listener, { durable: false });
      await ch.bindQueue(listener, names.helpdeskOut, 'DE.#');
      await ch.close();
    } finally {
      await conn.close();
    }
  });
  afterEach(async () => {
    await hd.stop();
    await broker.close();
    await proxy.down();
    await inspector.deleteTopology(names, [listener]);
  });

  const received: GetMessage[] = [];
  /** Moves what reached the German desk's queue into `received`. */
  const collect = async () => {
    received.push(...(await inspector.drain(listener)));
    return received;
  };
  const ticketOf = async (ref: string) => {
    const [t] = await tdb.db.query<{ id: string; state: string }>('SELECT id, state FROM tickets WHERE counterpart_ref = $1', [ref]);
    return t;
  };
  const waitForReplies = async (n: number) => {
    await waitFor(async () => (await collect()).length >= n, 15_000, `${n} replies on the German desk's queue`);
  };
  const decoded = (m: GetMessage) => ({ key: m.fields.routingKey, messageId: m.properties.messageId as string, body: JSON.parse(m.content.toString()) as Record<string, unknown> });

  it('answers a counterpart ticket, takes its message back once, and resolves it: each step on the counterpart\'s routing key', async () => {
    received.length = 0;
    await inspector.sendToQueue(names.helpdesk, body(ticketBody({ counterpartRef: 'DE-SD-1', priority: 'P2' })), 'de-ticket-1');
    await waitFor(async () => (await ticketOf('DE-SD-1')) !== undefined, 10_000, 'the ticket');
    const { id } = await ticketOf('DE-SD-1');

    clock.set(paris('2025-05-06T09:30:00'));
    await hd.service.act(id, { action: 'respond', message: 'CPAM de Lille is competent; we are checking the S072.' }, operator);
    clock.set(paris('2025-05-06T09:40:00'));
    await hd.service.act(id, { action: 'wait', on: 'counterpart', message: 'Please send the date of the move.' }, operator);
    await waitForReplies(2);
    const [response, question] = received.map(decoded);
    expect(response.key).toBe('DE.response');
    expect(response.body).toEqual({ ticketId: id, counterpartRef: 'DE-SD-1', event: 'response', message: 'CPAM de Lille is competent; we are checking the S072.', at: '2025-05-06T07:30:00.000Z' });
    expect(question.key).toBe('DE.information-request');
    expect(question.body.message).toBe('Please send the date of the move.');
    for (const m of [response, question]) expect(replySchema(m.body)).toBe(true);
    expect(new Set([response.messageId, question.messageId]).size).toBe(2);

    // The German desk answers; the same message arrives twice (a redelivery on their side).
    clock.set(paris('2025-05-06T10:00:00'));
    const answer = { counterpartCountry: 'DE', counterpartRef: 'DE-SD-1', messageId: 'DE-MSG-77', message: 'Moved on 1 March 2024.' };
    await inspector.sendToQueue(names.helpdesk, body(answer), 'de-msg-77-a');
    await inspector.sendToQueue(names.helpdesk, body(answer), 'de-msg-77-b');
    await waitFor(async () => (await ticketOf('DE-SD-1')).state === 'open' && (await inspector.messageCount(names.helpdesk)) === 0, 10_000, 'the ticket resumed');
    await waitFor(async () => (await hd.service.get(id, operator)).thread.filter((m) => m.direction === 'in').length === 1, 5_000, 'the inbound message in the thread');

    clock.set(paris('2025-05-06T10:30:00'));
    await hd.service.act(id, { action: 'resolve', message: 'Forwarded to CPAM de Lille.' }, operator);
    await waitForReplies(3);
    const resolved = decoded(received[2]);
    expect(resolved.key).toBe('DE.resolved');
    expect(resolved.body).toEqual(expect.objectContaining({ ticketId: id, event: 'resolved', message: 'Forwarded to CPAM de Lille.' }));

    // The reply reaches the German queue on the broker's confirm; the relay marks it sent just after: wait for that mark.
    let view = await hd.service.get(id, operator);
    await waitFor(async () => {
      view = await hd.service.get(id, operator);
      return view.thread.every((m) => m.direction === 'in' || m.delivery.state === 'sent');
    }, 10_000, 'every reply marked sent in the thread');
    expect(view.events.filter((e) => e.kind === 'comment')).toHaveLength(1); // the same message twice is one comment
    expect(view.events.map((e) => e.kind)).toEqual(['created', 'respond', 'wait', 'comment', 'resume', 'resolve']);
    expect(view.thread.map((m) => [m.direction, m.event, m.delivery.state])).toEqual([
      ['out', 'response', 'sent'], ['out', 'information-request', 'sent'], ['in', 'resumed', 'none'], ['out', 'resolved', 'sent'],
    ]);
    expect(view.thread[2]).toEqual(expect.objectContaining({ messageId: 'DE-MSG-77', message: 'Moved on 1 March 2024.' }));
    expect(view.thread.filter((m) => m.direction === 'out').map((m) => m.messageId)).toEqual([response.messageId, question.messageId, resolved.messageId]);
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });

  it('keeps replies while the broker is away and delivers each once, in order per ticket, when it is back', async () => {
    received.length = 0;
    const ids: string[] = [];
    for (const ref of ['DE-SD-10', 'DE-SD-11']) {
      ids.push((await hd.service.create(ticketBody({ counterpartRef: ref }), operator, 'counterpart')).ticket.id);
    }
    // FR tickets never leave the service.
    const fr = (await hd.service.create(ticketBody({ counterpartCountry: 'FR', counterpartRef: 'FR-INST-1' }), operator, 'institution')).ticket.id;

    await proxy.down();
    await waitFor(() => !broker.isConnected(), 10_000, 'the broker connection lost');
    for (const id of ids) {
      await hd.service.act(id, { action: 'respond', message: `Answer for ${id}` }, operator);
      await hd.service.act(id, { action: 'comment', message: 'internal note', visibility: 'internal' }, operator); // stays here
      await hd.service.act(id, { action: 'comment', message: 'More for you', visibility: 'external' }, operator);
      await hd.service.act(id, { action: 'resolve' }, operator);
      await hd.service.act(id, { action: 'reopen', message: 'Reopened: a second SED arrived.' }, operator);
    }
    await hd.service.act(fr, { action: 'respond', message: 'Done' }, operator);
    const pending = await hd.service.get(ids[0], operator);
    expect(pending.thread.map((m) => [m.event, m.delivery.state])).toEqual([
      ['response', 'pending'], ['comment', 'pending'], ['resolved', 'pending'], ['reopened', 'pending'],
    ]);

    await proxy.up();
    // Failed attempts (if the relay tried before noticing the loss) wait their backoff: move the clock on meanwhile.
    await waitFor(async () => {
      clock.advance(60_000);
      return (await collect()).length >= 8;
    }, 30_000, 'eight replies delivered');
    await waitFor(async () => (await hd.service.get(ids[1], operator)).thread.every((m) => m.delivery.state === 'sent'), 5_000, 'all marked sent');
    await collect();

    const byId = new Map<string, number>();
    for (const m of received) byId.set(m.properties.messageId as string, (byId.get(m.properties.messageId as string) ?? 0) + 1);
    expect(byId.size).toBe(8);
    expect([...byId.values()].every((n) => n === 1)).toBe(true);
    for (const id of ids) {
      const keys = received.map(decoded).filter((m) => m.body.ticketId === id).map((m) => m.key);
      expect(keys).toEqual(['DE.response', 'DE.comment', 'DE.resolved', 'DE.reopened']);
      const view = await hd.service.get(id, operator);
      expect(view.thread.map((m) => m.messageId).sort()).toEqual(received.map(decoded).filter((m) => m.body.ticketId === id).map((m) => m.messageId).sort());
      expect(view.thread.every((m) => m.delivery.state === 'sent' && m.delivery.sentAt !== null)).toBe(true);
    }
    expect(received.map(decoded).some((m) => m.body.ticketId === fr)).toBe(false);
    expect((await hd.service.get(fr, operator)).thread).toEqual([]);
  });

  it('dead-letters a counterpart message about a ticket it never opened, and one that does not match the schema', async () => {
    await inspector.sendToQueue(names.helpdesk, body({ counterpartCountry: 'DE', counterpartRef: 'NOPE', messageId: 'm1', message: 'hello' }), 'unknown-ticket');
    await inspector.sendToQueue(names.helpdesk, body({ counterpartCountry: 'DE', counterpartRef: 'X', messageId: '', message: 'hello' }), 'bad-message');
    await waitFor(async () => (await inspector.messageCount(names.dead)) === 2, 10_000, 'two dead letters');
    const dead = await inspector.drain(names.dead);
    const codes = Object.fromEntries(dead.map((m) => [m.properties.messageId, m.properties.headers?.['x-error-code']]));
    expect(codes).toEqual({ 'unknown-ticket': 'HDK_TICKET_NOT_FOUND', 'bad-message': 'REQ_INVALID_BODY' });
  });
});
