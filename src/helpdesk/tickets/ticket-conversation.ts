/**
 * The conversation with a counterpart desk, outbound (inbound-messages.ts has the other way).
 *
 * Out: every external message of a counterpart ticket goes to the counterpart's desk (reply-outbox.ts publishes
 * it): a response, an external comment, the question of a wait on the counterpart (`information-request`), the
 * resolution and a reopening. Internal messages and the other actions (assign, priority, resume, close, a wait on
 * a French institution) stay here. A resolution or reopening with an internal or no message still tells the
 * counterpart that it happened, without the message. Tickets of FR (French institutions, operators, the
 * pipeline) and automatic tickets have no counterpart desk: they send nothing.
 *
 */
import type { ParsedAction } from './ticket-request';
import type { ThreadEvent, ThreadMessage, TicketRecord } from './ticket-store';

/** The country whose tickets never leave the service. */
export const HOME_COUNTRY = 'FR';

/** Stable for ever: a retried or re-sent reply carries the same id, so the counterpart de-duplicates on it. */
export const replyMessageId = (ticketId: string, eventId: number): string => `${ticketId}:${eventId}`;

export function hasCounterpartDesk(t: Pick<TicketRecord, 'counterpartCountry' | 'counterpartRef' | 'source'>): boolean {
  return t.counterpartCountry !== HOME_COUNTRY && t.counterpartRef !== null && t.source !== 'automatic';
}

/** What the counterpart is told of an action, if anything. */
export function outboundEvent(parsed: ParsedAction): ThreadEvent | null {
  const external = parsed.visibility !== 'internal';
  switch (parsed.action.action) {
    case 'respond':
      return external ? 'response' : null;
    case 'comment':
      return parsed.visibility === 'external' ? 'comment' : null;
    case 'wait':
      return parsed.action.on === 'counterpart' && external ? 'information-request' : null;
    case 'resolve':
      return 'resolved';
    case 'reopen':
      return 'reopened';
    default:
      return null;
  }
}

/** The outbox row of an action, or null when nothing goes to the counterpart. */
export function outboundMessage(ticket: TicketRecord, parsed: ParsedAction, eventId: number, at: Date, broker: boolean): ThreadMessage | null {
  const event = outboundEvent(parsed);
  if (event === null || !hasCounterpartDesk(ticket)) return null;
  return {
    direction: 'out', counterpartCountry: ticket.counterpartCountry, messageId: replyMessageId(ticket.id, eventId), ticketId: ticket.id,
    eventId, counterpartRef: ticket.counterpartRef!, event, message: parsed.visibility === 'external' ? parsed.message : null, at,
    delivery: broker ? 'pending' : 'none', attempts: 0, nextAttemptAt: broker ? at : null, sentAt: null, lastError: null,
  };
}
