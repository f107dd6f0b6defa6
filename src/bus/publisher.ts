import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { settleWithin } from './async';

/** What the publisher needs from the broker connection it lives on. */
export interface PublisherDeps {
  /** The live connection, or null while disconnected. */
  connection(): ChannelModel | null;
  /** The broker blocked publishing (resource alarm): publishing would hang. */
  isBlocked(): boolean;
  logger: Logger;
}

export interface ConfirmedPublish {
  exchange: string;
  routingKey: string;
  content: Buffer;
  properties: Options.Publish;
  mandatory: boolean;
  confirmTimeoutMs: number;
}

/** A publish waiting for its confirm; `returned` is set when the broker sent it back as unroutable. */
interface Unconfirmed {
  exchange: string;
  routingKey: string;
  returned: boolean;
}

/** One confirm channel and what it has not confirmed yet, in publish order (the order the broker confirms in). */
interface PublishChannel {
  channel: ConfirmChannel;
  connection: ChannelModel;
  unconfirmed: Unconfirmed[];
  /** Set when the broker closed the channel for an error (e.g. no such exchange), as opposed to losing the connection. */
  closeError: Error | null;
}

/**
 * Publishing with publisher confirms on one lazily opened confirm channel: `publish` resolves only once the broker
 * has taken responsibility for the message, and fails fast when it cannot.
 */
export class ConfirmPublisher {
  private current: PublishChannel | null = null;
  private opening: Promise<PublishChannel> | null = null;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly deps: PublisherDeps) {}

  async publish(p: ConfirmedPublish): Promise<void> {
    const done = this.publishConfirmed(p);
    this.inflight.add(done);
    try {
      await done;
    } finally {
      this.inflight.delete(done);
    }
  }

  /** Wait until every publish in flight is confirmed or failed, at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    await settleWithin([...this.inflight], timeoutMs);
  }

  /** Close the channel (waiting at most `timeoutMs` for the broker); publishes still unconfirmed fail. */
  async close(timeoutMs: number): Promise<void> {
    const current = this.current;
    this.current = null;
    if (current) await settleWithin([current.channel.close()], timeoutMs);
  }

  private publishConfirmed(p: ConfirmedPublish): Promise<void> {
    if (!this.deps.connection()) return Promise.reject(new AppError('DEP_BROKER_DOWN', 'Not connected to the message broker'));
    if (this.deps.isBlocked()) {
      return Promise.reject(new AppError('DEP_BROKER_DOWN', 'The message broker is blocking publishers (resource alarm)'));
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: AppError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      // The clock starts before the channel is opened: opening it is a round trip to a broker that may hang too.
      const timer = setTimeout(
        () => settle(new AppError('FWD_PUBLISH_FAILED', `The broker did not confirm within ${p.confirmTimeoutMs} ms`)),
        p.confirmTimeoutMs,
      );
      this.channel().then(
        (pc) => {
          if (!settled) this.send(pc, p, settle);
        },
        (err: unknown) => settle(err instanceof AppError ? err : new AppError('DEP_BROKER_DOWN', describe(err))),
      );
    });
  }

  private send(pc: PublishChannel, p: ConfirmedPublish, settle: (error?: AppError) => void): void {
    const entry: Unconfirmed = { exchange: p.exchange, routingKey: p.routingKey, returned: false };
    pc.unconfirmed.push(entry);
    try {
      pc.channel.publish(p.exchange, p.routingKey, p.content, { ...p.properties, mandatory: p.mandatory }, (err) => {
        removeEntry(pc.unconfirmed, entry);
        if (err) settle(this.confirmError(pc, err));
        else if (entry.returned) {
          settle(new AppError('BUS_UNROUTABLE', `No queue is bound to "${p.exchange}" for routing key "${p.routingKey}"`));
        } else settle();
      });
    } catch (err) {
      // Thrown synchronously: the channel closed meanwhile, or the message cannot be encoded (headers over 64 KiB).
      removeEntry(pc.unconfirmed, entry);
      const closed = err instanceof Error && err.name === 'IllegalOperationError';
      settle(
        closed
          ? new AppError('DEP_BROKER_DOWN', 'The channel to the message broker closed')
          : new AppError('FWD_PUBLISH_FAILED', `The message could not be encoded: ${describe(err)}`),
      );
    }
  }

  private confirmError(pc: PublishChannel, err: unknown): AppError {
    if (pc.closeError) return new AppError('FWD_PUBLISH_FAILED', `The broker closed the channel: ${pc.closeError.message}`);
    if (describe(err) === 'message nacked') return new AppError('FWD_PUBLISH_FAILED', 'The broker refused the message (nack)');
    return new AppError('DEP_BROKER_DOWN', 'The connection to the message broker was lost before the confirm');
  }

  private async channel(): Promise<PublishChannel> {
    const connection = this.deps.connection();
    if (this.current && this.current.connection === connection) return this.current;
    if (!this.opening) {
      this.opening = this.open().finally(() => {
        this.opening = null;
      });
    }
    return this.opening;
  }

  private async open(): Promise<PublishChannel> {
    const connection = this.deps.connection();
    if (!connection) throw new AppError('DEP_BROKER_DOWN', 'Not connected to the message broker');
    let channel: ConfirmChannel;
    try {
      channel = await connection.createConfirmChannel();
    } catch (err) {
      throw new AppError('DEP_BROKER_DOWN', `Could not open a channel to the message broker: ${describe(err)}`);
    }
    const pc: PublishChannel = { channel, connection, unconfirmed: [], closeError: null };
    channel.on('error', (err: Error) => {
      pc.closeError = err;
      this.deps.logger.warn('broker closed the publish channel', { event: 'bus.publish_channel_error', error: err.message });
    });
    channel.on('close', () => {
      if (this.current === pc) this.current = null;
    });
    // The broker sends basic.return before the confirm of the same message. Routing depends only on exchange and
    // routing key, so the earliest unconfirmed publish with both equal is the one returned.
    channel.on('return', (message: Message) => {
      const entry = pc.unconfirmed.find(
        (u) => !u.returned && u.exchange === message.fields.exchange && u.routingKey === message.fields.routingKey,
      );
      if (entry) entry.returned = true;
    });
    this.current = pc;
    return pc;
  }
}

function removeEntry(list: Unconfirmed[], entry: Unconfirmed): void {
  const i = list.indexOf(entry);
  if (i >= 0) list.splice(i, 1);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
