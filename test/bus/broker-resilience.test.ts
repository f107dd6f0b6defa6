import { Broker } from '../../src/bus/broker';
import { workQueueArguments } from '../../src/bus/topology';
import type { Delivery } from '../../src/bus/types';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { TcpProxy } from '../helpers/tcp-proxy';
import { body, capturingLogger, Inspector, killConnections, newBroker, sleep, testNames, waitFor } from './support';

const AMQP_URL = amqpUrlOrSkip();

describeIf(AMQP_URL)('Broker when the broker goes away (RabbitMQ)', () => {
  let inspector: Inspector;
  let names: ReturnType<typeof testNames>;
  const brokers: Broker[] = [];
  const proxies: TcpProxy[] = [];

  function track(b: Broker): Broker {
    brokers.push(b);
    return b;
  }

  async function proxy(): Promise<TcpProxy> {
    const target = new URL(AMQP_URL!);
    const p = new TcpProxy(target.hostname, Number(target.port || 5672));
    await p.up();
    proxies.push(p);
    return p;
  }

  beforeAll(async () => {
    inspector = await Inspector.open(AMQP_URL!);
  });
  afterAll(async () => {
    await inspector.close();
  });
  beforeEach(() => {
    names = testNames();
  });
  afterEach(async () => {
    for (const p of proxies) await p.up(); // let brokers close cleanly
    for (const b of brokers.splice(0)) await b.close(2_000);
    for (const p of proxies.splice(0)) await p.down();
    await inspector.deleteTopology(names);
  });

  it('reconnects after its connection is force-closed mid-stream and handles all 200 messages, none lost', async () => {
    const connectionName = `kill-test-${names.intake}`;
    const broker = track(newBroker(AMQP_URL!, names, { connectionName }));
    const events: string[] = [];
    broker.on('connected', () => events.push('connected'));
    broker.on('disconnected', () => events.push('disconnected'));
    await broker.start();

    const sent = Array.from({ length: 200 }, (_, i) => `env_${i}`);
    for (const id of sent) await broker.publish('', names.intake, body({ id }), { messageId: id });

    const handled = new Set<string>();
    let deliveries = 0;
    broker.consume(
      names.intake,
      async (d) => {
        deliveries++;
        await sleep(2); // the "database commit"
        handled.add(d.messageId!);
        return 'ack';
      },
      { prefetch: 10 },
    );
    await waitFor(() => handled.size >= 50, 10_000, '50 messages handled');
    expect(killConnections(connectionName)).toBe(1);
    await waitFor(() => events.includes('disconnected'), 5_000, 'the disconnection to be noticed');
    await waitFor(() => handled.size === 200, 20_000, 'all 200 messages handled');

    expect([...handled].sort()).toEqual([...sent].sort());
    expect(deliveries).toBeGreaterThanOrEqual(200); // at least once: those in flight at the kill come back
    expect(events).toEqual(['connected', 'disconnected', 'connected']);
    expect(broker.isConnected()).toBe(true);
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 0, 5_000, 'the queue to empty');
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });

  it('fails publishes fast while down, keeps retrying to connect, and resumes consuming when back', async () => {
    const p = await proxy();
    const { logger, lines } = capturingLogger();
    const broker = track(newBroker(p.urlThrough(AMQP_URL!), names, { logger }));
    await broker.start();
    const got: Delivery[] = [];
    broker.consume(names.intake, async (d) => {
      got.push(d);
      return 'ack';
    });
    await broker.publish('', names.intake, body({ n: 0 }), { messageId: 'before' });
    await waitFor(() => got.length === 1, 5_000, 'the first message');

    await p.down();
    await waitFor(() => !broker.isConnected(), 5_000, 'the broker to notice');
    // Fails fast: DEP_BROKER_DOWN while still disconnected (the proxy stays down), not a confirm timeout later.
    await expect(broker.publish('', names.intake, body({ n: 1 }), { messageId: 'while-down' })).rejects.toMatchObject({
      code: 'DEP_BROKER_DOWN',
    });
    expect(broker.isConnected()).toBe(false);

    // Work piles up on the broker meanwhile (the outbox of another instance, the RINA side…).
    await inspector.sendToQueue(names.intake, body({ n: 2 }), 'during-outage');
    await waitFor(() => lines.filter((l) => l.event === 'bus.connect_failed').length >= 2, 10_000, 'failed reconnect attempts');

    await p.up();
    await waitFor(() => broker.isConnected(), 10_000, 'the reconnection');
    await waitFor(() => got.some((d) => d.messageId === 'during-outage'), 10_000, 'the consumer to resume');
    await expect(broker.publish('', names.intake, body({ n: 3 }), { messageId: 'after' })).resolves.toBeUndefined();
    await waitFor(() => got.some((d) => d.messageId === 'after'), 5_000, 'the message published after recovery');
    const attempts = lines.filter((l) => l.event === 'bus.reconnect_scheduled').map((l) => l.delayMs as number);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...attempts)).toBeLessThanOrEqual(500); // the test's cap
  });

  it('rejects a publish the broker does not confirm in time with FWD_PUBLISH_FAILED', async () => {
    const p = await proxy();
    // The broker's own default is far away (60 s): a failure well before it can only be the publish's 300 ms.
    const broker = track(newBroker(p.urlThrough(AMQP_URL!), names, { confirmTimeoutMs: 60_000 }));
    await broker.start();
    p.freeze();
    const t0 = Date.now();
    await expect(broker.publish('', names.intake, body({}), { messageId: 'hung', confirmTimeoutMs: 300 })).rejects.toMatchObject({
      code: 'FWD_PUBLISH_FAILED',
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(Date.now() - t0).toBeLessThan(30_000);
    p.thaw();
    await expect(broker.publish('', names.intake, body({}), { messageId: 'after' })).resolves.toBeUndefined();
  });

  it('settles every publish in flight when the connection drops: a resolved publish is always in the queue', async () => {
    const p = await proxy();
    const broker = track(newBroker(p.urlThrough(AMQP_URL!), names, { confirmTimeoutMs: 60_000 }));
    await broker.start();
    const ids = Array.from({ length: 5_000 }, (_, i) => `fwd_${i}`);
    let confirmed = 0;
    let cut: Promise<void> | undefined;
    const publishes = ids.map((id) =>
      broker.publish('', names.intake, body({ id, padding: 'x'.repeat(512) }), { messageId: id }).then(() => {
        confirmed++;
        // Cut the connection from inside the 50th confirm, so no polling gap lets every publish finish first.
        if (confirmed === 50) cut = p.down();
      }),
    );
    const settled = Promise.allSettled(publishes); // observed from now on: rejections are expected
    await waitFor(() => cut !== undefined, 10_000, 'some confirms');
    const t0 = Date.now();
    await cut;
    const results = await settled;
    expect(Date.now() - t0).toBeLessThan(30_000); // failed on the drop, not after the 60 s confirm timeout

    const resolved = ids.filter((_, i) => results[i].status === 'fulfilled');
    const codes = new Set(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : [])));
    expect(resolved.length).toBeGreaterThanOrEqual(50);
    expect(resolved.length).toBeLessThan(ids.length); // the drop did cut some off, or the test proves nothing
    expect([...codes]).toEqual(['DEP_BROKER_DOWN']);
    const queued = new Set((await inspector.drain(names.intake)).map((m) => m.properties.messageId as string));
    expect(resolved.filter((id) => !queued.has(id))).toEqual([]);
  });

  it('start() waits for a broker that is not there yet; close() before it came gives up cleanly', async () => {
    const p = await proxy();
    await p.down();
    const { logger, lines } = capturingLogger();
    const broker = track(newBroker(p.urlThrough(AMQP_URL!), names, { logger }));
    let started = false;
    const starting = broker.start().then(() => {
      started = true;
    });
    await waitFor(() => lines.filter((l) => l.event === 'bus.connect_failed').length >= 2, 10_000, 'two failed connection attempts');
    expect(started).toBe(false);
    expect(broker.isConnected()).toBe(false);
    await p.up();
    await starting;
    expect(broker.isConnected()).toBe(true);

    const refused = capturingLogger();
    const never = track(newBroker('amqp://guest:guest@127.0.0.1:1', testNames(), { logger: refused.logger }));
    const pending = never.start();
    await waitFor(() => refused.lines.some((l) => l.event === 'bus.connect_failed'), 10_000, 'a refused connection attempt');
    await never.close();
    await expect(pending).rejects.toMatchObject({ code: 'DEP_BROKER_DOWN' });
  });

  it('subscribes again when the broker cancels the consumer (queue deleted and re-created)', async () => {
    const { logger, lines } = capturingLogger();
    const broker = track(newBroker(AMQP_URL!, names, { logger, reconnect: { initialMs: 20, maxMs: 200 } }));
    await broker.start();
    const got: string[] = [];
    broker.consume(names.intake, async (d) => {
      got.push(d.messageId!);
      return 'ack';
    });
    await broker.publish('', names.intake, body({}), { messageId: 'one' });
    await waitFor(() => got.includes('one'), 5_000, 'the first message');

    await inspector.deleteQueue(names.intake);
    await waitFor(() => lines.some((l) => l.event === 'bus.consume_failed'), 10_000, 'a re-subscription attempt to fail (no queue)');
    await inspector.declareQueue(names.intake, workQueueArguments(names, { deliveryLimit: 20 }));
    await broker.publish('', names.intake, body({}), { messageId: 'two' });
    await waitFor(() => got.includes('two'), 10_000, 'the consumer to come back');
  });
});

