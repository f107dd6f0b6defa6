/**
 * The outbox relay: publishes pending forwards to `liaison.forward` (routing key = institution id,
 * messageId = forward id, persistent, header x-legal-delivery-at) and the X007 instruction to `liaison.rina`.
 *
 * One step: claim a batch with a lease (committed at once: no transaction is open while publishing), publish the
 * whole batch pipelined on the confirm channel (every publish first, then every confirm), mark what the broker
 * confirmed in one statement, back off what it did not. While the lease holds no other instance touches those
 * forwards, so two relays never publish the same forward; a relay killed between the confirm and the mark leaves
 * its lease to expire, and the batch is published again (same messageId: consumers de-duplicate on it).
 *
 * The hand-over: the routing stage creates its forwards already leased to this instance's relay (RelayInbox.lease)
 * and, once committed, hands them over in memory with their envelope and explanation (RelayInbox.put), so the
 * common path costs no claim statement and no read of the bodies back. The database stays the truth: a forward
 * handed over and never published (the process died) is claimed by any relay once its lease has expired.
 */
import type { ForwardLease } from '../cases/case-store';
import { PUBLISH_RETRY } from '../shared/backoff';
import type { Clock } from '../shared/clock';
import { isAppError } from '../shared/errors';
import { leasedRelayStep, type LeasedOutbox, type RelayBus } from '../shared/leased-relay';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { forwardMessages, type OutboxItem } from './messages';

/** An outbox row claimed under a lease. */
export interface LeasedItem extends OutboxItem {
  /** Failed publications so far. */
  publishAttempts: number;
}

export interface OutboxRepository {
  /** Leases up to `limit` due, unleased (or expired) forwards to `owner` until `leaseUntil`; committed when it returns. */
  claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<LeasedItem[]>;
  /** Marks these forwards published (and records the event), where `owner` still holds the lease; returns how many. */
  markPublished(owner: string, forwardIds: string[], at: Date): Promise<number>;
  /** Releases these forwards for a later attempt. */
  markFailed(owner: string, failures: Array<{ forwardId: string; nextAttemptAt: Date; error: string }>): Promise<void>;
}

/** A forward created leased to this relay, handed over in memory by the routing stage. */
export interface HandedForward extends LeasedItem {
  leaseUntil: Date;
}

/** What the routing stage sees of the relay: a lease to create forwards under, and where to hand them over. */
export interface RelayHandOver {
  /** A lease for forwards about to be created, when this relay can take them at once (else: none, they are claimed). */
  lease(): ForwardLease | undefined;
  /** Forwards committed under that lease. */
  put(items: HandedForward[]): void;
}

/**
 * The relay's in-memory inbox. It offers a lease only while the broker is connected and the inbox holds less than
 * its capacity; an item is published only while at least half of its lease is left (otherwise it is left to expire
 * and be claimed, so that two relays never hold the same forward).
 */
export class RelayInbox implements RelayHandOver {
  private items: HandedForward[] = [];

  constructor(private readonly opts: {
    owner: string; leaseMs: number; capacity: number; clock: Clock;
    /** The broker is connected (nothing is handed over otherwise). */
    connected: () => boolean;
    /** Called after a put (wakes the relay). */
    onPut?: () => void;
  }) {}

  get owner(): string {
    return this.opts.owner;
  }

  lease(): ForwardLease | undefined {
    if (!this.opts.connected() || this.items.length >= this.opts.capacity) return undefined;
    return { owner: this.opts.owner, until: new Date(this.opts.clock.now().getTime() + this.opts.leaseMs) };
  }

  put(items: HandedForward[]): void {
    if (items.length === 0) return;
    this.items.push(...items);
    this.opts.onPut?.();
  }

  /** Up to `limit` items still safely within their lease, oldest first; the others are dropped (claimed later). */
  take(limit: number, now: Date): HandedForward[] {
    const safe = now.getTime() + this.opts.leaseMs / 2;
    const fresh = this.items.filter((i) => i.leaseUntil.getTime() > safe);
    const taken = fresh.slice(0, limit);
    this.items = fresh.slice(limit);
    return taken;
  }

  get size(): number {
    return this.items.length;
  }
}

export interface RelayDeps {
  outbox: OutboxRepository;
  bus: RelayBus;
  names: { forward: string; rina: string };
  rinaRoutingKey: string;
  /** Declares the institution's queue (bound to the forward exchange) the first time it is needed. */
  ensureInstitutionQueue: (institutionId: string) => Promise<void>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** This instance's lease owner name (unique per process). */
  owner: string;
  batchSize?: number;
  /** How long a claim holds: well above the broker's confirm timeout. Default 60 s. */
  leaseMs?: number;
  /** Forwards handed over by the routing stage (owned by `owner`); the database is claimed when it is empty. */
  inbox?: RelayInbox;
  /**
   * With RINA_URL: of these forwards, those the service carries out in RINA itself (an X007 job, src/forwarding/x007.ts);
   * they need no liaison.rina instruction. Without it the instruction is how an external adapter learns of a forward.
   */
  carriedInRina?: (forwardIds: string[]) => Promise<Set<string>>;
}

