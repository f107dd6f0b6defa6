/**
 * Drives the routing stage: claims a batch of accepted envelopes, routes them in memory with the configuration
 * read once for the batch, and commits the batch in one transaction. Wakes the outbox relay when it created forwards.
 */
import type { RoutingQueue } from './routing-queue';
import type { HandedForward, RelayHandOver } from '../forwarding/outbox-relay';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { processRoutingBatch } from './routing-batch';
import { routeBatch } from './routing-stage';
import type { RoutingConfigService } from '../routing/versions';

/** Envelopes claimed per routing transaction. */
export const DEFAULT_ROUTING_BATCH = 200;

export function routingStep(deps: {
  queue: RoutingQueue; config: RoutingConfigService; clock: Clock; logger: Logger; metrics: Metrics;
  batchSize?: number;
  /** Called once per batch that created forwards not handed over (wakes the outbox relay). */
  onForwarded?: () => void;
  /** This instance's relay: forwards created under its lease are handed over in memory once committed. */
  handOver?: RelayHandOver;
}): () => Promise<boolean> {
  return async () => {
    // Read the configuration before the transaction: PGlite has one connection, held by the transaction.
    const cfg = await deps.config.current();
    const at = deps.clock.now();
    const lease = deps.handOver?.lease();
    const r = await processRoutingBatch(deps.queue, deps.batchSize ?? DEFAULT_ROUTING_BATCH, (items, cases) => routeBatch(items, cases, cfg, at, lease), {
      now: () => deps.clock.now(),
    });
    for (const f of r.failed) {
      deps.logger.error('routing failed; will retry', { event: 'routing.error', envelopeId: f.envelopeId, error: (f.error as Error)?.message });
    }
    let forwards = 0;
    const handed: HandedForward[] = [];
    for (const o of r.results) {
      forwards += o.forwards;
      handed.push(...o.handed);
      deps.metrics.routingDecisions.inc({ rule: o.ruleId ?? 'none', outcome: o.outcome, institution: o.institutionId ?? '', reason: o.reason ?? '' });
      deps.logger.info('envelope routed', {
        event: 'routing.decided', envelopeId: o.envelopeId, caseId: o.caseId, outcome: o.outcome, institutionId: o.institutionId,
        reason: o.reason, ruleId: o.ruleId, ruleSetVersion: cfg.ruleSetVersion,
      });
    }
    // Results are those of committed transactions only: what they created under the lease can be handed over.
    deps.handOver?.put(handed);
    if (forwards > handed.length) deps.onForwarded?.();
    // Work done when something was claimed and not all of it had to wait for an earlier SED of its case.
    return r.claimed > r.deferred;
  };
}
