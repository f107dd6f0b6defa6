import type { Message, Options } from 'amqplib';
import type { ErrorCode } from '../shared/errors';

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
const BROKER_HEADERS = ['x-delivery-count'];

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
  return { content: message.content, properties };
}
