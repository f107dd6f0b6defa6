/**
 * Several broker nodes (AMQP_URL as a comma-separated list): the list is parsed and checked, the broker connects to
 * the first node that answers, and when its connection is lost it goes on to the next node. On the real RabbitMQ,
 * two "nodes" are two TCP proxies in front of it: one refuses, or one is cut.
 */
import net from 'node:net';
import { amqpUrlList, brokerNode, nextNodeIndex, reconnectRound } from '../../src/bus/broker-urls';
import type { Broker } from '../../src/bus/broker';
import { deadQueueArguments, workQueueArguments } from '../../src/bus/topology';
import { retryQueueArguments } from '../../src/bus/retry-queue';
import { loadConfig } from '../../src/config/env';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { TcpProxy } from '../helpers/tcp-proxy';
import { capturingLogger, Inspector, newBroker, testNames, waitFor } from './support';

const AMQP_URL = amqpUrlOrSkip();

describe('broker URL list', () => {
  it('splits a comma-separated list, trimming spaces, and keeps one URL as a list of one', () => {
    expect(amqpUrlList('amqp://a:b@h1:5672, amqp://a:b@h2:5673 ,amqps://h3')).toEqual(['amqp://a:b@h1:5672', 'amqp://a:b@h2:5673', 'amqps://h3']);
    expect(amqpUrlList('amqp://guest:guest@127.0.0.1:5672')).toEqual(['amqp://guest:guest@127.0.0.1:5672']);
    expect(amqpUrlList(['amqp://h1', 'amqp://h2'])).toEqual(['amqp://h1', 'amqp://h2']);
  });

  it('names the bad item by position, never by its text (it may hold a password)', () => {
    expect(() => amqpUrlList('amqp://u:secret@h1,')).toThrow(/broker URL 2 of 2 is empty/);
    expect(() => amqpUrlList('amqp://h1,http://u:secret@h2')).toThrow(/broker URL 2 of 2 must start with amqp:\/\/ or amqps:\/\//);
    expect(() => amqpUrlList('not a url')).toThrow(/the broker URL is not a valid URL/);
    expect(() => amqpUrlList('')).toThrow(/No broker URL/);
    try {
      amqpUrlList('amqp://u:secret@h1,http://u:secret@h2');
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });

  it('shows a node as host:port, without credentials', () => {
    expect(brokerNode('amqp://u:secret@rabbit-1:5673/vhost')).toBe('rabbit-1:5673');
    expect(brokerNode('amqp://rabbit-1')).toBe('rabbit-1:5672');
    expect(brokerNode('amqps://rabbit-1')).toBe('rabbit-1:5671');
  });

  it('goes round the nodes, the one that went away last, the backoff growing once per round', () => {
    expect([0, 1, 2].map((i) => nextNodeIndex(i, 3))).toEqual([1, 2, 0]);
    expect(nextNodeIndex(0, 1)).toBe(0);
    expect([1, 2, 3, 4, 6, 7].map((a) => reconnectRound(a, 3))).toEqual([1, 1, 1, 2, 2, 3]);
    expect([1, 2, 3].map((a) => reconnectRound(a, 1))).toEqual([1, 2, 3]);
  });

  it('AMQP_URL takes a list, each URL checked; AMQP_QUORUM_SIZE sets the replication factor', () => {
    const list = 'amqp://g:g@127.0.0.1:5681,amqp://g:g@127.0.0.1:5682,amqp://g:g@127.0.0.1:5683';
    expect(loadConfig({ AMQP_URL: list, AMQP_QUORUM_SIZE: '3' })).toMatchObject({ amqpUrl: list, amqpQuorumSize: 3 });
    expect(loadConfig({ AMQP_URL: list }).amqpQuorumSize).toBeUndefined();
    expect(() => loadConfig({ AMQP_URL: 'amqp://h1,postgres://h2' })).toThrow(/AMQP_URL \(URL 2 of 2\) must start with amqp: or amqps:\/\//);
    expect(() => loadConfig({ AMQP_QUORUM_SIZE: '0' })).toThrow(/AMQP_QUORUM_SIZE="0" must be a whole number from 1 to 99/);
  });

  it('declares every quorum queue with x-quorum-initial-group-size when a size is set, and without it otherwise', () => {
    const names = testNames();
    const sized = { deliveryLimit: 20, quorumInitialGroupSize: 3 };
    for (const args of [workQueueArguments(names, sized), deadQueueArguments(sized), retryQueueArguments(names.intake, 3)]) {
      expect(args).toMatchObject({ 'x-queue-type': 'quorum', 'x-quorum-initial-group-size': 3 });
    }
    for (const args of [workQueueArguments(names, { deliveryLimit: 20 }), deadQueueArguments(), retryQueueArguments(names.intake)]) {
      expect(args).not.toHaveProperty('x-quorum-initial-group-size');
    }
  });
});

/** A local port nothing listens on (bound, then released). */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describeIf(AMQP_URL)('Broker over several nodes (RabbitMQ behind two proxies)', () => {
  let inspector: Inspector;
  const names = testNames();
  const brokers: Broker[] = [];
  const proxies: TcpProxy[] = [];
  const target = AMQP_URL ? new URL(AMQP_URL) : null;

  async function proxy(): Promise<TcpProxy> {
    const p = new TcpProxy(target!.hostname, Number(target!.port || 5672));
    await p.up();
    proxies.push(p);
    return p;
  }
  const connectedTo = (lines: Array<Record<string, unknown>>) => lines.filter((l) => l.event === 'bus.connected').map((l) => l.node);

  beforeAll(async () => {
    inspector = await Inspector.open(AMQP_URL!);
  });
  afterAll(async () => {
    for (const b of brokers) await b.close(2_000);
    for (const p of proxies) await p.down();
    await inspector.deleteTopology(names);
    await inspector.close();
  });

  it('connects to the second node when the first refuses', async () => {
    const refused = await refusedPort();
    const second = await proxy();
    const { logger, lines } = capturingLogger();
    const broker = newBroker(`amqp://guest:guest@127.0.0.1:${refused},${second.urlThrough(AMQP_URL!)}`, names, { logger });
    brokers.push(broker);
    await broker.start();
    expect(lines.find((l) => l.event === 'bus.connect_failed')?.node).toBe(`127.0.0.1:${refused}`);
    expect(connectedTo(lines)).toEqual([`127.0.0.1:${second.port}`]);
    await broker.publish('', names.intake, { n: 1 }, { messageId: 'm1' });
    expect(await inspector.messageCount(names.intake)).toBe(1);
  });

  it('fails over to the next node when its connection is lost, and publishes there', async () => {
    const [first, second] = [await proxy(), await proxy()];
    const { logger, lines } = capturingLogger();
    const broker = newBroker([first.urlThrough(AMQP_URL!), second.urlThrough(AMQP_URL!)].join(','), names, { logger, connectionName: `nodes-${names.intake}` });
    brokers.push(broker);
    await broker.start();
    expect(connectedTo(lines)).toEqual([`127.0.0.1:${first.port}`]);
    await first.down(); // the node goes away for good
    await waitFor(() => connectedTo(lines).length === 2, 30_000, 'reconnected');
    expect(connectedTo(lines)[1]).toBe(`127.0.0.1:${second.port}`);
    // Straight to the next node: no attempt at the one that went away in between.
    expect(lines.filter((l) => l.event === 'bus.connect_failed')).toEqual([]);
    await broker.publish('', names.intake, { n: 2 }, { messageId: 'm2' });
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 2, 10_000, 'both messages queued');
  });
});
