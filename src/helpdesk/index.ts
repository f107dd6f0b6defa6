/** The help desk's pure domain: SLA policies and clock, escalation, ticket state machine (calendars: src/business-time). */
export * from './sla/sla-policy';
export * from './sla/sla-clock';
export * from './sla/escalation';
export * from './tickets/ticket-state';
export * from './tickets/ticket';
