import { decideOutcome, MAX_REASON_LENGTH, type HandlerResult, type Outcome } from '../../src/bus/failure-policy';
import { AppError } from '../../src/shared/errors';

const MAX = 3;

describe('decideOutcome: handler result → ack / retry / dead / pause', () => {
  const rows: Array<[string, HandlerResult, number, Outcome]> = [
    ['ack verdict', { verdict: 'ack' }, 1, { action: 'ack' }],
    ['ack verdict on the last attempt', { verdict: 'ack' }, MAX, { action: 'ack' }],
    [
      'dead verdict dead-letters at once with its reason',
      { verdict: { dead: 'VAL_SCHEMA_MISMATCH', reason: 'sedType missing' } },
      1,
      { action: 'dead', code: 'VAL_SCHEMA_MISMATCH', reason: 'sedType missing' },
    ],
    [
      'dead verdict without reason uses the code',
      { verdict: { dead: 'VAL_NOT_JSON', reason: '' } },
      1,
      { action: 'dead', code: 'VAL_NOT_JSON', reason: 'VAL_NOT_JSON' },
    ],
    ['retry verdict with an unexpected code before the bound', { verdict: { retry: 'INT_UNEXPECTED' } }, 2, { action: 'retry', code: 'INT_UNEXPECTED', reason: 'INT_UNEXPECTED' }],
    [
      'retry verdict on the last attempt becomes dead with the same code',
      { verdict: { retry: 'INT_UNEXPECTED' } },
      MAX,
      { action: 'dead', code: 'INT_UNEXPECTED', reason: 'gave up after 3 attempts: INT_UNEXPECTED' },
    ],
    [
      'retry verdict past the bound is dead too',
      { verdict: { retry: 'INT_UNEXPECTED' } },
      MAX + 4,
      { action: 'dead', code: 'INT_UNEXPECTED', reason: 'gave up after 7 attempts: INT_UNEXPECTED' },
    ],
    ['a dependency named in a retry verdict pauses the consumer', { verdict: { retry: 'DEP_DATABASE_DOWN' } }, 1, { action: 'pause', code: 'DEP_DATABASE_DOWN', reason: 'DEP_DATABASE_DOWN' }],
    [
      'a dependency failure pauses, never dead-letters, whatever the attempt',
      { error: new AppError('DEP_DATABASE_DOWN', 'connection refused') },
      MAX + 4,
      { action: 'pause', code: 'DEP_DATABASE_DOWN', reason: 'connection refused' },
    ],
    [
      'a broker failure pauses too',
      { error: new AppError('FWD_PUBLISH_FAILED', 'nack') },
      1,
      { action: 'pause', code: 'FWD_PUBLISH_FAILED', reason: 'nack' },
    ],
    [
      'an input failure (deterministic) is dead at once, never retried',
      { error: new AppError('VAL_UNSTORABLE_TEXT', 'NUL') },
      1,
      { action: 'dead', code: 'VAL_UNSTORABLE_TEXT', reason: 'NUL' },
    ],
    [
      'thrown non-retryable AppError is dead at once',
      { error: new AppError('VAL_UNKNOWN_BUC', 'X_BUC_99 is not a BUC') },
      1,
      { action: 'dead', code: 'VAL_UNKNOWN_BUC', reason: 'X_BUC_99 is not a BUC' },
    ],
    [
      'thrown unknown error retries as INT_UNEXPECTED',
      { error: new TypeError('x is undefined') },
      1,
      { action: 'retry', code: 'INT_UNEXPECTED', reason: 'TypeError: x is undefined' },
    ],
    [
      'thrown unknown error on the last attempt is dead as INT_UNEXPECTED',
      { error: new TypeError('x is undefined') },
      MAX,
      { action: 'dead', code: 'INT_UNEXPECTED', reason: 'gave up after 3 attempts: TypeError: x is undefined' },
    ],
    ['thrown non-Error value', { error: 'boom' }, 1, { action: 'retry', code: 'INT_UNEXPECTED', reason: 'string: boom' }],
    ['undefined verdict is a handler bug: retried', { verdict: undefined }, 1, { action: 'retry', code: 'INT_UNEXPECTED', reason: 'the handler returned an invalid verdict' }],
    ['unknown code in a dead verdict is a handler bug', { verdict: { dead: 'NOPE', reason: 'x' } }, 1, { action: 'retry', code: 'INT_UNEXPECTED', reason: 'the handler returned an invalid verdict' }],
    ['"nack" string is not a verdict', { verdict: 'nack' }, 1, { action: 'retry', code: 'INT_UNEXPECTED', reason: 'the handler returned an invalid verdict' }],
  ];

  it.each(rows)('%s', (_name, result, attempt, expected) => {
    expect(decideOutcome(result, attempt, MAX)).toEqual(expected);
  });

  it('cuts long reasons', () => {
    const outcome = decideOutcome({ verdict: { dead: 'VAL_SCHEMA_MISMATCH', reason: 'x'.repeat(5_000) } }, 1, MAX);
    expect(outcome.action).toBe('dead');
    expect((outcome as { reason: string }).reason).toHaveLength(MAX_REASON_LENGTH);
  });
});
