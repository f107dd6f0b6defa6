import type { Message, Options } from 'amqplib';
import type { ErrorCode } from '../shared/errors';

/** A retried message carries how many deliveries failed so far: the retry copy is a new message to the broker. */
export const RETRY_ATTEMPTS_HEADER = 'x-liaison-attempts';

/** Headers the bus adds to a dead-lettered message, so an operator can see why and replay it where it came from. */
export const DEAD_LETTER_HEADERS = {
  errorCode: 'x-error-code',
  errorReason: 'x-error-reason',
  originalQueue: 'x-original-queue',
  originalExchange: 'x-original-exchange',
  originalRoutingKey: 'x-original-routing-key',
  attempts: 'x-attempts',
  deadLetteredAt: 'x-dead-lettered-at',
} as const;

/** Headers the broker manages itself: copying them onto a new message would only mislead. */
const BROKER_HEADERS = ['x-delivery-count', 'x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason'];

export interface DeadLetterFacts {
  queue: string;
  code: ErrorCode;
  reason: string;
  attempt: number;
  at: Date;
}

/**
 * The copy of `message` published to the dead queue: same body and properties (message id above all), original
 * headers kept, the bus's headers added. Persistent whatever the original was.
 */
export function deadLetterMessage(message: Message, facts: DeadLetterFacts): { content: Buffer; properties: Options.Publish } {
  const p = message.properties;
  const headers: Record<string, unknown> = { ...(p.headers ?? {}) };
  for (const h of BROKER_HEADERS) delete headers[h];
  Object.assign(headers, {
    [DEAD_LETTER_HEADERS.errorCode]: facts.code,
    [DEAD_LETTER_HEADERS.errorReason]: facts.reason,
    [DEAD_LETTER_HEADERS.originalQueue]: facts.queue,
    [DEAD_LETTER_HEADERS.originalExchange]: message.fields.exchange,
    [DEAD_LETTER_HEADERS.originalRoutingKey]: message.fields.routingKey,
    [DEAD_LETTER_HEADERS.attempts]: facts.attempt,
    [DEAD_LETTER_HEADERS.deadLetteredAt]: facts.at.toISOString(),
  });
  return { content: message.content, properties: copyProperties(message, headers) };
}

/**
 * The copy of `message` parked in a retry queue: same body and properties, the attempts so far in a header, and a
 * per-message TTL after which the broker dead-letters it back into its work queue.
 */
export function retryMessage(message: Message, attempt: number, delayMs: number): { content: Buffer; properties: Options.Publish } {
  const headers: Record<string, unknown> = { ...(message.properties.headers ?? {}) };
  for (const h of BROKER_HEADERS) delete headers[h];
  headers[RETRY_ATTEMPTS_HEADER] = attempt;
  return { content: message.content, properties: { ...copyProperties(message, headers), expiration: String(Math.max(0, Math.round(delayMs))) } };
}

function copyProperties(message: Message, headers: Record<string, unknown>): Options.Publish {
  const p = message.properties;
  const properties: Options.Publish = { headers, persistent: true };
  // amqplib decodes absent properties as undefined; only defined ones are copied.
  const copy = {
    messageId: p.messageId,
    correlationId: p.correlationId,
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    timestamp: p.timestamp,
    type: p.type,
    appId: p.appId,
  };
  for (const [key, value] of Object.entries(copy)) {
    if (value !== undefined && value !== null) (properties as Record<string, unknown>)[key] = value;
  }
  return properties;
}
