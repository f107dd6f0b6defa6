import { isAppError } from '../shared/errors';
import type { Delivery, MessageHandler } from './types';

/**
 * A handler for JSON messages: a body that is not JSON, or that the domain rejects with a non-retryable error,
 * is dead-lettered with its code; a retryable failure (database down…) is thrown, hence retried. `handle`
 * commits its work before it resolves, so the ack always follows the commit.
 */
export function jsonMessageHandler(what: string, handle: (body: unknown, d: Delivery) => Promise<void>): MessageHandler {
  return async (d) => {
    let body: unknown;
    try {
      body = JSON.parse(d.content.toString('utf8'));
    } catch {
      return { dead: 'REQ_MALFORMED_JSON', reason: `the ${what} is not JSON` };
    }
    try {
      await handle(body, d);
      return 'ack';
    } catch (e) {
      if (isAppError(e) && !e.retryable) return { dead: e.code, reason: e.message };
      throw e;
    }
  };
}