/** The batch without the liaison.rina instruction of the forwards the service carries out in RINA itself. */
async function withoutInstructionsCarriedInRina(deps: RelayDeps, items: LeasedItem[]): Promise<LeasedItem[]> {
  const instructed = items.filter((i) => i.rinaInstruction).map((i) => i.forwardId);
  if (!deps.carriedInRina || instructed.length === 0) return items;
  const carried = await deps.carriedInRina(instructed);
  return carried.size === 0 ? items : items.map((i) => (carried.has(i.forwardId) ? { ...i, rinaInstruction: false } : i));
}

/** While the inbox keeps the relay busy, the database is still claimed this often (retries, expired leases). */
const CLAIM_AT_LEAST_EVERY_MS = 1_000;

export const DEFAULT_RELAY_BATCH = 200;
export const DEFAULT_LEASE_MS = 60_000;

/**
 * The relay's next batch: handed-over forwards go first and alone (no statement before they are published), but
 * the database is still claimed at least once a second, so forwards to retry and leases expired elsewhere never
 * starve; with nothing handed over, the database is claimed.
 */
function nextBatch(deps: RelayDeps): (owner: string, now: Date, batchSize: number, leaseUntil: Date) => Promise<LeasedItem[]> {
  let lastClaim = 0;
  return async (owner, now, batchSize, leaseUntil) => {
    const handed: LeasedItem[] = deps.inbox?.take(batchSize, now) ?? [];
    if (handed.length > 0 && now.getTime() - lastClaim < CLAIM_AT_LEAST_EVERY_MS) return handed;
    lastClaim = now.getTime();
    const room = Math.max(batchSize - handed.length, Math.ceil(batchSize / 4));
    const claimed = await deps.outbox.claim(owner, now, room, leaseUntil);
    return [...handed, ...claimed];
  };
}

/** The forwards outbox as the one relay sees it: the in-memory hand-over first, then the database. */
function leasedForwards(deps: RelayDeps): LeasedOutbox<LeasedItem> {
  const next = nextBatch(deps);
  return {
    claim: async (owner, now, limit, leaseUntil) => withoutInstructionsCarriedInRina(deps, await next(owner, now, limit, leaseUntil)),
    markDone: (owner, items, at) => deps.outbox.markPublished(owner, items.map((i) => i.forwardId), at),
    markFailed: (owner, failures) => deps.outbox.markFailed(owner, failures.map((f) => ({ forwardId: f.item.forwardId, nextAttemptAt: f.nextAttemptAt, error: f.error }))),
  };
}

/** One round of the forwards' relay (the one outbox relay, all at once, PUBLISH_RETRY); true when it published all it took. */
export function outboxRelayStep(deps: RelayDeps): () => Promise<boolean> {
  const publishOne = async (item: OutboxItem) => {
    for (const m of forwardMessages(item, deps.rinaRoutingKey)) {
      const exchange = m.exchange === 'forward' ? deps.names.forward : deps.names.rina;
      const send = () => deps.bus.publish(exchange, m.routingKey, m.body, { messageId: m.messageId, headers: m.headers, persistent: true, mandatory: true });
      try {
        await send();
      } catch (e) {
        // An institution added to the directory after start has no queue yet: declare it, then send again.
        if (m.exchange === 'forward' && isAppError(e) && e.code === 'BUS_UNROUTABLE') {
          await deps.ensureInstitutionQueue(item.institutionId);
          await send();
        } else {
          throw e;
        }
      }
    }
  };
  return leasedRelayStep<LeasedItem>({
    outbox: leasedForwards(deps), now: () => deps.clock.now(), logger: deps.logger, owner: deps.owner,
    leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS, batchSize: deps.batchSize ?? DEFAULT_RELAY_BATCH, ready: () => deps.bus.isConnected(),
    deliver: publishOne, attempts: (i) => i.publishAttempts, retry: PUBLISH_RETRY,
    describe: (i) => ({ forwardId: i.forwardId, caseId: i.caseId, envelopeId: i.envelopeId, institutionId: i.institutionId }),
    event: 'forward', events: { sent: 'forward.published', failed: 'forward.publish-failed', leaseLost: 'forward.lease-lost' }, noun: 'forward',
    onDelivered: (items) => { for (const i of items) deps.metrics.forwardsPublished.inc({ institution: i.institutionId }); },
  });
}
