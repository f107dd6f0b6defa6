import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../shared/logger';
import { backoffDelay, type BackoffPolicy } from '../shared/backoff';
import { decideOutcome, type HandlerResult, type Outcome } from './failure-policy';
import { AckCoalescer } from './ack-coalescer';
import { settleWithin } from './async';
import { RETRY_ATTEMPTS_HEADER } from './dead-letter';
import { WindowGatherer } from './window-gatherer';
import { retryQueueArguments } from './retry-queue';
import type { BatchHandler, ConsumerHandle, Delivery, MessageHandler } from './types';

/** How long closing a channel may take once the shutdown deadline has passed. */
export const CLOSE_GRACE_MS = 1_000;

/** What a consumer needs from the broker that owns it. */
export interface ConsumerDeps {
  /** The live connection, or null while disconnected (the broker re-attaches every consumer on reconnect). */
  connection(): ChannelModel | null;
  /** Publish the message to the dead queue and resolve only once the broker confirmed it. */
  deadLetter(message: ConsumeMessage, queue: string, outcome: Extract<Outcome, { action: 'dead' }>, attempt: number): Promise<void>;
  /** Publish a copy to `retryQueue`, expiring after `delayMs` back into the work queue; resolve once confirmed. */
  parkForRetry(message: ConsumeMessage, retryQueue: string, attempt: number, delayMs: number): Promise<void>;
  /** Called once the consumer stopped, so the broker forgets it. */
  stopped(consumer: Consumer): void;
  logger: Logger;
  /** Pause between re-subscription attempts after the broker cancelled the consumer or closed its channel. */
  resubscribe: BackoffPolicy;
}

