import { failureClass, isAppError } from '../shared/errors';
import { DEFAULT_MESSAGE_LIMITS, readJsonInput } from '../intake/input-reader';
import type { Delivery, MessageHandler } from './types';

/**
 * A handler for JSON messages: a body that is not one safe JSON document (read with the intake's bounded reader:
 * size, encoding, depth, lengths, storable text), or that the domain rejects with an input-class error, is
 * dead-lettered at once with its code; a dependency failure (database down…) or an unexpected one is thrown, and
 * the failure policy pauses the consumer or parks the message for a bounded retry. `handle` commits its work
 * before it resolves, so the ack always follows the commit.
 */
export function jsonMessageHandler(what: string, handle: (body: unknown, d: Delivery) => Promise<void>): MessageHandler {
  return async (d) => {
    const read = readJsonInput(d.content, DEFAULT_MESSAGE_LIMITS, { what });
    if (!read.ok) return { dead: read.error.code, reason: read.error.message };
    try {
      await handle(read.value, d);
      return 'ack';
    } catch (e) {
      if (isAppError(e) && failureClass(e) === 'input') return { dead: e.code, reason: e.message };
      throw e;
    }
  };
}
