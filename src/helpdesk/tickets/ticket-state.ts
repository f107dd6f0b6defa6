/**
 * The ticket state machine (docs/contract.md §5). Pure: the service stores the returned state and an audit event.
 *
 * Choices where the contract is silent:
 * - `wait` needs a first response: a ticket leaves `new` only by `respond` or `resolve`, so the response clock
 *   (which never pauses) has always stopped before the resolution clock can pause.
 * - `respond` while waiting keeps the waiting state (a holding reply does not end the wait); `resume` ends it.
 * - `wait` from one waiting state to the other switches party in one step (no artificial running gap);
 *   waiting again on the same party is refused, so a double submission is visible instead of silently merged.
 * - `resolve` is allowed from `new` (e.g. a duplicate answered at once): it is also the first response.
 * - `close` only follows `resolve`; `reopen` works from `resolved` and `closed` and returns to `open`.
 * - `closed` is the archive: `comment` and `assign` are refused there (reopen first), so a closed ticket's
 *   history cannot grow behind the monthly report's back.
 * - `priority` changes the priority, not the state; it is refused on a resolved or closed ticket (its measured
 *   history is done) and when the priority would not change.
 */
import { AppError } from '../../shared/errors';
import type { Priority } from '../sla/sla-policy';

export const TICKET_STATES = [
  'new',
  'open',
  'waiting-counterpart',
  'waiting-institution',
  'resolved',
  'closed',
] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const WAIT_PARTIES = ['counterpart', 'institution'] as const;
/** Who the desk is waiting on: the counterpart country's desk, or a French institution. */
export type WaitParty = (typeof WAIT_PARTIES)[number];

export const ACTION_NAMES = ['respond', 'wait', 'resume', 'resolve', 'reopen', 'comment', 'assign', 'close', 'priority'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export type TicketAction =
  | { action: 'wait'; on: WaitParty }
  | { action: 'priority'; to: Priority }
  | { action: Exclude<ActionName, 'wait' | 'priority'> };

const WAITING: readonly TicketState[] = ['waiting-counterpart', 'waiting-institution'];
const ALL_BUT_CLOSED: readonly TicketState[] = TICKET_STATES.filter((s) => s !== 'closed');

/** States each action is allowed from; the resulting state is computed by nextState. */
const ALLOWED_FROM: Record<ActionName, readonly TicketState[]> = {
  respond: ['new', 'open', ...WAITING],
  wait: ['open', ...WAITING],
  resume: WAITING,
  resolve: ['new', 'open', ...WAITING],
  reopen: ['resolved', 'closed'],
  comment: ALL_BUT_CLOSED,
  assign: ALL_BUT_CLOSED,
  close: ['resolved'],
  priority: ['new', 'open', ...WAITING],
};

function nextState(state: TicketState, action: TicketAction): TicketState {
  switch (action.action) {
    case 'respond':
      return state === 'new' ? 'open' : state;
    case 'wait':
      return `waiting-${action.on}`;
    case 'resume':
    case 'reopen':
      return 'open';
    case 'resolve':
      return 'resolved';
    case 'close':
      return 'closed';
    case 'comment':
    case 'assign':
    case 'priority':
      return state;
  }
}

function describe(action: TicketAction): string {
  if (action.action === 'wait') return `wait (on ${action.on})`;
  return action.action === 'priority' ? 'change the priority of' : action.action;
}

/** The state after `action`; throws HDK_INVALID_TRANSITION naming the state and the action when not allowed. */
export function applyAction(state: TicketState, action: TicketAction): TicketState {
  if (!ALLOWED_FROM[action.action].includes(state)) {
    throw new AppError('HDK_INVALID_TRANSITION', `cannot ${describe(action)} a ticket in state ${state}`, [], {
      state,
      action: action.action,
    });
  }
  const next = nextState(state, action);
  if (action.action === 'wait' && next === state) {
    throw new AppError('HDK_INVALID_TRANSITION', `cannot ${describe(action)}: the ticket is already ${state}`, [], {
      state,
      action: action.action,
    });
  }
  return next;
}

/** The actions the console may offer in a state (wait counts if at least one party is possible). */
export function allowedActions(state: TicketState): ActionName[] {
  return ACTION_NAMES.filter((name) => {
    if (name !== 'wait') return ALLOWED_FROM[name].includes(state);
    return WAIT_PARTIES.some((on) => ALLOWED_FROM.wait.includes(state) && `waiting-${on}` !== state);
  });
}

export function isWaiting(state: TicketState): state is 'waiting-counterpart' | 'waiting-institution' {
  return WAITING.includes(state);
}
