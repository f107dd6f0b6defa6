import type { ErrorCode } from '../shared/errors';
import type { BackoffPolicy } from '../shared/backoff';

/** One message as a handler sees it. The body is never logged by the bus: it carries personal data. */
export interface Delivery {
  content: Buffer;
  messageId?: string;
  headers: Record<string, unknown>;
  /** The broker delivered this message before (to this or another consumer). */
  redelivered: boolean;
  /** Failed deliveries so far, from the quorum queue's `x-delivery-count` (absent on a first delivery). */
  deliveryCount?: number;
  /** 1 on the first delivery: deliveryCount + 1. */
  attempt: number;
  routingKey: string;
}

/**
 * What the handler decided, once its own work is committed:
 * - `'ack'`: done, remove the message;
 * - `{retry}`: a transient failure; delivered again after a pause, dead-lettered after `maxAttempts`;
 * - `{dead}`: this message can never succeed; dead-lettered now with the code (and reason) in its headers.
 * Throwing is allowed too: a retryable AppError (or an unknown error) is a retry, any other AppError is dead.
 */
export type Verdict = 'ack' | { dead: ErrorCode; reason: string } | { retry: ErrorCode };

export type MessageHandler = (delivery: Delivery) => Promise<Verdict>;

/**
 * A window of messages at once (up to batchMax), one verdict per delivery in order, or `{error}` for a delivery
 * that failed alone. Throwing fails the whole window with that error (a dependency outage: everything goes back).
 */
export type BatchHandler = (deliveries: Delivery[]) => Promise<Array<Verdict | { error: unknown }>>;

export interface ConsumeOptions {
  /** Messages held unacknowledged at once, hence handlers running at once. Default 10. */
  prefetch?: number;
  /** Deliveries before a retried message is dead-lettered. Default 5. Keep it below the queue's delivery limit. */
  maxAttempts?: number;
  /** Delay before a failed message is delivered again; it waits in the retry queue, holding no prefetch slot. */
  retryDelay?: Partial<BackoffPolicy>;
  /** Resolves when the dependencies the handler needs answer (e.g. a database ping): resumes after a pause. */
  ready?: () => Promise<void>;
  /** Delay between readiness checks while paused for a dependency outage. Default 0.5 s doubling up to 10 s. */
  pauseDelay?: Partial<BackoffPolicy>;
  /**
   * Batch mode: windows handled at once before new messages wait for one to finish, gathering meanwhile (natural
   * batching: no timer; a lone message goes at once, a burst makes larger windows). Default 2: one window stored
   * while the next is classified.
   */
  windowsAhead?: number;
  /**
   * Batch mode: the most messages in one window. Default: prefetch. Below prefetch, the broker keeps delivering
   * while a window is being handled, so the next window is gathered (and classified) while the previous one is
   * stored: the stages overlap instead of waiting for each other.
   */
  batchMax?: number;
}

export interface PublishOptions {
  /** The message id consumers de-duplicate on (the forward id for `liaison.forward`). */
  messageId?: string;
  headers?: Record<string, unknown>;
  /** Written to disk by the broker. Default true. */
  persistent?: boolean;
  contentType?: string;
  correlationId?: string;
  /**
   * Fail with BUS_UNROUTABLE when no queue is bound for the routing key, instead of the broker silently
   * dropping the message. Default true.
   */
  mandatory?: boolean;
  /** How long to wait for the broker's confirm before failing with FWD_PUBLISH_FAILED. Default: the broker's. */
  confirmTimeoutMs?: number;
}

/** A running consumer. */
export interface ConsumerHandle {
  readonly queue: string;
  /** Stop taking messages, let the handlers in flight finish (bounded by timeoutMs), and release the channel. */
  stop(timeoutMs?: number): Promise<void>;
}

/** What intake, forwarding and help desk need from the broker; `Broker` implements it, tests may fake it. */
export interface MessageBus {
  publish(exchange: string, routingKey: string, body: Buffer | object, options?: PublishOptions): Promise<void>;
  consume(queue: string, handler: MessageHandler, options?: ConsumeOptions): ConsumerHandle;
  isConnected(): boolean;
}
