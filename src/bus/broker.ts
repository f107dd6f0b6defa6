import { EventEmitter } from 'node:events';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { systemClock, type Clock } from '../shared/clock';
import { AppError, type ErrorCode } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { backoffDelay, backoffPolicy, DEFAULT_RECONNECT_BACKOFF, type BackoffPolicy } from '../shared/backoff';
import { amqpUrlList, brokerNode, describe, nextNodeIndex, positiveInt, reconnectRound, withoutUndefined } from './broker-urls';
import { settleWithin } from './async';
import { CLOSE_GRACE_MS, Consumer } from './consumer';
import { retryQueueName } from './retry-queue';
import { deadLetterMessage, retryMessage } from './dead-letter';
import type { Outcome } from './failure-policy';
import { ConfirmPublisher } from './publisher';
import { amqpSocketOf, batchWritesPerTurn } from './socket-batching';
import {
  DEFAULT_QUEUE_POLICY,
  declareInstitutionQueues,
  declareTopology,
  institutionQueueName,
  topologyNames,
  type QueuePolicy,
  type TopologyNames,
} from './topology';
import type { BatchHandler, ConsumeOptions, ConsumerHandle, MessageBus, MessageHandler, PublishOptions } from './types';

export interface BrokerOptions {
  /** amqp://user:password@host:port/vhost (`heartbeat` &c. honoured), never logged; or several nodes of one cluster,
   *  comma-separated (or an array): the first is tried first, the next one when a connection fails or is lost. */
  url: string | readonly string[];
  logger: Logger;
  clock?: Clock;
  /** Overrides of the docs/contract.md §4 names. */
  names?: Partial<TopologyNames>;
  /** Shown in the broker's connection list; tests use it to find and close their own connection. */
  connectionName?: string;
  /** Reconnect and re-subscribe delays. Default 0.5 s doubling up to 30 s, ±20 % jitter. */
  reconnect?: Partial<BackoffPolicy>;
  /** Default for PublishOptions.confirmTimeoutMs. Default 10 s. */
  confirmTimeoutMs?: number;
  /** TCP connect timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /** `x-delivery-limit` of the work queues (see QueuePolicy). Default 20. */
  deliveryLimit?: number;
  quorumInitialGroupSize?: number; // `x-quorum-initial-group-size` of every queue (QueuePolicy); unset: every node
}

export interface DeadLetteredEvent {
  queue: string;
  code: ErrorCode;
  messageId?: string;
}

const DEFAULT_CONSUME = { prefetch: 10, maxAttempts: 5 } as const;
const DEFAULT_RETRY_DELAY: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, factor: 2, jitter: 0.2 };
const DEFAULT_PAUSE_DELAY: BackoffPolicy = { initialMs: 500, maxMs: 10_000, factor: 2, jitter: 0.2 };

type State = 'idle' | 'running' | 'closing' | 'closed';

/**
 * The service's one connection to RabbitMQ. It declares the topology, reconnects with backoff when the broker goes
 * away (declaring the topology again and re-subscribing every consumer), publishes with confirms and runs consumers
 * with ack-after-handler and bounded retries into the dead queue.
 *
 * Events: `connected` (), `disconnected` (error?), `dead-lettered` (DeadLetteredEvent), for readiness and metrics.
 */
export class Broker extends EventEmitter implements MessageBus {
  readonly names: Readonly<TopologyNames>;
  private readonly opts: Required<Omit<BrokerOptions, 'names' | 'reconnect' | 'url' | 'quorumInitialGroupSize'>> & { reconnect: BackoffPolicy };
  private readonly urls: readonly string[];
  private readonly policy: QueuePolicy;
  private nodeIndex = 0; // the node of `urls` connected to, or tried next
  private state: State = 'idle';
  private connection: ChannelModel | null = null;
  private blocked = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly consumers = new Set<Consumer>();
  private readonly institutionIds = new Set<string>();
  private readonly publisher: ConfirmPublisher;
  private readonly firstConnection: Promise<void>;
  private resolveFirst!: () => void;
  private rejectFirst!: (err: Error) => void;
  private closing: Promise<void> | null = null;

