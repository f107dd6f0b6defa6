/**
 * Replies to counterpart desks on the topic exchange liaison.helpdesk-out (docs/contract.md §4): routing key
 * `<counterpartCountry>.<event>`, messageId = the message id (stable across retries), body
 * `{ticketId, counterpartRef, event, message, at}` (schemas/helpdesk-reply.schema.json).
 *
 * The ticket action and its outbound message commit together (ticket-service.ts); this relay publishes what is
 * due, confirmed by the broker, and records each outcome. A failed publish is retried with a capped exponential
 * backoff, for ever: a reply is never dropped, and its delivery state (`failed`, attempts, last error) is visible
 * on the ticket meanwhile. Published as mandatory: with no queue bound for the counterpart's key, the broker would
 * drop the message, so it stays in the outbox (BUS_UNROUTABLE) until the counterpart's queue is bound.
 */
import { REPLY_RETRY } from '../../shared/backoff';
import type { Clock } from '../../shared/clock';
import { isAppError } from '../../shared/errors';
import { leasedRelayStep, type LeasedOutbox, type RelayBus } from '../../shared/leased-relay';
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
  bus: RelayBus;
  exchange: string;
  clock: Clock;
  logger: Logger;
  metrics?: Pick<HelpdeskMetrics, 'repliesSent' | 'replyFailures'>;
  batchSize?: number;
  /** How long a claimed message is held before another relay may take it again (a crash mid-publish). */
  leaseMs?: number;
  confirmTimeoutMs?: number;
}

/**
 * The reply outbox as the one relay sees it. A reply's lease is its next attempt time (no owner: the claim pushes
 * `next_attempt_at` past the lease), so every outcome is recorded as it is.
 */
function leasedReplies(outbox: ReplyOutbox): LeasedOutbox<ThreadMessage> {
  return {
    claim: (_owner, at, limit, leaseUntil) => outbox.claim(at, limit, leaseUntil.getTime() - at.getTime()),
    markDone: async (_owner, messages, at) => {
      await outbox.record(messages.map((message) => ({ status: 'sent', message, at })));
      return messages.length;
    },
    markFailed: (_owner, failures) => outbox.record(failures.map((f) => ({ status: 'failed', message: f.item, retryAt: f.nextAttemptAt, error: f.error }))),
    markDeferred: (_owner, messages, until) => outbox.record(messages.map((message) => ({ status: 'deferred', message, retryAt: until }))),
  };
}

/** One relay round (the one outbox relay, in order, retried for ever); true when it sent all it claimed (there may be more). */
export function replyRelayStep(deps: ReplyRelayDeps): () => Promise<boolean> {
  const now = () => deps.clock.now();
  return leasedRelayStep<ThreadMessage>({
    outbox: leasedReplies(deps.outbox), now, logger: deps.logger, owner: 'replies',
    leaseMs: deps.leaseMs ?? 60_000, batchSize: deps.batchSize ?? 50, ready: () => deps.bus.isConnected(), order: 'in-order',
    deliver: (m) => deps.bus.publish(deps.exchange, replyRoutingKey(m), replyBody(m), {
      messageId: m.messageId, persistent: true, mandatory: true, contentType: 'application/json', confirmTimeoutMs: deps.confirmTimeoutMs ?? 10_000,
    }),
    attempts: (m) => m.attempts, retry: REPLY_RETRY,
    errorText: (e) => (isAppError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e)),
    describe: (m) => ({ ticketId: m.ticketId, messageId: m.messageId, replyEvent: m.event, counterpartCountry: m.counterpartCountry }),
    event: 'helpdesk.reply', events: { sent: 'helpdesk.reply_sent', failed: 'helpdesk.reply_send_failed' }, noun: 'reply',
    onDelivered: (messages) => { for (const m of messages) deps.metrics?.repliesSent.inc({ event: m.event }); },
    onFailed: (failures) => deps.metrics?.replyFailures.inc(failures.length),
  });
}
