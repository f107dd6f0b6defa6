import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../shared/logger';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { decideOutcome, type HandlerResult, type Outcome } from './failure-policy';
import { settleWithin } from './async';
import type { ConsumerHandle, Delivery, MessageHandler } from './types';

/** How long closing a channel may take once the shutdown deadline has passed. */
export const CLOSE_GRACE_MS = 1_000;

/** What a consumer needs from the broker that owns it. */
export interface ConsumerDeps {
  /** The live connection, or null while disconnected (the broker re-attaches every consumer on reconnect). */
  connection(): ChannelModel | null;
  /** Publish the message to the dead queue and resolve only once the broker confirmed it. */
  deadLetter(message: ConsumeMessage, queue: string, outcome: Extract<Outcome, { action: 'dead' }>, attempt: number): Promise<void>;
  /** Called once the consumer stopped, so the broker forgets it. */
  stopped(consumer: Consumer): void;
  logger: Logger;
  /** Pause between re-subscription attempts after the broker cancelled the consumer or closed its channel. */
  resubscribe: BackoffPolicy;
}

export interface ConsumerSettings {
  queue: string;
  handler: MessageHandler;
  prefetch: number;
  maxAttempts: number;
  retryDelay: BackoffPolicy;
}

/**
 * One consumer on its own channel. Messages are acknowledged only after the handler resolved (the handler commits
 * first), so a crash or a lost connection before that hands the message back to the queue: at-least-once.
 * One failing message never stops the consumer; every message ends acked, retried or dead-lettered.
 */
export class Consumer implements ConsumerHandle {
  readonly queue: string;
  private channel: Channel | null = null;
  private channelConnection: ChannelModel | null = null;
  private consumerTag: string | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  /** attach() calls run one after the other, so a channel is never opened twice. */
  private attachChain: Promise<void> = Promise.resolve();
  private resubscribeTimer: NodeJS.Timeout | null = null;
  private resubscribeAttempt = 0;
  private readonly inflight = new Set<Promise<void>>();
  private readonly pauses = new Set<() => void>();

  constructor(
    private readonly settings: ConsumerSettings,
    private readonly deps: ConsumerDeps,
  ) {
    this.queue = settings.queue;
  }

  /** Subscribe on the current connection unless already subscribed there. Idempotent, never throws. */
  ensureAttached(): void {
    this.attachChain = this.attachChain
      .then(() => this.attach())
      .catch((err: unknown) => {
        this.deps.logger.warn('consumer could not subscribe', { event: 'bus.consume_failed', queue: this.queue, error: describe(err) });
        this.scheduleResubscribe();
      });
  }

  stop(timeoutMs = 30_000): Promise<void> {
    this.stopped ??= this.doStop(timeoutMs);
    return this.stopped;
  }

  private async doStop(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(0, deadline - Date.now());
    this.stopping = true;
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    this.resubscribeTimer = null;
    // Every wait on the broker is bounded: a hung broker must not hang the shutdown.
    await settleWithin([this.attachChain], left());
    const channel = this.channel;
    if (channel && this.consumerTag) await settleWithin([channel.cancel(this.consumerTag)], left());
    this.consumerTag = null;
    // Messages waiting out a retry pause go back to the queue now rather than after the pause.
    for (const wake of this.pauses) wake();
    const drained = await settleWithin([...this.inflight], left());
    if (!drained) {
      this.deps.logger.warn('consumer stopped with handlers still running; their messages will be redelivered', {
        event: 'bus.consumer_stop_timeout',
        queue: this.queue,
        inflight: this.inflight.size,
      });
    }
    this.channel = null;
    if (channel) await settleWithin([channel.close()], Math.max(left(), CLOSE_GRACE_MS));
    this.deps.stopped(this);
    this.deps.logger.info('consumer stopped', { event: 'bus.consumer_stopped', queue: this.queue });
  }

  private async attach(): Promise<void> {
    const connection = this.deps.connection();
    if (this.stopping || !connection) return;
    if (this.channel && this.channelConnection === connection && this.consumerTag) return;
    if (!this.channel || this.channelConnection !== connection) {
      this.channel = null;
      const channel = await connection.createChannel();
      this.watch(channel, connection);
      await channel.prefetch(this.settings.prefetch);
      this.channel = channel;
      this.channelConnection = connection;
    }
    const channel = this.channel;
    const { consumerTag } = await channel.consume(this.queue, (msg) => this.onMessage(channel, msg), { noAck: false });
    this.consumerTag = consumerTag;
    this.resubscribeAttempt = 0;
    if (this.stopping) await channel.cancel(consumerTag).catch(() => undefined);
    this.deps.logger.info('consumer subscribed', { event: 'bus.consumer_subscribed', queue: this.queue, prefetch: this.settings.prefetch });
  }

