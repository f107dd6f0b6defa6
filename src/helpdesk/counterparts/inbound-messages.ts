/**
 * Inbound messages of counterpart desks (liaison.helpdesk): a later message of the desk about its ticket (same
 * counterpartCountry + counterpartRef) is added as an external comment, once per message id (the thread's
 * primary key decides, not a look-up first); it resumes a ticket waiting on the counterpart and reopens a
 * resolved or closed one. Nothing goes back for these: the counterpart is the one who spoke.
 */
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import type { HelpdeskMetrics } from '../helpdesk-metrics';
import { SYSTEM_ACTORS, type Actor, type InboundMessage, type ParsedAction } from '../tickets/ticket-request';
import type { TicketService } from '../tickets/ticket-service';
import type { ThreadEvent, TicketStore } from '../tickets/ticket-store';

export interface InboundResult {
  ticketId: string;
  messageId: string;
  /** The same message id was received before: nothing was changed. */
  duplicate: boolean;
  event: ThreadEvent;
}

const EXTERNAL_COMMENT: ParsedAction = { action: { action: 'comment' }, message: null, visibility: 'external' };

export class InboundMessages {
  constructor(private readonly deps: {
    store: TicketStore; service: TicketService; clock: Clock; logger: Logger; metrics?: Pick<HelpdeskMetrics, 'counterpartMessages'>; actor?: Actor;
  }) {}

  /** Adds a counterpart's message to its ticket; HDK_TICKET_NOT_FOUND when the desk has no such ticket here. */
  /** `m` was checked against schemas/helpdesk-message.schema.json (parseInboundMessage) by whoever received it. */
  async receive(m: InboundMessage): Promise<InboundResult> {
    const actor = this.deps.actor ?? SYSTEM_ACTORS.amqp;
    const now = this.deps.clock.now();
    const result = await this.deps.store.inTransaction(async (w): Promise<InboundResult> => {
      const found = await w.ticketByCounterpart(m.counterpartCountry, m.counterpartRef);
      const ticket = found && (await w.lockTicket(found.id));
      if (!ticket) {
        throw new AppError('HDK_TICKET_NOT_FOUND', `No ticket of ${m.counterpartCountry} with reference ${m.counterpartRef} for message ${m.messageId}.`,
          [{ path: '/counterpartRef', message: 'no ticket of this country has this reference' }]);
      }
      const key = { direction: 'in' as const, counterpartCountry: m.counterpartCountry, messageId: m.messageId };
      const inserted = await w.insertMessage({
        ...key, ticketId: ticket.id, eventId: null, counterpartRef: m.counterpartRef, event: 'comment', message: m.message, at: now,
        delivery: 'received', attempts: 0, nextAttemptAt: null, sentAt: null, lastError: null,
      });
      if (!inserted) return { ticketId: ticket.id, messageId: m.messageId, duplicate: true, event: 'comment' };
      const data = { messageId: m.messageId, via: 'counterpart' };
      let current = ticket;
      let event: ThreadEvent = 'comment';
      // A closed ticket takes no comment: the counterpart's message reopens it first.
      if (ticket.state === 'resolved' || ticket.state === 'closed') {
        current = (await this.deps.service.applyIn(w, current, { action: { action: 'reopen' }, message: null, visibility: null }, actor, now, { data, reply: false })).detail.ticket;
        event = 'reopened';
      }
      const comment = await this.deps.service.applyIn(w, current, { ...EXTERNAL_COMMENT, message: m.message }, actor, now, { data, reply: false });
      if (current.state === 'waiting-counterpart') {
        await this.deps.service.applyIn(w, comment.detail.ticket, { action: { action: 'resume' }, message: null, visibility: null }, actor, now, { data, reply: false });
        event = 'resumed';
      }
      await w.setMessageEvent(key, comment.eventId, event);
      return { ticketId: ticket.id, messageId: m.messageId, duplicate: false, event };
    });
    this.deps.metrics?.counterpartMessages.inc({ outcome: result.duplicate ? 'duplicate' : result.event });
    this.deps.logger.info(result.duplicate ? 'counterpart message already received' : 'counterpart message received', {
      event: result.duplicate ? 'helpdesk.message_duplicate' : 'helpdesk.message_received', ticketId: result.ticketId,
      messageId: result.messageId, outcome: result.event, counterpartCountry: m.counterpartCountry,
    });
    return result;
  }
}
