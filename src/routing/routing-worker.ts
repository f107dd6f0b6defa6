/** Drives the routing stage: claims accepted envelopes one at a time and routes each in its own transaction. */
import type { StageQueue } from '../cases/case-store';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { routeOneEnvelope } from './routing-stage';
import type { RoutingConfigService } from './versions';
import { ROUTING_STAGE } from '../shared/pipeline-stages';

export function routingStep(deps: {
  queue: StageQueue; config: RoutingConfigService; clock: Clock; logger: Logger; metrics: Metrics;
}): () => Promise<boolean> {
  return async () => {
    // Read the configuration before the transaction: PGlite has one connection, held by the transaction.
    const cfg = await deps.config.current();
    const r = await deps.queue.processNext(ROUTING_STAGE, (w, envelopeId) => routeOneEnvelope(w, envelopeId, cfg, deps.clock.now()));
    if (r.error) {
      deps.logger.error('routing failed; will retry', { event: 'routing.error', envelopeId: r.ref, error: (r.error as Error)?.message });
      return r.done;
    }
    const o = r.result;
    if (o && !o.skipped) {
      deps.metrics.routingDecisions.inc({ rule: o.ruleId ?? 'none', outcome: o.outcome, institution: o.institutionId ?? '', reason: o.reason ?? '' });
      deps.logger.info('envelope routed', {
        event: 'routing.decided', envelopeId: o.envelopeId, caseId: o.caseId, outcome: o.outcome, institutionId: o.institutionId,
        reason: o.reason, ruleId: o.ruleId, ruleSetVersion: cfg.ruleSetVersion,
      });
    }
    return r.done;
  };
}
