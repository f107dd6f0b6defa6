import { Broker } from '../../src/bus/broker';
import { DEAD_LETTER_HEADERS } from '../../src/bus/dead-letter';
import { retryQueueName } from '../../src/bus/retry-queue';
import { institutionQueueName } from '../../src/bus/topology';
import type { Delivery, Verdict } from '../../src/bus/types';
import { AppError } from '../../src/shared/errors';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { body, capturingLogger, Inspector, newBroker, testNames, waitFor } from './support';

const AMQP_URL = amqpUrlOrSkip();
const FAST_RETRY = { initialMs: 10, maxMs: 50 };

describe('Broker options (no broker needed)', () => {
  const broker = (): Broker => new Broker({ url: 'amqp://127.0.0.1:1', logger: capturingLogger().logger, names: testNames() });

  it('refuses a retry bound the queues would cut short (the broker would dead-letter without x-error-code)', () => {
    expect(() => broker().consume('q', async () => 'ack', { maxAttempts: 21 })).toThrow(
      expect.objectContaining({ code: 'CFG_INVALID', message: expect.stringContaining('delivery limit (20)') }),
    );
    const raised = new Broker({ url: 'amqp://127.0.0.1:1', logger: capturingLogger().logger, deliveryLimit: 60 });
    expect(() => raised.consume('q', async () => 'ack', { maxAttempts: 50 })).not.toThrow();
    void raised.close();
  });

  it.each([0, -1, 1.5])('refuses prefetch %p', (prefetch) => {
    expect(() => broker().consume('q', async () => 'ack', { prefetch })).toThrow(expect.objectContaining({ code: 'CFG_INVALID' }));
  });

  it('rejects publishing before start() with DEP_BROKER_DOWN', async () => {
    await expect(broker().publish('', 'q', { a: 1 })).rejects.toMatchObject({ code: 'DEP_BROKER_DOWN' });
  });
});

