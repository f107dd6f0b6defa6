/**
 * The one outbox relay of the service, whatever it delivers (a forward, a reply to a counterpart desk or a notice to
 * the broker; an X007 to RINA): rows are committed first; a relay leases a batch of due ones to itself (one
 * committed statement, SKIP LOCKED: two instances never hold the same row), delivers them outside any transaction
 * (all at once, or one after the other when order matters), marks what was delivered in one statement (only the
 * rows still leased to it) and releases the others with a later next attempt (capped exponential backoff of
 * shared/backoff.ts). A failure no retry can fix, when the kind has such failures, is handed to `markAbandoned`
 * instead. No row lock or connection is held while delivering. A relay that dies between the delivery and the mark
 * leaves its lease to expire and the row is delivered again: the delivery must be idempotent on the row's key (a
 * messageId consumers de-duplicate on; the X007's recorded document).
 *
 * What differs between outboxes is described, not re-implemented: the outbox port (its store), how one row is
 * delivered, its retry policy, its log events and its metrics (`onDelivered` / `onFailed`).
 */
import { nextAttemptAt, type BackoffPolicy } from './backoff';
import type { Logger } from './logger';
import { settleEach } from './settle-each';

/** How a relay publishes (src/bus implements it): confirmed by the broker when the promise resolves. */
export interface RelayPublishOptions {
  /** Consumers de-duplicate on it: stable across retries. */
  messageId: string;
  persistent: boolean;
  /** Fail (BUS_UNROUTABLE) rather than let the broker drop a message no queue is bound for. */
  mandatory: boolean;
  headers?: Record<string, unknown>;
  contentType?: string;
  confirmTimeoutMs?: number;
}

/** The one bus port of the outbox relays: forwards, replies and notices are all published through it. */
export interface RelayBus {
  isConnected(): boolean;
  publish(exchange: string, routingKey: string, body: object, opts: RelayPublishOptions): Promise<void>;
}

export interface LeasedOutbox<N> {
  /** Leases up to `limit` due rows nobody holds (or whose lease expired) to `owner` until `leaseUntil`; committed when it returns. */
  claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<N[]>;
  /** Marks these rows delivered where `owner` still holds the lease; returns how many. */
  markDone(owner: string, items: N[], at: Date): Promise<number>;
  /** Releases these rows (still leased to `owner`) for a later attempt, counting the failed one. */
  markFailed(owner: string, failures: Array<{ item: N; nextAttemptAt: Date; error: string }>, at: Date): Promise<void>;
  /** Rows whose failure no retry can fix (see `LeasedRelayDeps.final`), still leased to `owner`. */
  markAbandoned?(owner: string, failures: Array<{ item: N; error: string }>, at: Date): Promise<void>;
  /** In-order delivery: rows left unattempted after a failure, released until `until` with no attempt counted. */
  markDeferred?(owner: string, items: N[], until: Date): Promise<void>;
}

/** The log events of a relay (ops' alerts and runbooks name some of them). */
export interface RelayEvents {
  sent: string;
  failed: string;
  abandoned: string;
  leaseLost: string;
}

export interface LeasedRelayDeps<N> {
  outbox: LeasedOutbox<N>;
  now: () => Date;
  logger: Logger;
  /** This relay's lease owner name (unique per process). */
  owner: string;
  /** How long a claim holds: above the longest delivery (the broker's confirm timeout, the CPI's calls). */
  leaseMs: number;
  batchSize: number;
  /** The way out is up (the broker is connected); nothing is claimed otherwise. Default: always. */
  ready?: () => boolean;
  deliver: (item: N) => Promise<unknown>;
  /**
   * 'together' (default): the batch is delivered all at once, each row confirmed or not on its own. 'in-order': one
   * after the other; after a failure the rest would most likely fail the same way, so it waits as long, unattempted
   * (`markDeferred`, no attempt counted).
   */
  order?: 'together' | 'in-order';
  /** Failed deliveries of the row so far (the backoff's attempt number). */
  attempts: (item: N) => number;
  retry: Readonly<BackoffPolicy>;
  /** Whether this failure is final: no later attempt can succeed (default: none is). */
  final?: (error: unknown, item: N) => boolean;
  /** The failure as stored and logged (no personal data). Default: its message, at most 500 characters. */
  errorText?: (error: unknown) => string;
  /** Log fields of a row (ids only). */
  describe: (item: N) => Record<string, unknown>;
  /** Log event prefix (`<event>_sent`, `<event>_send_failed`, `<event>_abandoned`, `<event>_lease_lost`). */
  event: string;
  /** Log events named otherwise than by the prefix. */
  events?: Partial<RelayEvents>;
  /** What a row is, in log messages ("notice", "X007"). */
  noun: string;
  /** Metrics: rows delivered (and marked), failures retried or abandoned. */
  onDelivered?: (items: N[]) => void;
  onFailed?: (failures: Array<{ item: N; error: unknown }>) => void;
}

