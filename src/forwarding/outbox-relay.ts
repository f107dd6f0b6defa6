/**
 * The outbox relay: publishes pending forwards to `liaison.forward` (routing key = institution id,
 * messageId = forward id, persistent, header x-legal-delivery-at) and the X007 instruction to `liaison.rina`,
 * each confirmed by the broker before the row is marked sent. With the broker down, rows wait and are retried.
 */
import type { MessageBus } from '../bus/types';
import type { Clock } from '../shared/clock';
import { isAppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { forwardMessages, type OutboxItem } from './messages';

export interface RelayResult {
  published: OutboxItem[];
  failed: Array<{ item: OutboxItem; error: unknown }>;
}

export interface OutboxRepository {
  relayBatch(now: Date, limit: number, publish: (item: OutboxItem) => Promise<void>): Promise<RelayResult>;
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
  batchSize?: number;
}

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
  return async () => {
    if (!deps.bus.isConnected()) return false;
    const r = await deps.outbox.relayBatch(deps.clock.now(), deps.batchSize ?? 50, publishOne);
    for (const item of r.published) {
      deps.metrics.forwardsPublished.inc({ institution: item.institutionId });
      deps.logger.info('forward published', { event: 'forward.published', forwardId: item.forwardId, caseId: item.caseId, envelopeId: item.envelopeId, institutionId: item.institutionId });
    }
    for (const f of r.failed) {
      deps.logger.warn('forward not published; will retry', { event: 'forward.publish-failed', forwardId: f.item.forwardId, error: (f.error as Error)?.message });
    }
    return r.published.length > 0 && r.failed.length === 0;
  };
}
