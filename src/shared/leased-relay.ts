/**
 * The leased outbox relay, whatever it delivers (a notice to the broker, an X007 to RINA): rows are committed
 * first; a relay leases a batch of due ones to itself (one committed statement, SKIP LOCKED: two instances never
 * hold the same row), delivers them outside any transaction (each on its own, all at once), marks what was
 * delivered in one statement (only the rows still leased to it) and releases the others with a later next attempt
 * (capped exponential backoff). A failure no retry can fix, when the kind has such failures, is handed to
 * `markAbandoned` instead. No row lock or connection is held while delivering. A relay that dies between the
 * delivery and the mark leaves its lease to expire and the row is delivered again: the delivery must be idempotent
 * on the row's key (a messageId consumers de-duplicate on; the X007's recorded document).
 */
import { nextAttemptAt, type BackoffPolicy } from './backoff';
import type { Logger } from './logger';
import { settleEach } from './settle-each';

export interface LeasedOutbox<N> {
  /** Leases up to `limit` due rows nobody holds (or whose lease expired) to `owner` until `leaseUntil`; committed when it returns. */
  claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<N[]>;
  /** Marks these rows delivered where `owner` still holds the lease; returns how many. */
  markDone(owner: string, items: N[], at: Date): Promise<number>;
  /** Releases these rows (still leased to `owner`) for a later attempt, counting the failed one. */
  markFailed(owner: string, failures: Array<{ item: N; nextAttemptAt: Date; error: string }>, at: Date): Promise<void>;
  /** Rows whose failure no retry can fix (see `LeasedRelayDeps.final`), still leased to `owner`. */
  markAbandoned?(owner: string, failures: Array<{ item: N; error: string }>, at: Date): Promise<void>;
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
  /** What a row is, in log messages ("notice", "X007"). */
  noun: string;
}

const defaultErrorText = (e: unknown): string => String((e as Error)?.message ?? e).slice(0, 500);

/** One relay round; true when it delivered everything it claimed (and so may have more to deliver). */
export function leasedRelayStep<N>(deps: LeasedRelayDeps<N>): () => Promise<boolean> {
  const errorText = deps.errorText ?? defaultErrorText;
  return async () => {
    if (deps.ready && !deps.ready()) return false;
    const now = deps.now();
    const claimed = await deps.outbox.claim(deps.owner, now, deps.batchSize, new Date(now.getTime() + deps.leaseMs));
    if (claimed.length === 0) return false;
    const { done, failed } = await settleEach(claimed, deps.deliver);
    const at = deps.now();
    if (done.length > 0) {
      const marked = await deps.outbox.markDone(deps.owner, done, at);
      if (marked < done.length) {
        deps.logger.warn(`${deps.noun}s delivered after their lease expired`, { event: `${deps.event}_lease_lost`, delivered: done.length, marked });
      }
    }
    const isFinal = (f: { item: N; error: unknown }) => Boolean(deps.outbox.markAbandoned && deps.final?.(f.error, f.item));
    const abandoned = failed.filter(isFinal);
    const retried = failed.filter((f) => !isFinal(f));
    if (retried.length > 0) {
      await deps.outbox.markFailed(deps.owner, retried.map((f) => ({
        item: f.item, nextAttemptAt: nextAttemptAt(at, deps.attempts(f.item) + 1, deps.retry), error: errorText(f.error),
      })), at);
    }
    if (abandoned.length > 0) await deps.outbox.markAbandoned!(deps.owner, abandoned.map((f) => ({ item: f.item, error: errorText(f.error) })), at);
    for (const n of done) deps.logger.info(`${deps.noun} sent`, { event: `${deps.event}_sent`, ...deps.describe(n) });
    for (const f of retried) {
      deps.logger.warn(`${deps.noun} not sent; will retry`, { event: `${deps.event}_send_failed`, ...deps.describe(f.item), error: errorText(f.error) });
    }
    for (const f of abandoned) {
      deps.logger.error(`${deps.noun} not sent; no retry can fix it`, { event: `${deps.event}_abandoned`, ...deps.describe(f.item), error: errorText(f.error) });
    }
    return failed.length === 0;
  };
}