describeIf(AMQP_URL)('Broker: publish with confirms, consume with verdicts (RabbitMQ)', () => {
  let inspector: Inspector;
  let broker: Broker;
  let names: ReturnType<typeof testNames>;
  let log: ReturnType<typeof capturingLogger>;
  const institution = 'FR:CPAM075';

  beforeAll(async () => {
    inspector = await Inspector.open(AMQP_URL!);
  });
  afterAll(async () => {
    await inspector.close();
  });

  beforeEach(async () => {
    names = testNames();
    log = capturingLogger();
    broker = newBroker(AMQP_URL!, names, { logger: log.logger });
    await broker.start();
  });
  afterEach(async () => {
    await broker.close();
    await inspector.deleteTopology(names, [institutionQueueName(names, institution)]);
  });

  /** Run a consumer on the intake queue; resolves with every delivery seen once `until` holds. */
  function consumeIntake(handler: (d: Delivery) => Promise<Verdict>, maxAttempts = 3, prefetch = 5, retryDelay = FAST_RETRY): Delivery[] {
    const seen: Delivery[] = [];
    broker.consume(
      names.intake,
      async (d) => {
        seen.push(d);
        return handler(d);
      },
      { prefetch, maxAttempts, retryDelay, pauseDelay: { initialMs: 50, maxMs: 200 } },
    );
    return seen;
  }

  it('declares its topology at start and reports connected', async () => {
    expect(broker.isConnected()).toBe(true);
    expect(await inspector.messageCount(names.dead)).toBe(0);
    expect(await inspector.exchangeExists(names.forward)).toBe(true);
  });

  it('publishes a forward with confirm to the institution queue; the consumer gets body, id and headers, then acks', async () => {
    const [queue] = await broker.declareInstitutionQueues([institution]);
    const forward = { forwardId: 'fwd_1', caseId: '4410023', institutionId: institution };
    await broker.publish(names.forward, institution, forward, {
      messageId: 'fwd_1',
      headers: { 'x-legal-delivery-at': '2026-11-20T09:14:03Z' },
    });
    expect(await inspector.messageCount(queue)).toBe(1); // confirmed means stored

    const got: Delivery[] = [];
    broker.consume(queue, async (d) => {
      got.push(d);
      return 'ack';
    });
    await waitFor(() => got.length === 1, 5_000, 'the forward');
    expect(JSON.parse(got[0].content.toString())).toEqual(forward);
    expect(got[0]).toMatchObject({
      messageId: 'fwd_1',
      redelivered: false,
      deliveryCount: undefined,
      attempt: 1,
      routingKey: institution,
      headers: { 'x-legal-delivery-at': '2026-11-20T09:14:03Z' },
    });
    await waitFor(async () => (await inspector.messageCount(queue)) === 0, 5_000, 'the ack');
  });

  it('rejects a publish nobody can receive with BUS_UNROUTABLE, and keeps publishing afterwards', async () => {
    await expect(broker.publish(names.forward, 'FR:NOQUEUE01', { forwardId: 'fwd_x' }, { messageId: 'fwd_x' })).rejects.toMatchObject({
      code: 'BUS_UNROUTABLE',
    });
    // same channel, routable this time
    await expect(broker.publish('', names.intake, body({ n: 1 }), { messageId: 'env_1' })).resolves.toBeUndefined();
    // several publishes in flight, one unroutable: only that one fails
    const results = await Promise.allSettled([
      broker.publish('', names.intake, body({ n: 2 })),
      broker.publish(names.forward, 'FR:NOQUEUE01', body({ n: 3 })),
      broker.publish('', names.intake, body({ n: 4 })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await inspector.messageCount(names.intake)).toBe(3);
  });

  it('rejects a publish to a missing exchange with FWD_PUBLISH_FAILED and recovers its channel', async () => {
    await expect(broker.publish(`${names.forward}.missing`, 'x', body({}))).rejects.toMatchObject({ code: 'FWD_PUBLISH_FAILED' });
    await expect(broker.publish('', names.intake, body({ n: 1 }))).resolves.toBeUndefined();
    expect(await inspector.messageCount(names.intake)).toBe(1);
  });

  it("acks on 'ack': the message is gone and nothing is dead-lettered", async () => {
    const seen = consumeIntake(async () => 'ack');
    await broker.publish('', names.intake, body({ n: 1 }), { messageId: 'env_1' });
    await waitFor(() => seen.length === 1, 5_000, 'delivery');
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 0, 5_000, 'ack');
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });

  it('dead-letters at once on a dead verdict, with x-error-code, reason and origin, body intact', async () => {
    const seen = consumeIntake(async () => ({ dead: 'VAL_SCHEMA_MISMATCH', reason: '/sedType: required' }));
    await broker.publish('', names.intake, body({ envelopeId: 'P2000_a_1' }), { messageId: 'env_dead', headers: { source: 'rina' } });
    await waitFor(async () => (await inspector.messageCount(names.dead)) === 1, 5_000, 'the dead letter');
    const [dead] = await inspector.drain(names.dead);
    expect(seen).toHaveLength(1);
    expect(JSON.parse(dead.content.toString())).toEqual({ envelopeId: 'P2000_a_1' });
    expect(dead.properties.messageId).toBe('env_dead');
    expect(dead.properties.headers).toMatchObject({
      source: 'rina',
      [DEAD_LETTER_HEADERS.errorCode]: 'VAL_SCHEMA_MISMATCH',
      [DEAD_LETTER_HEADERS.errorReason]: '/sedType: required',
      [DEAD_LETTER_HEADERS.originalQueue]: names.intake,
      [DEAD_LETTER_HEADERS.attempts]: 1,
    });
    expect(await inspector.messageCount(names.intake)).toBe(0);
  });

  it('retries an unexpected failure through the retry queue up to maxAttempts, counting in a header, then dead-letters with its code', async () => {
    const deadEvents: unknown[] = [];
    broker.on('dead-lettered', (e) => deadEvents.push(e));
    const seen = consumeIntake(async () => ({ retry: 'INT_UNEXPECTED' }), 3);
    await broker.publish('', names.intake, body({ n: 1 }), { messageId: 'env_retry' });
    await waitFor(async () => (await inspector.messageCount(names.dead)) === 1, 10_000, 'the dead letter');
    // Each retry is a fresh copy dead-lettered back from the retry queue: the attempts travel in a header.
    expect(seen.map((d) => [d.attempt, d.headers['x-liaison-attempts'] ?? null])).toEqual([
      [1, null],
      [2, 1],
      [3, 2],
    ]);
    expect(seen.every((d) => d.messageId === 'env_retry')).toBe(true);
    const [dead] = await inspector.drain(names.dead);
    expect(dead.properties.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.errorCode]: 'INT_UNEXPECTED',
      [DEAD_LETTER_HEADERS.attempts]: 3,
      [DEAD_LETTER_HEADERS.originalQueue]: names.intake,
    });
    expect(deadEvents).toEqual([{ queue: names.intake, code: 'INT_UNEXPECTED', messageId: 'env_retry' }]);
    expect(await inspector.messageCount(names.intake)).toBe(0);
    expect(await inspector.messageCount(retryQueueName(names.intake))).toBe(0);
  });

  it('a message waiting for its retry holds no prefetch slot: healthy messages behind it flow meanwhile', async () => {
    const acked: string[] = [];
    const seen = consumeIntake(async (d) => {
      if (d.messageId === 'poison') return { retry: 'INT_UNEXPECTED' };
      acked.push(d.messageId!);
      return 'ack';
    }, 2, 1, { initialMs: 60_000, maxMs: 60_000 });
    await broker.publish('', names.intake, body({ n: 0 }), { messageId: 'poison' });
    for (let i = 0; i < 20; i++) await broker.publish('', names.intake, body({ n: i }), { messageId: `ok${i}` });
    // With prefetch 1 and a one-minute retry delay, the 20 could only pass if the poison message let go of its slot.
    await waitFor(() => acked.length === 20, 20_000, 'the healthy messages');
    expect(seen.filter((d) => d.messageId === 'poison')).toHaveLength(1);
    expect(await inspector.messageCount(retryQueueName(names.intake))).toBe(1);
  });

  it('pauses on a dependency failure: the message goes back uncounted, consumption resumes, nothing is dead-lettered', async () => {
    let failures = 1;
    const seen = consumeIntake(async () => {
      if (failures-- > 0) throw new AppError('DEP_DATABASE_DOWN', 'commit failed');
      return 'ack';
    }, 1);
    await broker.publish('', names.intake, body({ n: 1 }), { messageId: 'env_flaky' });
    await waitFor(() => seen.length === 2, 5_000, 'the redelivery');
    // Not an attempt: even with maxAttempts 1 the message is handled again, never dead-lettered.
    expect(seen[1]).toMatchObject({ messageId: 'env_flaky', redelivered: true, attempt: 1 });
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 0, 5_000, 'ack');
    expect(await inspector.messageCount(names.dead)).toBe(0);
    expect(log.lines.map((l) => l.event)).toEqual(expect.arrayContaining(['bus.consumer_paused', 'bus.consumer_resumed']));
  });

  it('dead-letters a non-retryable AppError at once', async () => {
    const seen = consumeIntake(async () => {
      throw new AppError('VAL_UNKNOWN_BUC', 'X_BUC_99 is not a BUC type');
    });
    await broker.publish('', names.intake, body({ n: 1 }));
    await waitFor(async () => (await inspector.messageCount(names.dead)) === 1, 5_000, 'the dead letter');
    const [dead] = await inspector.drain(names.dead);
    expect(dead.properties.headers?.[DEAD_LETTER_HEADERS.errorCode]).toBe('VAL_UNKNOWN_BUC');
    expect(seen).toHaveLength(1);
  });

  it('keeps consuming when handlers throw: every message ends acked or dead-lettered, none skipped', async () => {
    const poison = new Set(['m3', 'm7']);
    const acked = new Set<string>();
    consumeIntake(async (d) => {
      if (poison.has(d.messageId!)) throw new TypeError('cannot read properties of undefined');
      acked.add(d.messageId!);
      return 'ack';
    }, 2);
    const ids = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const id of ids) await broker.publish('', names.intake, body({ id }), { messageId: id });
    await waitFor(async () => acked.size === 18 && (await inspector.messageCount(names.dead)) === 2, 10_000, 'all messages settled');
    const dead = await inspector.drain(names.dead);
    expect(dead.map((m) => m.properties.messageId).sort()).toEqual(['m3', 'm7']);
    expect(dead.every((m) => m.properties.headers?.[DEAD_LETTER_HEADERS.errorCode] === 'INT_UNEXPECTED')).toBe(true);
    expect([...acked, ...poison].sort()).toEqual([...ids].sort());
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 0, 5_000, 'queue empty');
  });

  it('treats a handler that returns no verdict as a failure, never as an ack', async () => {
    consumeIntake(async () => undefined as unknown as Verdict, 2);
    await broker.publish('', names.intake, body({ n: 1 }), { messageId: 'env_bug' });
    await waitFor(async () => (await inspector.messageCount(names.dead)) === 1, 5_000, 'the dead letter');
    const [dead] = await inspector.drain(names.dead);
    expect(dead.properties.headers?.[DEAD_LETTER_HEADERS.errorCode]).toBe('INT_UNEXPECTED');
  });

  it('batches naturally: a lone message is handled at once; messages arriving while windows are handled gather into one window', async () => {
    const windows: string[][] = [];
    let release: () => void = () => undefined;
    let held = 0;
    const gate = new Promise<void>((r) => { release = r; });
    broker.consumeBatch(names.intake, async (ds) => {
      windows.push(ds.map((d) => d.messageId as string));
      // The second and third windows are held, as a slow transaction would: what arrives meanwhile must wait.
      if (windows.length === 2 || windows.length === 3) {
        held += 1;
        await gate;
      }
      return ds.map(() => 'ack' as const);
    }, { prefetch: 100, batchMax: 50, windowsAhead: 2 });

    // Alone: handled without waiting for more (no timer), in a window of its own.
    await broker.publish('', names.intake, body({ n: 0 }), { messageId: 'lone' });
    await waitFor(async () => windows.length === 1, 5_000, 'the lone message handled');
    expect(windows[0]).toEqual(['lone']);

    // Two windows held: the 20 messages sent meanwhile are delivered but gather until one of them settles.
    await broker.publish('', names.intake, body({ n: 1 }), { messageId: 'a' });
    await waitFor(async () => windows.length === 2, 5_000, 'window a');
    await broker.publish('', names.intake, body({ n: 2 }), { messageId: 'b' });
    await waitFor(async () => windows.length === 3 && held === 2, 5_000, 'window b');
    const later = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const id of later) await broker.publish('', names.intake, body({ id }), { messageId: id });
    await new Promise((r) => setTimeout(r, 300)); // delivered (prefetch 100) while both windows are held
    expect(windows).toHaveLength(3);
    release();
    await waitFor(async () => windows.flat().length === 23, 5_000, 'every message handled');
    expect(windows.slice(3)).toEqual([later]); // one window, in arrival order
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 0, 5_000, 'all acked');
  });

  it('logs each decision with ids and codes, never the message body', async () => {
    const marker = 'DUPONT-Jeanne-1958-03-02';
    consumeIntake(async (d) => (d.messageId === 'ok' ? 'ack' : { retry: 'INT_UNEXPECTED' }), 2);
    await broker.publish('', names.intake, body({ familyName: marker }), { messageId: 'ok' });
    await broker.publish('', names.intake, body({ familyName: marker }), { messageId: 'ko' });
    await waitFor(async () => (await inspector.messageCount(names.dead)) === 1, 5_000, 'the dead letter');
    await inspector.drain(names.dead);
    const events = log.lines.map((l) => l.event);
    expect(events).toEqual(expect.arrayContaining(['bus.connected', 'bus.message_acked', 'bus.message_retry', 'bus.message_dead']));
    expect(log.lines.find((l) => l.event === 'bus.message_dead')).toMatchObject({ queue: names.intake, messageId: 'ko', code: 'INT_UNEXPECTED' });
    expect(JSON.stringify(log.lines)).not.toContain(marker);
  });
});
