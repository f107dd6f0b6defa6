/**
 * Requests to the help desk as they arrive. Over HTTP, web/ checks every body against docs/openapi.yaml (a new
 * ticket: schemas/ticket.schema.json; an action: TicketAction) before the service sees it; an AMQP message is
 * checked here against the same JSON Schemas (parseNewTicket, parseInboundMessage). An action's rules between its
 * fields (`on` only and always with `wait`…) are checked by parseTicketAction. All throw REQ_INVALID_BODY with one
 * detail per problem (path + message).
 */
import { AppError, type ErrorDetail } from '../../shared/errors';
import { describeErrors, validatorFor } from '../../validation/schemas';
import { PRIORITIES, type Priority } from '../sla/sla-policy';
import type { NewTicketRequest } from './ticket';
import { WAIT_PARTIES, type ActionName, type TicketAction, type WaitParty } from './ticket-state';
import type { TicketSource, Visibility } from './ticket-store';

/** Who is acting: recorded on every event; `seesInternal` decides whether internal comments are shown. */
export interface Actor {
  id: string;
  kind: 'operator' | 'machine' | 'system';
  seesInternal: boolean;
  /**
   * A counterpart desk's token names its country: the actor then sees and acts on that country's tickets only
   * (another country's ticket is "not found", so ids cannot be probed). Absent: every country.
   */
  country?: string;
  /** How the audit trail names the actor (`operator:<username>`, `token:<id>`, `bootstrap`); default `id`. */
  auditId?: string;
}

/** A later message of a counterpart desk about one of its tickets (schemas/helpdesk-message.schema.json). */
export interface InboundMessage {
  counterpartCountry: string;
  counterpartRef: string;
  messageId: string;
  message: string;
  at?: string;
}

export const SYSTEM_ACTORS = {
  amqp: { id: 'amqp:helpdesk', kind: 'machine', seesInternal: false },
  escalation: { id: 'system:escalation', kind: 'system', seesInternal: true },
  pipelineWatch: { id: 'system:pipeline-watch', kind: 'system', seesInternal: true },
  rina: { id: 'system:rina', kind: 'system', seesInternal: true },
} as const satisfies Record<string, Actor>;

/** A liaison.helpdesk body carrying a message id and a message is a message about an existing ticket. */
export function isInboundMessage(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'messageId' in body && 'message' in body;
}

export function parseInboundMessage(body: unknown): InboundMessage {
  const validate = validatorFor('helpdesk-message.schema.json');
  if (!validate(body)) {
    const details = describeErrors(validate.errors);
    throw new AppError('REQ_INVALID_BODY', `The message does not match the help-desk message schema: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}.`, details);
  }
  return body as InboundMessage;
}

/**
 * Who a new ticket comes from. Operators in the console open `operator` tickets whatever the body says; a machine
 * (an AMQP message on liaison.helpdesk, or a help-desk token over HTTP) speaks for a French institution when the
 * request's counterpartCountry is FR, and for a counterpart national desk otherwise.
 */
export function ticketSourceOf(body: unknown, openedBy: 'operator' | 'machine'): TicketSource {
  if (openedBy === 'operator') return 'operator';
  return (body as { counterpartCountry?: unknown } | null)?.counterpartCountry === 'FR' ? 'institution' : 'counterpart';
}

export function parseNewTicket(body: unknown): NewTicketRequest {
  const validate = validatorFor('ticket.schema.json');
  if (!validate(body)) {
    const details = describeErrors(validate.errors);
    throw new AppError('REQ_INVALID_BODY', `The ticket does not match the ticket schema: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}.`, details);
  }
  return body as NewTicketRequest;
}

export interface ParsedAction {
  action: TicketAction;
  message: string | null;
  visibility: Visibility | null;
  /** Only for `assign`: the new assignee, null to unassign. */
  assignee?: string | null;
}

/** POST /api/tickets/{id}/actions (TicketAction in docs/openapi.yaml: types, lengths and known keys checked there). */
export interface TicketActionRequest {
  action: ActionName;
  message?: string | null;
  on?: WaitParty;
  visibility?: Visibility;
  assignee?: string | null;
  priority?: Priority;
}

/**
 * Default visibility of a message: a comment is internal unless said otherwise; what goes with a response, a
 * resolution, a reopening or a wait on the counterpart (the question put to them) is what the requester is told,
 * hence external; anything else (a wait on an institution, a priority change's reason…) is internal.
 */
export function defaultVisibility(action: ActionName, on?: WaitParty): Visibility {
  if (action === 'wait') return on === 'counterpart' ? 'external' : 'internal';
  return action === 'respond' || action === 'resolve' || action === 'reopen' ? 'external' : 'internal';
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], path: string, errors: ErrorDetail[]): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  errors.push({ path, message: `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value) ?? 'nothing'}` });
  return undefined;
}

function parseAssignee(b: TicketActionRequest, errors: ErrorDetail[]): string | null | undefined {
  if (b.action !== 'assign') {
    if (b.assignee !== undefined) errors.push({ path: '/assignee', message: 'is only allowed with the action "assign"' });
    return undefined;
  }
  if (b.assignee === null) return null;
  if (b.assignee === undefined || b.assignee.trim() === '') {
    errors.push({ path: '/assignee', message: 'is required with "assign": a name of 1 to 100 characters, or null to unassign' });
    return undefined;
  }
  return b.assignee.trim();
}

/** `{action, message?, on?, visibility?, assignee?}` → a checked action. */
export function parseTicketAction(b: TicketActionRequest): ParsedAction {
  const errors: ErrorDetail[] = [];
  const action = b.action;
  let on: WaitParty | undefined;
  if (action === 'wait') on = oneOf(b.on, WAIT_PARTIES, '/on', errors);
  else if (b.on !== undefined) errors.push({ path: '/on', message: 'is only allowed with the action "wait"' });
  const message = b.message ?? null;
  if (action === 'comment' && message === null) errors.push({ path: '/message', message: 'is required with "comment"' });
  let visibility: Visibility | null = null;
  if (b.visibility !== undefined) {
    visibility = b.visibility;
    if (message === null) errors.push({ path: '/visibility', message: 'is only allowed with a message' });
  }
  const assignee = parseAssignee(b, errors);
  let priority: Priority | undefined;
  if (action === 'priority') priority = oneOf(b.priority, PRIORITIES, '/priority', errors);
  else if (b.priority !== undefined) errors.push({ path: '/priority', message: 'is only allowed with the action "priority"' });
  if (errors.length > 0) {
    throw new AppError('REQ_INVALID_BODY', `The action is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`, errors);
  }
  const ticketAction: TicketAction = action === 'wait' ? { action, on: on! } : action === 'priority' ? { action, to: priority! } : { action };
  return {
    action: ticketAction,
    message,
    visibility: message === null ? null : (visibility ?? defaultVisibility(action, on)),
    ...(action === 'assign' && { assignee }),
  };
}
