/** The help desk's pure domain: calendars, SLA policies and clock, escalation, ticket state machine. */
export * from '../business-time/calendar';
export * from '../business-time/calendar-config';
export * from './sla-policy';
export * from './sla-clock';
export * from './escalation';
export * from './ticket-state';
export * from './ticket';