describeIf(AMQP_URL)('Broker graceful close (RabbitMQ)', () => {
  let inspector: Inspector;
  let names: ReturnType<typeof testNames>;

  beforeAll(async () => {
    inspector = await Inspector.open(AMQP_URL!);
  });
  afterAll(async () => {
    await inspector.close();
  });
  beforeEach(() => {
    names = testNames();
  });
  afterEach(async () => {
    await inspector.deleteTopology(names);
  });

  it('waits for the handler in flight, acks its message, and takes no new one', async () => {
    const broker = newBroker(AMQP_URL!, names);
    await broker.start();
    let started = 0;
    let finished = 0;
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    broker.consume(
      names.intake,
      async () => {
        started++;
        await slow;
        finished++;
        return 'ack';
      },
      { prefetch: 1 },
    );
    await broker.publish('', names.intake, body({}), { messageId: 'slow' });
    await broker.publish('', names.intake, body({}), { messageId: 'next' });
    await waitFor(() => started === 1, 5_000, 'the handler to start');

    // The handler finishes only after close() began (it is stopping: a message that still arrives is handed back
    // unstarted), so close() resolving with the handler finished means it waited for it.
    let closed = false;
    const closing = broker.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toBe(1);
    expect(started).toBe(1);
    expect(broker.isConnected()).toBe(false);
    await expect(broker.publish('', names.intake, body({}))).rejects.toMatchObject({ code: 'DEP_BROKER_DOWN' });
    const left = await inspector.drain(names.intake);
    expect(left.map((m) => m.properties.messageId)).toEqual(['next']); // 'slow' was acked, 'next' untouched
  });

  it('gives up waiting after the timeout; the unfinished message goes back to the queue', async () => {
    const broker = newBroker(AMQP_URL!, names);
    await broker.start();
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    let started = false;
    broker.consume(names.intake, async () => {
      started = true;
      await stuck;
      return 'ack';
    });
    await broker.publish('', names.intake, body({}), { messageId: 'stuck' });
    await waitFor(() => started, 5_000, 'the handler to start');

    // A handler stuck for ever: close(300) must return anyway (the race only keeps a broken close from hanging the test).
    let guard: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      broker.close(300).then(() => 'closed'),
      new Promise((resolve) => (guard = setTimeout(() => resolve('still waiting'), 30_000))),
    ]);
    clearTimeout(guard);
    expect(outcome).toBe('closed');
    release(); // the late ack lands on a closed channel: harmless
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 1, 10_000, 'the message back in its queue');
    const left = await inspector.drain(names.intake);
    expect(left.map((m) => m.properties.messageId)).toEqual(['stuck']);
  });

  it('cuts a retry pause short on close and hands the message back', async () => {
    const broker = newBroker(AMQP_URL!, names);
    await broker.start();
    let attempts = 0;
    broker.consume(
      names.intake,
      async () => {
        attempts++;
        return { retry: 'DEP_DATABASE_DOWN' };
      },
      { retryDelay: { initialMs: 60_000, maxMs: 60_000 } },
    );
    await broker.publish('', names.intake, body({}), { messageId: 'waiting' });
    await waitFor(() => attempts === 1, 5_000, 'the first attempt');
    const t0 = Date.now();
    await broker.close();
    expect(Date.now() - t0).toBeLessThan(30_000); // cut short: the pause was 60 s
    const left = await inspector.drain(names.intake);
    expect(left.map((m) => m.properties.messageId)).toEqual(['waiting']);
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });
});
