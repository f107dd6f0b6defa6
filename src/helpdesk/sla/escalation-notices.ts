/**
 * Escalation notifications on the notifications exchange (docs/contract.md §4), sent from an outbox by the generic
 * notice relay (src/shared/notice-relay.ts): the sweep commits the escalation first, then the relay leases it,
 * publishes it outside any transaction, confirmed by the broker, and marks it sent. With the broker down the rows
 * wait and are retried; a crash between confirm and mark sends the same messageId again once the lease expires
 * (consumers de-duplicate on it). A ticket's notices go out in order: a warning before the breach raised with it.
 *
 * Routing key `helpdesk.escalation.<kind>`, e.g. `helpdesk.escalation.resolution-breach`, so that a consumer can
 * bind to breaches only (`helpdesk.escalation.*-breach`) or to everything (`helpdesk.escalation.#`). The body
 * carries ids and SLA facts only: subject and description may name people and stay in the database.
 */
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import { noticeRelayStep, type NoticeBus, type NoticeOutbox } from '../../shared/notice-relay';
import type { EscalationKind } from './escalation';
import type { Priority } from './sla-policy';
import type { TicketState } from '../tickets/ticket-state';

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

/** The escalation outbox: claims at most one notice per ticket at a time, the earliest (a warning before its breach). */
export type EscalationOutbox = NoticeOutbox<EscalationNotice>;

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
  bus: NoticeBus;
  exchange: string;
  clock: Clock;
  logger: Logger;
  /** This relay's lease owner name (unique per process). */
  owner: string;
  /** How long a claim holds (above the broker's confirm timeout). */
  leaseMs?: number;
  batchSize?: number;
}

/** One relay round (the generic notice relay); true when it sent everything it claimed (and so may have more to send). */
export function escalationRelayStep(deps: RelayDeps): () => Promise<boolean> {
  return noticeRelayStep<EscalationNotice>({
    outbox: deps.outbox, bus: deps.bus, exchange: deps.exchange, now: () => deps.clock.now(), logger: deps.logger,
    owner: deps.owner, leaseMs: deps.leaseMs, batchSize: deps.batchSize,
    routingKey: (n) => escalationRoutingKey(n.kind),
    messageId: (n) => `${n.ticketId}:${n.kind}`,
    body: noticeMessage,
    describe: (n) => ({ ticketId: n.ticketId, kind: n.kind, priority: n.priority }),
    event: 'helpdesk.escalation',
  });
}