const defaultErrorText = (e: unknown): string => String((e as Error)?.message ?? e).slice(0, 500);

interface Delivered<N> {
  done: N[];
  failed: Array<{ item: N; error: unknown }>;
  /** Left unattempted after a failure (in-order delivery only). */
  deferred: N[];
}

async function deliverBatch<N>(items: N[], deliver: (item: N) => Promise<unknown>, order: 'together' | 'in-order'): Promise<Delivered<N>> {
  if (order === 'together') return { ...(await settleEach(items, deliver)), deferred: [] };
  const done: N[] = [];
  for (let i = 0; i < items.length; i += 1) {
    try {
      await deliver(items[i]);
      done.push(items[i]);
    } catch (error) {
      return { done, failed: [{ item: items[i], error }], deferred: items.slice(i + 1) };
    }
  }
  return { done, failed: [], deferred: [] };
}

function eventsOf<N>(deps: LeasedRelayDeps<N>): RelayEvents {
  return {
    sent: `${deps.event}_sent`, failed: `${deps.event}_send_failed`, abandoned: `${deps.event}_abandoned`, leaseLost: `${deps.event}_lease_lost`,
    ...deps.events,
  };
}

/** One relay round; true when it delivered everything it claimed (and so may have more to deliver). */
export function leasedRelayStep<N>(deps: LeasedRelayDeps<N>): () => Promise<boolean> {
  const errorText = deps.errorText ?? defaultErrorText;
  const events = eventsOf(deps);
  return async () => {
    if (deps.ready && !deps.ready()) return false;
    const now = deps.now();
    const claimed = await deps.outbox.claim(deps.owner, now, deps.batchSize, new Date(now.getTime() + deps.leaseMs));
    if (claimed.length === 0) return false;
    const { done, failed, deferred } = await deliverBatch(claimed, deps.deliver, deps.order ?? 'together');
    const at = deps.now();
    if (done.length > 0) {
      const marked = await deps.outbox.markDone(deps.owner, done, at);
      if (marked < done.length) {
        deps.logger.warn(`${deps.noun}s delivered after their lease expired`, { event: events.leaseLost, delivered: done.length, marked });
      }
    }
    const isFinal = (f: { item: N; error: unknown }) => Boolean(deps.outbox.markAbandoned && deps.final?.(f.error, f.item));
    const abandoned = failed.filter(isFinal);
    const retried = failed.filter((f) => !isFinal(f)).map((f) => ({ ...f, nextAttemptAt: nextAttemptAt(at, deps.attempts(f.item) + 1, deps.retry) }));
    if (retried.length > 0) {
      await deps.outbox.markFailed(deps.owner, retried.map((f) => ({ item: f.item, nextAttemptAt: f.nextAttemptAt, error: errorText(f.error) })), at);
    }
    if (abandoned.length > 0) await deps.outbox.markAbandoned!(deps.owner, abandoned.map((f) => ({ item: f.item, error: errorText(f.error) })), at);
    // Without markDeferred, rows left unattempted wait for their lease to expire.
    if (deferred.length > 0 && deps.outbox.markDeferred) {
      const until = retried[0]?.nextAttemptAt ?? nextAttemptAt(at, deps.attempts(failed[0].item) + 1, deps.retry);
      await deps.outbox.markDeferred(deps.owner, deferred, until);
    }
    if (done.length > 0) deps.onDelivered?.(done);
    if (failed.length > 0) deps.onFailed?.(failed);
    for (const n of done) deps.logger.info(`${deps.noun} sent`, { event: events.sent, ...deps.describe(n) });
    for (const f of retried) {
      deps.logger.warn(`${deps.noun} not sent; will retry`, {
        event: events.failed, attempts: deps.attempts(f.item) + 1, retryAt: f.nextAttemptAt.toISOString(), ...deps.describe(f.item), error: errorText(f.error),
      });
    }
    for (const f of abandoned) {
      deps.logger.error(`${deps.noun} not sent; no retry can fix it`, { event: events.abandoned, ...deps.describe(f.item), error: errorText(f.error) });
    }
    return failed.length === 0;
  };
}