  constructor(options: BrokerOptions) {
    super();
    this.names = topologyNames(options.names);
    this.urls = amqpUrlList(options.url);
    this.opts = {
      logger: options.logger,
      clock: options.clock ?? systemClock,
      connectionName: options.connectionName ?? 'eessi-liaison',
      reconnect: backoffPolicy(options.reconnect, DEFAULT_RECONNECT_BACKOFF),
      confirmTimeoutMs: options.confirmTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      deliveryLimit: options.deliveryLimit ?? DEFAULT_QUEUE_POLICY.deliveryLimit,
    };
    const size = options.quorumInitialGroupSize;
    this.policy = { deliveryLimit: this.opts.deliveryLimit, quorumInitialGroupSize: size === undefined ? undefined : positiveInt(size, 1, 'quorumInitialGroupSize') };
    this.firstConnection = new Promise<void>((resolve, reject) => {
      this.resolveFirst = resolve;
      this.rejectFirst = reject;
    });
    // Nobody may be waiting on start(); a close() before the first connection must not be an unhandled rejection.
    this.firstConnection.catch(() => undefined);
    this.publisher = new ConfirmPublisher({
      connection: () => this.connection,
      isBlocked: () => this.blocked,
      logger: this.opts.logger,
    });
  }

  /**
   * Start connecting, and keep trying with backoff until connected. Resolves once connected with the topology
   * declared (the service may also go on without waiting: /readyz reports `isConnected()`); rejects only if
   * close() comes first.
   */
  start(): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'running';
      void this.connect();
    }
    return this.firstConnection;
  }

  /** Connected, topology declared: for /readyz. */
  isConnected(): boolean {
    return this.connection !== null;
  }

  /**
   * Publish and resolve once the broker confirmed. Fails fast with DEP_BROKER_DOWN while disconnected (or when the
   * connection drops before the confirm), with BUS_UNROUTABLE when no queue is bound for the routing key, with
   * FWD_PUBLISH_FAILED on a nack, a confirm timeout or a channel error (e.g. no such exchange).
   * A plain object is sent as JSON. A publish that failed may still have reached the queue (e.g. confirm lost with the
   * connection): consumers de-duplicate on messageId.
   */
  publish(exchange: string, routingKey: string, body: Buffer | object, options: PublishOptions = {}): Promise<void> {
    if (this.state !== 'running') {
      return Promise.reject(new AppError('DEP_BROKER_DOWN', 'The message broker connection is not running'));
    }
    const json = !Buffer.isBuffer(body);
    const properties = {
      messageId: options.messageId,
      correlationId: options.correlationId,
      headers: options.headers ?? {},
      persistent: options.persistent ?? true,
      contentType: options.contentType ?? (json ? 'application/json' : undefined),
      timestamp: Math.floor(this.opts.clock.now().getTime() / 1000),
    };
    return this.publisher.publish({
      exchange,
      routingKey,
      content: json ? Buffer.from(JSON.stringify(body)) : body,
      properties: withoutUndefined(properties),
      mandatory: options.mandatory ?? true,
      confirmTimeoutMs: options.confirmTimeoutMs ?? this.opts.confirmTimeoutMs,
    });
  }

  /**
   * Consume `queue` (a quorum queue: retries are counted with its `x-delivery-count`). Returns at once; the
   * consumer subscribes when connected and again after every reconnect.
   */
  consume(queue: string, handler: MessageHandler, options: ConsumeOptions = {}): ConsumerHandle {
    return this.addConsumer(queue, { handler }, options);
  }

  consumeBatch(queue: string, batchHandler: BatchHandler, options: ConsumeOptions = {}): ConsumerHandle {
    return this.addConsumer(queue, { batchHandler }, options);
  }

  private addConsumer(queue: string, handlers: { handler?: MessageHandler; batchHandler?: BatchHandler }, options: ConsumeOptions): Consumer {
    if (this.state === 'closing' || this.state === 'closed') {
      throw new AppError('DEP_BROKER_DOWN', 'The message broker connection is closing');
    }
    const maxAttempts = positiveInt(options.maxAttempts, DEFAULT_CONSUME.maxAttempts, 'maxAttempts');
    const prefetch = positiveInt(options.prefetch, DEFAULT_CONSUME.prefetch, 'prefetch');
    // The broker dead-letters on its own after deliveryLimit failed deliveries (deliveryLimit + 1 deliveries), without
    // x-error-code: the consumer must give up first.
    if (maxAttempts > this.opts.deliveryLimit) {
      throw new AppError(
        'CFG_INVALID',
        `maxAttempts (${maxAttempts}) for "${queue}" exceeds the queues' delivery limit (${this.opts.deliveryLimit}): raise BrokerOptions.deliveryLimit`,
      );
    }
    const consumer = new Consumer(
      {
        queue,
        ...handlers,
        windowsAhead: positiveInt(options.windowsAhead, 2, 'windowsAhead'),
        prefetch,
        batchMax: Math.min(prefetch, positiveInt(options.batchMax, prefetch, 'batchMax')),
        maxAttempts,
        retryDelay: backoffPolicy(options.retryDelay, DEFAULT_RETRY_DELAY),
        retryQueue: retryQueueName(queue),
        quorumInitialGroupSize: this.policy.quorumInitialGroupSize,
        ready: options.ready,
        pauseDelay: backoffPolicy(options.pauseDelay, DEFAULT_PAUSE_DELAY),
      },
      {
        connection: () => this.connection,
        deadLetter: (msg, q, outcome, attempt) => this.deadLetter(msg, q, outcome, attempt),
        parkForRetry: (msg, retryQueue, attempt, delayMs) => this.parkForRetry(msg, retryQueue, attempt, delayMs),
        stopped: (c) => this.consumers.delete(c),
        logger: this.opts.logger,
        resubscribe: this.opts.reconnect,
      },
    );
    this.consumers.add(consumer);
    consumer.ensureAttached();
    return consumer;
  }

  /**
   * Declare (idempotently) the quorum queue of each institution, bound to the forward exchange with its id as
   * routing key, and remember them so they are declared again after a reconnect. Returns the queue names.
   * Rejects with FWD_TARGET_INVALID for an id that is not an institution id (before declaring anything), and with
   * DEP_BROKER_DOWN while disconnected (the ids are still remembered and declared at the next connection).
   */
  async declareInstitutionQueues(institutionIds: readonly string[]): Promise<string[]> {
    const queues = institutionIds.map((id) => institutionQueueName(this.names, id));
    for (const id of institutionIds) this.institutionIds.add(id);
    const connection = this.connection;
    if (!connection) throw new AppError('DEP_BROKER_DOWN', 'Not connected to the message broker');
    try {
      const channel = await connection.createChannel();
      // The rejection below reports a failed declaration; without a listener the channel's 'error' would throw.
      channel.on('error', () => undefined);
      try {
        await declareInstitutionQueues(channel, this.names, institutionIds, this.policy);
      } finally {
        await channel.close().catch(() => undefined);
      }
    } catch (err) {
      // 406 PRECONDITION_FAILED: the queue exists with other arguments, a deployment problem rather than an outage.
      const precondition = (err as { code?: unknown }).code === 406;
      throw new AppError(precondition ? 'CFG_INVALID' : 'DEP_BROKER_DOWN', `Could not declare institution queues: ${describe(err)}`);
    }
    return queues;
  }

  /**
   * Graceful shutdown: stop every consumer (no new messages), let handlers in flight finish and settle, wait for
   * unconfirmed publishes, then close. After `timeoutMs` it closes anyway: unacknowledged messages go back to their
   * queues and are redelivered, never lost.
   */
  close(timeoutMs = 30_000): Promise<void> {
    this.closing ??= this.doClose(timeoutMs);
    return this.closing;
  }

  private async doClose(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.state = 'closing';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.rejectFirst(new AppError('DEP_BROKER_DOWN', 'The broker connection was closed before it was established'));
    await Promise.all([...this.consumers].map((c) => c.stop(Math.max(0, deadline - Date.now()))));
    await this.publisher.drain(Math.max(0, deadline - Date.now()));
    const grace = Math.max(deadline - Date.now(), CLOSE_GRACE_MS);
    await this.publisher.close(grace);
    const connection = this.connection;
    this.connection = null;
    if (connection && !(await settleWithin([connection.close()], grace))) {
      // The broker never answered the close: drop the socket (amqplib keeps it on an undocumented `stream`).
      (connection.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
    }
    this.state = 'closed';
    this.opts.logger.info('broker connection closed', { event: 'bus.closed' });
  }

  private async connect(): Promise<void> {
    if (this.state !== 'running') return;
    const { logger } = this.opts;
    let connection: ChannelModel | null = null;
    let lost = false;
    const node = brokerNode(this.urls[this.nodeIndex]);
    try {
      connection = await connect(this.urls[this.nodeIndex], {
        clientProperties: { connection_name: this.opts.connectionName },
        timeout: this.opts.connectTimeoutMs,
        // Without it Nagle's algorithm holds small frames back for the peer's delayed ACK: a confirmed publish
        // awaited one at a time (the outbox relay) took ~46 ms instead of ~2 ms.
        noDelay: true,
      });
      const conn = connection;
      batchWritesPerTurn(amqpSocketOf(conn));
      // amqplib emits 'error' before 'close'; without a listener an EventEmitter 'error' would crash the process.
      conn.on('error', (err: Error) => logger.warn('broker connection error', { event: 'bus.connection_error', error: err.message }));
      conn.on('close', (err?: Error) => {
        lost = true;
        this.onConnectionClosed(conn, err);
      });
      conn.on('blocked', (reason: string) => {
        if (this.connection === conn) this.blocked = true;
        logger.warn('broker blocked publishing', { event: 'bus.blocked', reason });
      });
      conn.on('unblocked', () => {
        this.blocked = false;
        logger.info('broker unblocked publishing', { event: 'bus.unblocked' });
      });
      await this.declare(conn);
      if (lost) throw new Error('connection lost while declaring the topology');
    } catch (err) {
      logger.warn('broker connection attempt failed', { event: 'bus.connect_failed', node, attempt: this.reconnectAttempt, error: describe(err) });
      if (connection && !lost) await connection.close().catch(() => undefined);
      this.nodeIndex = nextNodeIndex(this.nodeIndex, this.urls.length);
      this.scheduleReconnect();
      return;
    }
    if (this.state !== 'running') {
      await connection.close().catch(() => undefined);
      return;
    }
    this.connection = connection;
    this.blocked = false;
    this.reconnectAttempt = 0;
    logger.info('broker connected', { event: 'bus.connected', node, consumers: this.consumers.size });
    this.emit('connected');
    this.resolveFirst();
    for (const consumer of this.consumers) consumer.ensureAttached();
  }

  private async declare(connection: ChannelModel): Promise<void> {
    const channel = await connection.createChannel();
    // A failed declaration closes the channel with an error; the rejection below reports it, this keeps it quiet.
    channel.on('error', () => undefined);
    await declareTopology(channel, this.names, this.policy);
    if (this.institutionIds.size > 0) await declareInstitutionQueues(channel, this.names, [...this.institutionIds], this.policy);
    await channel.close();
  }

  private onConnectionClosed(connection: ChannelModel, err?: Error): void {
    if (this.connection !== connection) return; // closed during set-up (handled there) or by close()
    this.connection = null;
    this.blocked = false;
    const node = brokerNode(this.urls[this.nodeIndex]);
    this.nodeIndex = nextNodeIndex(this.nodeIndex, this.urls.length); // it may be gone: the others first
    this.opts.logger.warn('broker connection lost', { event: 'bus.disconnected', node, error: err ? err.message : 'closed' });
    this.emit('disconnected', err);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state !== 'running' || this.reconnectTimer) return;
    this.reconnectAttempt += 1;
    // Once per round over the nodes: after a node goes, the next one is tried at the first delay.
    const delayMs = backoffDelay(reconnectRound(this.reconnectAttempt, this.urls.length), this.opts.reconnect);
    this.opts.logger.info('broker reconnect scheduled', { event: 'bus.reconnect_scheduled', attempt: this.reconnectAttempt, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delayMs);
  }

  private async parkForRetry(msg: ConsumeMessage, retryQueue: string, attempt: number, delayMs: number): Promise<void> {
    const { content, properties } = retryMessage(msg, attempt, delayMs);
    await this.publisher.publish({
      exchange: '',
      routingKey: retryQueue,
      content,
      properties,
      mandatory: true,
      confirmTimeoutMs: this.opts.confirmTimeoutMs,
    });
  }

  private async deadLetter(
    msg: ConsumeMessage,
    queue: string,
    outcome: Extract<Outcome, { action: 'dead' }>,
    attempt: number,
  ): Promise<void> {
    const { content, properties } = deadLetterMessage(msg, {
      queue,
      code: outcome.code,
      reason: outcome.reason,
      attempt,
      at: this.opts.clock.now(),
    });
    await this.publisher.publish({
      exchange: '',
      routingKey: this.names.dead,
      content,
      properties,
      mandatory: true,
      confirmTimeoutMs: this.opts.confirmTimeoutMs,
    });
    const event: DeadLetteredEvent = { queue, code: outcome.code, messageId: msg.properties.messageId ?? undefined };
    try {
      this.emit('dead-lettered', event);
    } catch (err) {
      // A failing listener (metrics) must not make the consumer hand back a message that is already dead-lettered.
      this.opts.logger.error('dead-lettered listener failed', { event: 'bus.listener_failed', error: describe(err) });
    }
  }
}
