/**
 * Replies to counterpart desks on the topic exchange liaison.helpdesk-out (CONTRACT.md §4): routing key
 * `<counterpartCountry>.<event>`, messageId = the message id (stable across retries), body
 * `{ticketId, counterpartRef, event, message, at}` (schemas/helpdesk-reply.schema.json).
 *
 * The ticket action and its outbound message commit together (ticket-service.ts); this relay publishes what is
 * due, confirmed by the broker, and records each outcome. A failed publish is retried with a capped exponential
 * backoff, for ever: a reply is never dropped, and its delivery state (`failed`, attempts, last error) is visible
 * on the ticket meanwhile. Published as mandatory: with no queue bound for the counterpart's key, the broker would
 * drop the message, so it stays in the outbox (BUS_UNROUTABLE) until the counterpart's queue is bound.
 */
import type { MessageBus } from '../../bus/types';
import { nextAttemptAt, REPLY_RETRY } from '../../shared/backoff';
import type { Clock } from '../../shared/clock';
import { isAppError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import type { HelpdeskMetrics } from '../helpdesk-metrics';
import type { ThreadMessage } from '../tickets/ticket-store';

/** Sent (confirmed); failed (this attempt); deferred (not attempted after a failure: waits as long, no attempt counted). */
export type RelayOutcome =
  | { status: 'sent'; message: ThreadMessage; at: Date }
  | { status: 'failed'; message: ThreadMessage; retryAt: Date; error: string }
  | { status: 'deferred'; message: ThreadMessage; retryAt: Date };

export interface ReplyOutbox {
  /** Due outbound messages (oldest first, one ticket's in order), leased for `leaseMs` so no other relay takes them. */
  claim(now: Date, limit: number, leaseMs: number): Promise<ThreadMessage[]>;
  record(outcomes: RelayOutcome[]): Promise<void>;
}

export const replyRoutingKey = (m: Pick<ThreadMessage, 'counterpartCountry' | 'event'>): string => `${m.counterpartCountry}.${m.event}`;

/** The message body: ids and the desk's words to the counterpart (which may name people: never logged). */
export function replyBody(m: ThreadMessage) {
  return { ticketId: m.ticketId, counterpartRef: m.counterpartRef, event: m.event, message: m.message, at: m.at.toISOString() };
}

export interface ReplyRelayDeps {
  outbox: ReplyOutbox;
  bus: MessageBus;
  exchange: string;
  clock: Clock;
  logger: Logger;
  metrics?: Pick<HelpdeskMetrics, 'repliesSent' | 'replyFailures'>;
  batchSize?: number;
  /** How long a claimed message is held before another relay may take it again (a crash mid-publish). */
  leaseMs?: number;
  confirmTimeoutMs?: number;
}

/** One relay round; true when it sent all it claimed (there may be more). */
export function replyRelayStep(deps: ReplyRelayDeps): () => Promise<boolean> {
  const leaseMs = deps.leaseMs ?? 60_000;
  return async () => {
    if (!deps.bus.isConnected()) return false;
    const claimed = await deps.outbox.claim(deps.clock.now(), deps.batchSize ?? 50, leaseMs);
    const outcomes: RelayOutcome[] = [];
    let retryAt: Date | undefined;
    for (const m of claimed) {
      // After a failure the rest of the batch would most likely fail the same way: it waits as long, unattempted.
      if (retryAt) {
        outcomes.push({ status: 'deferred', message: m, retryAt });
        continue;
      }
      try {
        await deps.bus.publish(deps.exchange, replyRoutingKey(m), replyBody(m), {
          messageId: m.messageId, persistent: true, mandatory: true, contentType: 'application/json', confirmTimeoutMs: deps.confirmTimeoutMs ?? 10_000,
        });
        outcomes.push({ status: 'sent', message: m, at: deps.clock.now() });
      } catch (e) {
        const error = isAppError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e);
        retryAt = nextAttemptAt(deps.clock.now(), m.attempts + 1, REPLY_RETRY);
        outcomes.push({ status: 'failed', message: m, retryAt, error });
      }
    }
    await deps.outbox.record(outcomes);
    for (const o of outcomes) {
      const ids = { ticketId: o.message.ticketId, messageId: o.message.messageId, replyEvent: o.message.event, counterpartCountry: o.message.counterpartCountry };
      if (o.status === 'sent') {
        deps.metrics?.repliesSent.inc({ event: o.message.event });
        deps.logger.info('reply sent to the counterpart desk', { event: 'helpdesk.reply_sent', ...ids });
      }
      if (o.status === 'failed') {
        deps.metrics?.replyFailures.inc();
        deps.logger.warn('reply not sent; will retry', { event: 'helpdesk.reply_send_failed', ...ids, attempts: o.message.attempts + 1, retryAt: o.retryAt.toISOString(), error: o.error });
      }
    }
    return claimed.length > 0 && retryAt === undefined;
  };
}
