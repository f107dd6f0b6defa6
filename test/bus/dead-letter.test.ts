import type { Message } from 'amqplib';
import { DEAD_LETTER_HEADERS, deadLetterMessage } from '../../src/bus/dead-letter';

function message(overrides: Partial<Message['properties']> = {}): Message {
  return {
    content: Buffer.from('{"envelopeId":"P2000_x_1"}'),
    fields: { deliveryTag: 7, redelivered: true, exchange: 'liaison.forward', routingKey: 'FR:CPAM075' },
    properties: {
      contentType: 'application/json',
      contentEncoding: undefined,
      headers: { 'x-delivery-count': 4, 'x-legal-delivery-at': '2026-11-20T09:14:03Z' },
      deliveryMode: 2,
      priority: undefined,
      correlationId: undefined,
      replyTo: undefined,
      expiration: undefined,
      messageId: 'fwd_123',
      timestamp: 1_790_000_000,
      type: undefined,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
      ...overrides,
    },
  } as Message;
}

describe('deadLetterMessage', () => {
  const at = new Date('2026-11-20T10:00:00Z');
  const dead = deadLetterMessage(message(), { queue: 'liaison.forward.FR:CPAM075', code: 'FWD_TARGET_INVALID', reason: 'gone', attempt: 5, at });

  it('keeps the body byte for byte and the message id', () => {
    expect(dead.content.equals(message().content)).toBe(true);
    expect(dead.properties.messageId).toBe('fwd_123');
    expect(dead.properties.contentType).toBe('application/json');
    expect(dead.properties.timestamp).toBe(1_790_000_000);
    expect(dead.properties.persistent).toBe(true);
  });

  it('adds why and where from, keeps the original headers, drops the broker-managed delivery count', () => {
    expect(dead.properties.headers).toEqual({
      'x-legal-delivery-at': '2026-11-20T09:14:03Z',
      [DEAD_LETTER_HEADERS.errorCode]: 'FWD_TARGET_INVALID',
      [DEAD_LETTER_HEADERS.errorReason]: 'gone',
      [DEAD_LETTER_HEADERS.originalQueue]: 'liaison.forward.FR:CPAM075',
      [DEAD_LETTER_HEADERS.originalExchange]: 'liaison.forward',
      [DEAD_LETTER_HEADERS.originalRoutingKey]: 'FR:CPAM075',
      [DEAD_LETTER_HEADERS.attempts]: 5,
      [DEAD_LETTER_HEADERS.deadLetteredAt]: '2026-11-20T10:00:00.000Z',
    });
  });

  it('copies no undefined properties (amqplib would encode them)', () => {
    expect(Object.values(dead.properties).every((v) => v !== undefined)).toBe(true);
    expect(dead.properties).not.toHaveProperty('correlationId');
  });

  it('works on a message without headers', () => {
    const m = deadLetterMessage(message({ headers: undefined }), { queue: 'q', code: 'VAL_NOT_JSON', reason: 'r', attempt: 1, at });
    expect(m.properties.headers[DEAD_LETTER_HEADERS.errorCode]).toBe('VAL_NOT_JSON');
  });
});
