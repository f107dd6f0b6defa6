/** Business time's public face: calendars (opening hours, holidays, zone), their configuration, business-hour arithmetic. */
export * from './calendar';
export * from './calendar-config';