export interface ConsumerSettings {
  queue: string;
  /** One message at a time (in parallel up to prefetch), or `batchHandler` for a window at once. */
  handler?: MessageHandler;
  batchHandler?: BatchHandler;
  /**
   * Batch mode: how many windows may be handled at once before new messages wait for one of them to finish (and
   * gather into a larger window meanwhile); below that, a window is handed over at the end of the event-loop turn
   * its first message arrived in.
   */
  windowsAhead: number;
  /** Batch mode: the most messages in one window (at most prefetch). */
  batchMax: number;
  prefetch: number;
  maxAttempts: number;
  retryDelay: BackoffPolicy;
  /** Where retried messages wait out their delay (declared by the topology, dead-lettering back to `queue`). */
  retryQueue: string;
  /** The retry queue's quorum replication factor, the same as the topology's (QueuePolicy). */
  quorumInitialGroupSize?: number;
  /** Resolves once the dependencies answer again: consumption resumes only then after a pause. */
  ready?: () => Promise<void>;
  /** Delay between readiness checks while paused. */
  pauseDelay: BackoffPolicy;
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
  private readonly coalescers = new WeakMap<Channel, AckCoalescer>();
  /** Batch mode: messages received and not yet handed to the batch handler. */
  private readonly windows: WindowGatherer<{ channel: Channel; msg: ConsumeMessage }>;
  /** Paused for a dependency outage: not subscribed until `ready()` resolves. */
  private paused = false;
  private pauseAttempt = 0;
  private pauseTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly settings: ConsumerSettings,
    private readonly deps: ConsumerDeps,
  ) {
    this.queue = settings.queue;
    this.windows = new WindowGatherer({ max: settings.batchMax, ahead: settings.windowsAhead, hand: (window) => this.handWindow(window) });
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
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    this.windows.flush();
    // Every wait on the broker is bounded: a hung broker must not hang the shutdown.
    await settleWithin([this.attachChain], left());
    const channel = this.channel;
    if (channel && this.consumerTag) await settleWithin([channel.cancel(this.consumerTag)], left());
    this.consumerTag = null;
    const drained = await settleWithin([...this.inflight], left());
    if (!drained) {
      this.deps.logger.warn('consumer stopped with handlers still running; their messages will be redelivered', {
        event: 'bus.consumer_stop_timeout',
        queue: this.queue,
        inflight: this.inflight.size,
      });
    }
    this.channel = null;
    if (channel) this.coalescers.get(channel)?.flush(); // acks still held go before the close
    if (channel) await settleWithin([channel.close()], Math.max(left(), CLOSE_GRACE_MS));
    this.deps.stopped(this);
    this.deps.logger.info('consumer stopped', { event: 'bus.consumer_stopped', queue: this.queue });
  }

  private async attach(): Promise<void> {
    const connection = this.deps.connection();
    if (this.stopping || this.paused || !connection) return;
    if (this.channel && this.channelConnection === connection && this.consumerTag) return;
    if (!this.channel || this.channelConnection !== connection) {
      this.channel = null;
      const channel = await connection.createChannel();
      this.watch(channel, connection);
      await channel.prefetch(this.settings.prefetch);
      const args = retryQueueArguments(this.queue, this.settings.quorumInitialGroupSize);
      await channel.assertQueue(this.settings.retryQueue, { durable: true, arguments: args });
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
    this.acks(channel).delivered(msg);
    if (this.stopping) {
      // Arrived while the cancel was on its way: not started, handed back untouched.
      this.settle(channel, msg, 'release');
      return;
    }
    if (this.paused) {
      // Delivered before the cancel took effect: back untouched, the pause is for everyone.
      this.settle(channel, msg, 'release');
      return;
    }
    if (this.settings.batchHandler) {
      this.windows.add({ channel, msg });
      return;
    }
    this.track(this.handleOne(channel, msg));
  }

  private track(job: Promise<void>): void {
    const work: Promise<void> = job
      .catch((err: unknown) => {
        // Only a bug in this file lands here; the message stays unacknowledged and returns with the channel.
        this.deps.logger.error('consumer failed to settle a message', { event: 'bus.consumer_bug', queue: this.queue, error: describe(err) });
      })
      .finally(() => this.inflight.delete(work));
    this.inflight.add(work);
  }

  /** A window from the gatherer (one channel per window: a reconnect starts a new one); settles when it is done. */
  private handWindow(window: Array<{ channel: Channel; msg: ConsumeMessage }>): Promise<void> {
    if (this.stopping || this.paused) {
      for (const w of window) this.settle(w.channel, w.msg, 'release');
      return Promise.resolve();
    }
    const job = this.handleWindow(window);
    this.track(job);
    return job.catch(() => undefined);
  }

  private async handleWindow(window: Array<{ channel: Channel; msg: ConsumeMessage }>): Promise<void> {
    const deliveries = window.map((w) => toDelivery(w.msg));
    let results: HandlerResult[];
    try {
      const verdicts = await this.settings.batchHandler!(deliveries);
      results = window.map((_, n) => (verdicts[n] !== undefined && typeof verdicts[n] === 'object' && verdicts[n] !== null && 'error' in (verdicts[n] as object)
        ? { error: (verdicts[n] as { error: unknown }).error }
        : { verdict: verdicts[n] }));
    } catch (error) {
      results = window.map(() => ({ error }));
    }
    await Promise.all(window.map((w, n) => this.apply(w.channel, w.msg, deliveries[n], results[n])));
  }

  private async handleOne(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const delivery = toDelivery(msg);
    let result: HandlerResult;
    try {
      result = { verdict: await this.settings.handler!(delivery) };
    } catch (error) {
      result = { error };
    }
    await this.apply(channel, msg, delivery, result);
  }

  private async apply(channel: Channel, msg: ConsumeMessage, delivery: Delivery, result: HandlerResult): Promise<void> {
    const outcome = decideOutcome(result, delivery.attempt, this.settings.maxAttempts);
    const ids = { queue: this.queue, messageId: delivery.messageId, attempt: delivery.attempt };
    const { logger } = this.deps;

    if (outcome.action === 'ack') {
      this.settle(channel, msg, 'ack');
      logger.debug('message handled', { event: 'bus.message_acked', ...ids });
      return;
    }
    if (outcome.action === 'pause') {
      this.settle(channel, msg, 'release');
      this.pauseConsuming(outcome.code, outcome.reason);
      return;
    }
    if (outcome.action === 'retry') {
      const delayMs = backoffDelay(delivery.attempt, this.settings.retryDelay);
      try {
        await this.deps.parkForRetry(msg, this.settings.retryQueue, delivery.attempt, delayMs);
      } catch (err) {
        // Not parked (broker trouble): handed back now; the broker is the dependency that is failing.
        logger.warn('could not park a message for retry, handing it back', { event: 'bus.retry_park_failed', ...ids, error: describe(err) });
        this.settle(channel, msg, 'release');
        this.pauseConsuming('DEP_BROKER_DOWN', describe(err));
        return;
      }
      this.settle(channel, msg, 'ack');
      logger.warn('message failed, parked for a retry', { event: 'bus.message_retry', ...ids, code: outcome.code, reason: outcome.reason, delayMs });
      return;
    }
    try {
      await this.deps.deadLetter(msg, this.queue, outcome, delivery.attempt);
    } catch (err) {
      // Not confirmed by the broker: the original stays in its queue and comes back; nothing is lost.
      logger.error('could not dead-letter a message, handing it back', { event: 'bus.dead_letter_failed', ...ids, code: outcome.code, error: describe(err) });
      this.settle(channel, msg, 'release');
      this.pauseConsuming('DEP_BROKER_DOWN', describe(err));
      return;
    }
    this.settle(channel, msg, 'ack');
    logger.warn('message dead-lettered', { event: 'bus.message_dead', ...ids, code: outcome.code, reason: outcome.reason });
  }

  /**
   * A dependency is down: stop taking messages (cancel the subscription; what is held goes back as it fails), then
   * check `ready()` with a growing delay and subscribe again once it answers. Nothing piles up in retries, and no
   * message is counted as failed because the database was away.
   */
  private pauseConsuming(code: string, reason: string): void {
    if (this.paused || this.stopping) return;
    this.paused = true;
    this.deps.logger.warn('dependency down, consumer paused', { event: 'bus.consumer_paused', queue: this.queue, code, reason });
    const channel = this.channel;
    const tag = this.consumerTag;
    this.consumerTag = null;
    if (channel && tag) channel.cancel(tag).catch(() => undefined);
    for (const w of this.windows.takeBack()) this.settle(w.channel, w.msg, 'release');
    this.scheduleResumeCheck();
  }

  private scheduleResumeCheck(): void {
    if (this.stopping) return;
    this.pauseAttempt += 1;
    const delay = backoffDelay(this.pauseAttempt, this.settings.pauseDelay);
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = null;
      void this.tryResume();
    }, delay);
  }

  private async tryResume(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.settings.ready?.();
    } catch {
      this.scheduleResumeCheck();
      return;
    }
    this.deps.logger.info('dependency back, consumer resumes', { event: 'bus.consumer_resumed', queue: this.queue, checks: this.pauseAttempt });
    this.paused = false;
    this.pauseAttempt = 0;
    this.ensureAttached();
  }

  /** True while paused for a dependency outage (readiness, tests). */
  isPaused(): boolean {
    return this.paused;
  }

  /**
   * ack: done. retry: basic.reject with requeue, which counts as a failed delivery (`x-delivery-count`) on every
   * RabbitMQ version. release: basic.nack with requeue, which RabbitMQ 4.3+ does not count as a failure.
   * On a channel that closed meanwhile this is impossible, and unnecessary: the broker already requeued the message.
   */
  private settle(channel: Channel, msg: ConsumeMessage, how: 'ack' | 'retry' | 'release'): void {
    const acks = this.acks(channel);
    try {
      if (how === 'ack') acks.ack(msg);
      else acks.settleAlone(msg, () => (how === 'retry' ? channel.reject(msg, true) : channel.nack(msg, false, true)));
    } catch (err) {
      this.settleLost(msg, how, err);
    }
  }

  /** The channel's ack coalescer (acks of a window go as one multiple ack once every earlier delivery is settled). */
  private acks(channel: Channel): AckCoalescer {
    let a = this.coalescers.get(channel);
    if (!a) {
      a = new AckCoalescer(channel, (msg, err) => this.settleLost(msg, 'ack', err));
      this.coalescers.set(channel, a);
    }
    return a;
  }

  private settleLost(msg: ConsumeMessage, how: 'ack' | 'retry' | 'release', err: unknown): void {
    this.deps.logger.info('channel closed before settling; the broker will redeliver the message', {
      event: 'bus.settle_lost', queue: this.queue, messageId: msg.properties.messageId, how, error: describe(err),
    });
  }
}

export function toDelivery(msg: ConsumeMessage): Delivery {
  const headers: Record<string, unknown> = { ...(msg.properties.headers ?? {}) };
  const count = headers['x-delivery-count'];
  const deliveryCount = typeof count === 'number' && Number.isFinite(count) && count >= 0 ? count : undefined;
  const parked = headers[RETRY_ATTEMPTS_HEADER];
  const earlier = typeof parked === 'number' && Number.isInteger(parked) && parked >= 0 ? parked : 0;
  return {
    content: msg.content,
    messageId: msg.properties.messageId ?? undefined,
    headers,
    redelivered: msg.fields.redelivered,
    deliveryCount,
    // Failed attempts are the ones parked for retry; a redelivery after a lost connection or a pause is not one.
    attempt: earlier + 1,
    routingKey: msg.fields.routingKey,
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