  private watch(channel: Channel, connection: ChannelModel): void {
    let failed = false;
    channel.on('error', (err: Error) => {
      failed = true;
      this.deps.logger.warn('broker closed the consumer channel', { event: 'bus.consumer_channel_error', queue: this.queue, error: err.message });
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = null;
      this.consumerTag = null;
      // Without an error the whole connection went away: the broker re-attaches every consumer when it is back.
      if (failed && this.deps.connection() === connection) this.scheduleResubscribe();
    });
  }

  private scheduleResubscribe(): void {
    if (this.stopping || this.resubscribeTimer) return;
    this.resubscribeAttempt += 1;
    const delay = backoffDelay(this.resubscribeAttempt, this.deps.resubscribe);
    this.resubscribeTimer = setTimeout(() => {
      this.resubscribeTimer = null;
      this.ensureAttached();
    }, delay);
  }

  private onMessage(channel: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled the subscription (queue deleted, or its leader moved): subscribe again.
      this.deps.logger.warn('broker cancelled the consumer', { event: 'bus.consumer_cancelled', queue: this.queue });
      if (this.channel === channel) this.consumerTag = null;
      this.scheduleResubscribe();
      return;
    }
    if (this.stopping) {
      // Arrived while the cancel was on its way: not started, handed back untouched.
      this.settle(channel, msg, 'release');
      return;
    }
    const work: Promise<void> = this.handle(channel, msg)
      .catch((err: unknown) => {
        // Only a bug in this file lands here; the message stays unacknowledged and returns with the channel.
        this.deps.logger.error('consumer failed to settle a message', { event: 'bus.consumer_bug', queue: this.queue, error: describe(err) });
      })
      .finally(() => this.inflight.delete(work));
    this.inflight.add(work);
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const delivery = toDelivery(msg);
    let result: HandlerResult;
    try {
      result = { verdict: await this.settings.handler(delivery) };
    } catch (error) {
      result = { error };
    }
    const outcome = decideOutcome(result, delivery.attempt, this.settings.maxAttempts);
    const ids = { queue: this.queue, messageId: delivery.messageId, attempt: delivery.attempt };
    const { logger } = this.deps;

    if (outcome.action === 'ack') {
      this.settle(channel, msg, 'ack');
      logger.debug('message handled', { event: 'bus.message_acked', ...ids });
      return;
    }
    if (outcome.action === 'retry') {
      const delayMs = backoffDelay(delivery.attempt, this.settings.retryDelay);
      logger.warn('message failed, will be retried', { event: 'bus.message_retry', ...ids, code: outcome.code, reason: outcome.reason, delayMs });
      await this.pause(delayMs);
      this.settle(channel, msg, 'retry');
      return;
    }
    try {
      await this.deps.deadLetter(msg, this.queue, outcome, delivery.attempt);
    } catch (err) {
      // Not confirmed by the broker: the original stays in its queue and comes back; nothing is lost.
      logger.error('could not dead-letter a message, handing it back', { event: 'bus.dead_letter_failed', ...ids, code: outcome.code, error: describe(err) });
      await this.pause(backoffDelay(delivery.attempt, this.settings.retryDelay));
      this.settle(channel, msg, 'release');
      return;
    }
    this.settle(channel, msg, 'ack');
    logger.warn('message dead-lettered', { event: 'bus.message_dead', ...ids, code: outcome.code, reason: outcome.reason });
  }

  /**
   * ack: done. retry: basic.reject with requeue, which counts as a failed delivery (`x-delivery-count`) on every
   * RabbitMQ version. release: basic.nack with requeue, which RabbitMQ 4.3+ does not count as a failure.
   * On a channel that closed meanwhile this is impossible, and unnecessary: the broker already requeued the message.
   */
  private settle(channel: Channel, msg: ConsumeMessage, how: 'ack' | 'retry' | 'release'): void {
    try {
      if (how === 'ack') channel.ack(msg);
      else if (how === 'retry') channel.reject(msg, true);
      else channel.nack(msg, false, true);
    } catch (err) {
      this.deps.logger.info('channel closed before settling; the broker will redeliver the message', {
        event: 'bus.settle_lost',
        queue: this.queue,
        messageId: msg.properties.messageId,
        how,
        error: describe(err),
      });
    }
  }

  /** Sleep that stop() cuts short. */
  private pause(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.pauses.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pauses.add(wake);
    });
  }
}

export function toDelivery(msg: ConsumeMessage): Delivery {
  const headers: Record<string, unknown> = { ...(msg.properties.headers ?? {}) };
  const count = headers['x-delivery-count'];
  const deliveryCount = typeof count === 'number' && Number.isFinite(count) && count >= 0 ? count : undefined;
  return {
    content: msg.content,
    messageId: msg.properties.messageId ?? undefined,
    headers,
    redelivered: msg.fields.redelivered,
    deliveryCount,
    attempt: (deliveryCount ?? 0) + 1,
    routingKey: msg.fields.routingKey,
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
