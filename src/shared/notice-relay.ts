/**
 * The outbox relay of internal notices on the notifications exchange (the help desk's escalation notices and
 * report.ready), a configuration of the generic leased relay (leased-relay.ts): rows are committed first; a
 * relay leases a batch of due ones to itself (one committed statement, SKIP LOCKED: two instances never hold the
 * same notice), publishes them outside any transaction (pipelined, each confirmed by the broker), marks what was
 * confirmed in one statement (only the notices still leased to it) and releases the others with a later next
 * attempt. No row lock or connection is held while waiting for the broker. A relay that dies between the confirm
 * and the mark leaves its lease to expire and the notice is sent again with the same messageId: consumers
 * de-duplicate on it.
 */
import { NOTIFY_RETRY, type BackoffPolicy } from './backoff';
import { leasedRelayStep, type RelayBus } from './leased-relay';
import type { Logger } from './logger';

/** A notice claimed under a lease, with its failed publications so far. */
export type LeasedNotice<N> = N & { publishAttempts: number };

export interface NoticeOutbox<N> {
  /**
   * Leases up to `limit` due pending notices that nobody holds (or whose lease expired) to `owner` until
   * `leaseUntil`; committed when it returns. Returns only notices that may be published together: where order
   * matters, a notice is claimed only once those before it are sent.
   */
  claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<Array<LeasedNotice<N>>>;
  /** Marks these notices sent where `owner` still holds the lease; returns how many. */
  markSent(owner: string, notices: N[], at: Date): Promise<number>;
  /** Releases these notices (still leased to `owner`) for a later attempt, counting the failed one. */
  markFailed(owner: string, failures: Array<{ notice: N; nextAttemptAt: Date; error: string }>): Promise<void>;
}

/** What the relay needs of the bus: the one bus port of the outbox relays (src/bus implements it). */
export type NoticeBus = RelayBus;

/** How long a claim holds by default: well above the broker's confirm timeout (10 s by default). */
export const DEFAULT_NOTICE_LEASE_MS = 60_000;

/** What a relay of one kind of notice is given by its composition root; the kind itself says the rest. */
export type NoticeRelayWiring<N> = Pick<NoticeRelayDeps<N>, 'outbox' | 'bus' | 'exchange' | 'now' | 'logger' | 'owner' | 'leaseMs' | 'batchSize'>;

export interface NoticeRelayDeps<N> {
  outbox: NoticeOutbox<N>;
  bus: NoticeBus;
  exchange: string;
  now: () => Date;
  logger: Logger;
  /** This relay's lease owner name (unique per process). */
  owner: string;
  /** How long a claim holds: above the broker's confirm timeout. Default DEFAULT_NOTICE_LEASE_MS. */
  leaseMs?: number;
  routingKey: (n: N) => string;
  messageId: (n: N) => string;
  body: (n: N) => object;
  /** Log fields of a notice (ids only). */
  describe: (n: N) => Record<string, unknown>;
  event: string;
  batchSize?: number;
  /** Delay before the next attempt of an unconfirmed notice. Default NOTIFY_RETRY. */
  retry?: Readonly<BackoffPolicy>;
}

/** One relay round; true when it sent everything it claimed (and so may have more to send). */
export function noticeRelayStep<N>(deps: NoticeRelayDeps<N>): () => Promise<boolean> {
  // Not mandatory: whoever wants the notices binds a queue; with nobody bound there is no one to tell.
  const publish = (n: N) => deps.bus.publish(deps.exchange, deps.routingKey(n), deps.body(n), { messageId: deps.messageId(n), persistent: true, mandatory: false });
  return leasedRelayStep<LeasedNotice<N>>({
    outbox: {
      claim: (owner, now, limit, leaseUntil) => deps.outbox.claim(owner, now, limit, leaseUntil),
      markDone: (owner, notices, at) => deps.outbox.markSent(owner, notices, at),
      markFailed: (owner, failures) => deps.outbox.markFailed(owner, failures.map((f) => ({ notice: f.item, nextAttemptAt: f.nextAttemptAt, error: f.error }))),
    },
    now: deps.now, logger: deps.logger, owner: deps.owner, leaseMs: deps.leaseMs ?? DEFAULT_NOTICE_LEASE_MS, batchSize: deps.batchSize ?? 100,
    ready: () => deps.bus.isConnected(), deliver: publish, attempts: (n) => n.publishAttempts, retry: deps.retry ?? NOTIFY_RETRY,
    describe: deps.describe, event: deps.event, noun: 'notice',
  });
}
