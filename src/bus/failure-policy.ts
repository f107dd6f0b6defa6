import { codeClass, ERRORS, failureClass, isAppError, type ErrorCode } from '../shared/errors';

/**
 * The one place where a handler's result becomes what the consumer does (docs/architecture.md: errors are mapped to retry and
 * dead-letter in one place), following the failure classes of src/shared/errors.ts:
 * - `ack`: done;
 * - `dead`: the message itself is wrong (input class): dead-lettered at once, never retried;
 * - `retry`: an unexpected failure: parked in the retry queue (no prefetch slot held) and delivered again after a
 *   delay, at most `maxAttempts` times in all, then `dead`;
 * - `pause`: a dependency (database, broker) is down: the message goes back untouched and the whole consumer stops
 *   taking messages until the dependency answers again. Never dead-lettered, never counted as an attempt.
 * Pure: the consumer applies the outcome.
 */
export type Outcome =
  | { action: 'ack' }
  | { action: 'retry'; code: ErrorCode; reason: string }
  | { action: 'dead'; code: ErrorCode; reason: string }
  | { action: 'pause'; code: ErrorCode; reason: string };

/** The handler resolved with `verdict`, or threw `error`. */
export type HandlerResult = { verdict: unknown } | { error: unknown };

/** Long reasons are cut: they travel in a message header and a log line. */
export const MAX_REASON_LENGTH = 500;

export function decideOutcome(result: HandlerResult, attempt: number, maxAttempts: number): Outcome {
  const failure = 'error' in result ? fromError(result.error) : fromVerdict(result.verdict);
  if (failure.action !== 'retry' || attempt < maxAttempts) return failure;
  return {
    action: 'dead',
    code: failure.code,
    reason: truncate(`gave up after ${attempt} attempts: ${failure.reason}`),
  };
}

function fromVerdict(verdict: unknown): Outcome {
  if (verdict === 'ack') return { action: 'ack' };
  if (typeof verdict === 'object' && verdict !== null) {
    const v = verdict as Record<string, unknown>;
    if (isErrorCode(v.dead)) {
      const reason = typeof v.reason === 'string' && v.reason.length > 0 ? v.reason : v.dead;
      return { action: 'dead', code: v.dead, reason: truncate(reason) };
    }
    if (isErrorCode(v.retry)) {
      return { action: codeClass(v.retry) === 'dependency' ? 'pause' : 'retry', code: v.retry, reason: v.retry };
    }
  }
  // A handler bug, not the message's fault: retried like an unexpected error, then dead-lettered, never dropped.
  return { action: 'retry', code: 'INT_UNEXPECTED', reason: 'the handler returned an invalid verdict' };
}

function fromError(error: unknown): Outcome {
  const cls = failureClass(error);
  if (isAppError(error)) {
    const reason = truncate(error.message || error.code);
    if (cls === 'dependency') return { action: 'pause', code: error.code, reason };
    return cls === 'input' ? { action: 'dead', code: error.code, reason } : { action: 'retry', code: error.code, reason };
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return { action: 'retry', code: 'INT_UNEXPECTED', reason: truncate(`${name}: ${message}`) };
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

function truncate(text: string): string {
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 1)}…`;
}
