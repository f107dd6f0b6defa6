import { allowedActions, applyAction, type TicketAction, type TicketState } from '../../src/helpdesk';
import { AppError } from '../../src/shared/errors';

const ACTIONS: Record<string, TicketAction> = {
  respond: { action: 'respond' },
  'wait on counterpart': { action: 'wait', on: 'counterpart' },
  'wait on institution': { action: 'wait', on: 'institution' },
  resume: { action: 'resume' },
  resolve: { action: 'resolve' },
  reopen: { action: 'reopen' },
  comment: { action: 'comment' },
  assign: { action: 'assign' },
  close: { action: 'close' },
  'priority P1': { action: 'priority', to: 'P1' },
};

const X = 'refused' as const;
type Outcome = TicketState | typeof X;

// The whole transition table, written out by hand: every (state, action) pair is one named row below.
const TABLE: Record<TicketState, Record<keyof typeof ACTIONS, Outcome>> = {
  new: {
    respond: 'open', 'wait on counterpart': X, 'wait on institution': X, resume: X, resolve: 'resolved',
    reopen: X, comment: 'new', assign: 'new', close: X, 'priority P1': 'new',
  },
  open: {
    respond: 'open', 'wait on counterpart': 'waiting-counterpart', 'wait on institution': 'waiting-institution',
    resume: X, resolve: 'resolved', reopen: X, comment: 'open', assign: 'open', close: X, 'priority P1': 'open',
  },
  'waiting-counterpart': {
    respond: 'waiting-counterpart', 'wait on counterpart': X, 'wait on institution': 'waiting-institution',
    resume: 'open', resolve: 'resolved', reopen: X, comment: 'waiting-counterpart', assign: 'waiting-counterpart',
    close: X, 'priority P1': 'waiting-counterpart',
  },
  'waiting-institution': {
    respond: 'waiting-institution', 'wait on counterpart': 'waiting-counterpart', 'wait on institution': X,
    resume: 'open', resolve: 'resolved', reopen: X, comment: 'waiting-institution', assign: 'waiting-institution',
    close: X, 'priority P1': 'waiting-institution',
  },
  resolved: {
    respond: X, 'wait on counterpart': X, 'wait on institution': X, resume: X, resolve: X, reopen: 'open',
    comment: 'resolved', assign: 'resolved', close: 'closed', 'priority P1': X,
  },
  closed: {
    respond: X, 'wait on counterpart': X, 'wait on institution': X, resume: X, resolve: X, reopen: 'open',
    comment: X, assign: X, close: X, 'priority P1': X,
  },
};

const rows = Object.entries(TABLE).flatMap(([state, outcomes]) =>
  Object.entries(outcomes).map(([action, outcome]) => [`${state} + ${action} → ${outcome}`, state, action, outcome] as const),
);

describe('applyAction', () => {
  test.each(rows)('%s', (_name, state, action, outcome) => {
    const run = () => applyAction(state as TicketState, ACTIONS[action]);
    if (outcome !== X) {
      expect(run()).toBe(outcome);
      return;
    }
    try {
      run();
      throw new Error('expected HDK_INVALID_TRANSITION');
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('HDK_INVALID_TRANSITION');
      expect((e as AppError).message).toContain(state);
      expect((e as AppError).message).toContain(ACTIONS[action].action);
    }
  });
});

describe('allowedActions agrees with the table', () => {
  test.each(Object.entries(TABLE))('%s', (state, outcomes) => {
    const expected = [...new Set(
      Object.entries(outcomes).filter(([, o]) => o !== X).map(([a]) => ACTIONS[a].action),
    )];
    expect(allowedActions(state as TicketState).sort()).toEqual(expected.sort());
  });
});
