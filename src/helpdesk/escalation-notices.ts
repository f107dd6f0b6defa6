/**
 * Escalation notifications on the notifications exchange (CONTRACT.md §4), sent from an outbox: the sweep
 * commits the escalation first, then this relay publishes it, confirmed by the broker, and marks it sent.
 * With the broker down the rows wait and are retried; a crash between confirm and commit sends the same
 * messageId again (consumers de-duplicate on it).
 *
 * Routing key `helpdesk.escalation.<kind>`, e.g. `helpdesk.escalation.resolution-breach`, so that a consumer can
 * bind to breaches only (`helpdesk.escalation.*-breach`) or to everything (`helpdesk.escalation.#`). The body
 * carries ids and SLA facts only: subject and description may name people and stay in the database.
 */
import type { MessageBus } from '../bus/types';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { EscalationKind } from './escalation';
import type { Priority } from './sla-policy';
import type { TicketState } from './ticket-state';

export interface EscalationNotice {
  ticketId: string;
  kind: EscalationKind;
  at: Date;
  dueAt: Date;
  policyVersion: string;
  priority: Priority;
  state: TicketState;
  counterpartCountry: string;
  caseId: string | null;
  category: string;
  assignee: string | null;
}

export interface EscalationOutbox {
  /** Claims due pending notifications (skipping those another instance holds), publishes each, marks it sent. */
  relayBatch(now: Date, limit: number, publish: (n: EscalationNotice) => Promise<void>): Promise<{ sent: EscalationNotice[]; failed: Array<{ notice: EscalationNotice; error: unknown }> }>;
}

export const escalationRoutingKey = (kind: EscalationKind): string => `helpdesk.escalation.${kind}`;

export function noticeMessage(n: EscalationNotice) {
  return {
    type: 'helpdesk.escalation',
    ticketId: n.ticketId,
    kind: n.kind,
    at: n.at.toISOString(),
    dueAt: n.dueAt.toISOString(),
    policyVersion: n.policyVersion,
    priority: n.priority,
    state: n.state,
    counterpartCountry: n.counterpartCountry,
    caseId: n.caseId,
    category: n.category,
    assignee: n.assignee,
  };
}

export interface RelayDeps {
  outbox: EscalationOutbox;
  bus: MessageBus;
  exchange: string;
  clock: Clock;
  logger: Logger;
  batchSize?: number;
}

/** One relay round; true when it sent everything it claimed (and so may have more to send). */
export function escalationRelayStep(deps: RelayDeps): () => Promise<boolean> {
  const publish = (n: EscalationNotice) =>
    // Not mandatory: whoever wants escalations binds a queue; with nobody bound there is no one to tell.
    deps.bus.publish(deps.exchange, escalationRoutingKey(n.kind), noticeMessage(n), { messageId: `${n.ticketId}:${n.kind}`, persistent: true, mandatory: false });
  return async () => {
    if (!deps.bus.isConnected()) return false;
    const r = await deps.outbox.relayBatch(deps.clock.now(), deps.batchSize ?? 100, publish);
    for (const n of r.sent) {
      deps.logger.info('escalation notified', { event: 'helpdesk.escalation_sent', ticketId: n.ticketId, kind: n.kind, priority: n.priority });
    }
    for (const f of r.failed) {
      deps.logger.warn('escalation not notified; will retry', { event: 'helpdesk.escalation_send_failed', ticketId: f.notice.ticketId, kind: f.notice.kind, error: (f.error as Error)?.message });
    }
    return r.sent.length > 0 && r.failed.length === 0;
  };
}
