/** Prometheus counters of the help desk, registered on the service's registry (GET /metrics). */
import { Counter, type Registry } from 'prom-client';

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  // One registry per process, but the help desk may be started more than once on it (tests): reuse.
  const known = registry.getSingleMetric(name);
  if (known) return known as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export function createHelpdeskMetrics(registry: Registry) {
  return {
    ticketsCreated: counter(registry, 'liaison_helpdesk_tickets_created_total', 'Tickets opened, by source and priority', ['source', 'priority']),
    ticketActions: counter(registry, 'liaison_helpdesk_ticket_actions_total', 'Actions taken on tickets', ['action']),
    escalations: counter(registry, 'liaison_helpdesk_escalations_total', 'Escalation thresholds raised', ['kind']),
    automaticTickets: counter(registry, 'liaison_helpdesk_automatic_tickets_total', 'Tickets opened by the pipeline watch', ['kind']),
    automaticResolutions: counter(registry, 'liaison_helpdesk_automatic_resolutions_total', 'Automatic tickets resolved because their cause is gone', ['cause', 'via']),
    repliesSent: counter(registry, 'liaison_helpdesk_replies_sent_total', 'Replies to counterpart desks confirmed by the broker', ['event']),
    replyFailures: counter(registry, 'liaison_helpdesk_reply_failures_total', 'Failed attempts to publish a reply (each is retried)', []),
    counterpartMessages: counter(registry, 'liaison_helpdesk_counterpart_messages_total', 'Messages of counterpart desks about their tickets, by what they did', ['outcome']),
  };
}

export type HelpdeskMetrics = ReturnType<typeof createHelpdeskMetrics>;
