/**
 * The outbox relay: publishes pending forwards to `liaison.forward` (routing key = institution id,
 * messageId = forward id, persistent, header x-legal-delivery-at) and the X007 instruction to `liaison.rina`.
 *
 * One step: claim a batch with a lease (committed at once: no transaction is open while publishing), publish the
 * whole batch pipelined on the confirm channel (every publish first, then every confirm), mark what the broker
 * confirmed in one statement, back off what it did not. While the lease holds no other instance touches those
 * forwards, so two relays never publish the same forward; a relay killed between the confirm and the mark leaves
 * its lease to expire, and the batch is published again (same messageId: consumers de-duplicate on it).
 */
import type { MessageBus } from '../bus/types';
import { nextAttemptAt, PUBLISH_RETRY } from '../shared/backoff';
import type { Clock } from '../shared/clock';
import { isAppError } from '../shared/errors';
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

export interface RelayDeps {
  outbox: OutboxRepository;
  bus: MessageBus;
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
}

export const DEFAULT_RELAY_BATCH = 200;
export const DEFAULT_LEASE_MS = 60_000;

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
  const batchSize = deps.batchSize ?? DEFAULT_RELAY_BATCH;
  return async () => {
    if (!deps.bus.isConnected()) return false;
    const now = deps.clock.now();
    const items = await deps.outbox.claim(deps.owner, now, batchSize, new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS)));
    if (items.length === 0) return false;
    const settled = await Promise.allSettled(items.map(publishOne));
    const published = items.filter((_, i) => settled[i].status === 'fulfilled');
    const failures = items.flatMap((item, i) => {
      const s = settled[i];
      return s.status === 'rejected' ? [{ item, error: s.reason as unknown }] : [];
    });
    const at = deps.clock.now();
    if (published.length > 0) {
      const marked = await deps.outbox.markPublished(deps.owner, published.map((p) => p.forwardId), at);
      if (marked < published.length) {
        deps.logger.warn('forwards confirmed after their lease expired', { event: 'forward.lease-lost', confirmed: published.length, marked });
      }
    }
    if (failures.length > 0) {
      await deps.outbox.markFailed(deps.owner, failures.map((f) => ({
        forwardId: f.item.forwardId, nextAttemptAt: nextAttemptAt(at, f.item.publishAttempts + 1, PUBLISH_RETRY),
        error: String((f.error as Error)?.message ?? f.error).slice(0, 500),
      })));
    }
    for (const item of published) {
      deps.metrics.forwardsPublished.inc({ institution: item.institutionId });
      deps.logger.info('forward published', { event: 'forward.published', forwardId: item.forwardId, caseId: item.caseId, envelopeId: item.envelopeId, institutionId: item.institutionId });
    }
    for (const f of failures) {
      deps.logger.warn('forward not published; will retry', { event: 'forward.publish-failed', forwardId: f.item.forwardId, error: (f.error as Error)?.message });
    }
    return published.length > 0 && failures.length === 0;
  };
}
