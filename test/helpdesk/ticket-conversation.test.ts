/** What each action tells the counterpart desk (ticket-conversation.ts), as a table: one named row per case. */
import { outboundMessage, replyMessageId } from '../../src/helpdesk/tickets/ticket-conversation';
import { parseTicketAction, type TicketActionRequest } from '../../src/helpdesk/tickets/ticket-request';
import type { TicketRecord } from '../../src/helpdesk/tickets/ticket-store';

const at = new Date('2025-05-06T08:00:00Z');
const counterpartTicket = {
  id: 'HD2025-000001', counterpartCountry: 'DE', counterpartRef: 'DE-SD-1', source: 'counterpart', autoKey: null,
} as unknown as TicketRecord;

type Row = [name: string, body: Record<string, unknown>, event: string | null, message: string | null];

const rows: Row[] = [
  ['a response with a message', { action: 'respond', message: 'Here' }, 'response', 'Here'],
  ['a response without a message still tells that the desk answered', { action: 'respond' }, 'response', null],
  ['a response whose message is marked internal stays here', { action: 'respond', message: 'x', visibility: 'internal' }, null, null],
  ['a comment is internal by default and stays here', { action: 'comment', message: 'note' }, null, null],
  ['an external comment', { action: 'comment', message: 'More', visibility: 'external' }, 'comment', 'More'],
  ['a wait on the counterpart is the question put to them', { action: 'wait', on: 'counterpart', message: 'Which SED?' }, 'information-request', 'Which SED?'],
  ['a wait on a French institution stays here', { action: 'wait', on: 'institution', message: 'Asked the CPAM' }, null, null],
  ['a resolution with its message', { action: 'resolve', message: 'Forwarded' }, 'resolved', 'Forwarded'],
  ['a resolution with an internal note tells the fact, not the note', { action: 'resolve', message: 'dup', visibility: 'internal' }, 'resolved', null],
  ['a reopening with its message (external by default)', { action: 'reopen', message: 'second SED' }, 'reopened', 'second SED'],
  ['a reopening with an internal note tells the fact, not the note', { action: 'reopen', message: 'x', visibility: 'internal' }, 'reopened', null],
  ['resume stays here', { action: 'resume' }, null, null],
  ['assign stays here', { action: 'assign', assignee: 'bob' }, null, null],
  ['a priority change stays here', { action: 'priority', priority: 'P1' }, null, null],
  ['close stays here', { action: 'close' }, null, null],
];

describe('outboundMessage on a counterpart ticket', () => {
  test.each(rows)('%s', (_name, body, event, message) => {
    const out = outboundMessage(counterpartTicket, parseTicketAction(body as unknown as TicketActionRequest), 42, at, true);
    if (event === null) {
      expect(out).toBeNull();
      return;
    }
    expect(out).toEqual(expect.objectContaining({
      direction: 'out', counterpartCountry: 'DE', counterpartRef: 'DE-SD-1', messageId: 'HD2025-000001:42', event, message,
      delivery: 'pending', attempts: 0, nextAttemptAt: at,
    }));
  });
});

describe('tickets with no counterpart desk, and no broker', () => {
  const respond = parseTicketAction({ action: 'respond', message: 'Done' });
  test.each([
    ['a French institution\'s ticket', { counterpartCountry: 'FR', source: 'institution' }],
    ['an operator\'s ticket for FR', { counterpartCountry: 'FR', source: 'operator' }],
    ['an automatic ticket about a German case', { counterpartCountry: 'DE', counterpartRef: null, source: 'automatic', autoKey: 'orphan-aged:x' }],
  ])('%s sends nothing', (_name, over) => {
    expect(outboundMessage({ ...counterpartTicket, ...over } as TicketRecord, respond, 1, at, true)).toBeNull();
  });

  test('without a broker the reply is recorded with delivery "none", nothing to retry', () => {
    expect(outboundMessage(counterpartTicket, respond, 7, at, false)).toEqual(expect.objectContaining({ delivery: 'none', nextAttemptAt: null }));
  });

  test('message ids are stable and distinct per event', () => {
    expect(replyMessageId('HD2025-000001', 7)).toBe('HD2025-000001:7');
    expect(replyMessageId('HD2025-000001', 7)).not.toBe(replyMessageId('HD2025-000001', 8));
  });
});
