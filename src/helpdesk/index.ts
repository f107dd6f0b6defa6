/** The help desk's pure domain: calendars, SLA policies and clock, escalation, ticket state machine. */
export * from '../business-time/calendar';
export * from '../business-time/calendar-config';
export * from './sla/sla-policy';
export * from './sla/sla-clock';
export * from './sla/escalation';
export * from './tickets/ticket-state';
export * from './tickets/ticket';
