/**
 * What the help desk checks beyond the schemas (issues #20, #21): what a counterpart desk's token may do, that a
 * response carries a message, and the bounds of a requested `slaStartAt` (the SLA figures go to the Technical
 * Commission: a desk must not be able to open a ticket already breached).
 */
import { AppError } from '../../shared/errors';
import type { ParsedAction, Actor } from './ticket-request';

/** What a counterpart desk may do on its own tickets: add to the conversation, and reopen what it finds unsolved. */
const COUNTERPART_ACTIONS: ReadonlySet<string> = new Set(['comment', 'reopen']);

/**
 * A country-scoped token speaks for the counterpart desk: only external comments and reopening. Its comments are
 * external by default (they are the conversation); internal notes, responses, waits, resolutions, closing,
 * priority and assignment are the French desk's.
 */
export function counterpartAction(parsed: ParsedAction, actor: Actor, explicitVisibility: boolean): ParsedAction {
  if (actor.country === undefined) return parsed;
  const name = parsed.action.action;
  if (!COUNTERPART_ACTIONS.has(name)) {
    throw new AppError('HDK_COUNTERPART_FORBIDDEN', `A counterpart desk's token may add external comments and reopen; "${name}" is the French desk's.`,
      [{ path: '/action', message: `"${name}" is not allowed for a counterpart desk (comment, reopen)` }]);
  }
  if (parsed.message !== null && parsed.visibility === 'internal') {
    if (explicitVisibility) {
      throw new AppError('HDK_COUNTERPART_FORBIDDEN', "A counterpart desk's comments are external: internal notes are the French desk's.",
        [{ path: '/visibility', message: 'must be "external" for a counterpart desk' }]);
    }
    return { ...parsed, visibility: 'external' };
  }
  return parsed;
}

/** A response tells the requester something: without a message it would stop the first-response clock and say nothing. */
export function requireResponseMessage(parsed: ParsedAction): void {
  if (parsed.action.action === 'respond' && (parsed.message === null || parsed.message.trim() === '')) {
    throw new AppError('HDK_MESSAGE_REQUIRED', 'A response needs a message: it is what the requester is told.', [{ path: '/message', message: 'is required with "respond"' }]);
  }
}

/**
 * The SLA start of a new ticket: `requested` when given and plausible, else `now`. Refused (HDK_SLA_START_INVALID)
 * further back than `maxDaysBack` days, or before the legal receipt of the case's SED. A start in the future is
 * taken as the creation (CONTRACT §5: the clock never starts later than the ticket; earlier releases did the same).
 */
export function boundedSlaStart(requested: string | undefined, now: Date, maxDaysBack: number, caseReceivedAt: Date | undefined): Date {
  if (requested === undefined) return now;
  const at = new Date(requested);
  const refuse = (message: string, sentence: string) => new AppError('HDK_SLA_START_INVALID', sentence, [{ path: '/slaStartAt', message }]);
  const earliest = new Date(now.getTime() - maxDaysBack * 86_400_000);
  if (at.getTime() < earliest.getTime()) {
    throw refuse(`is more than ${maxDaysBack} days back`, `slaStartAt ${requested} is more than ${maxDaysBack} days back (the earliest accepted now is ${earliest.toISOString()}).`);
  }
  if (caseReceivedAt && at.getTime() < caseReceivedAt.getTime()) {
    throw refuse('is before the receipt of the case\'s SED', `slaStartAt ${requested} is before the receipt of the case's SED (${caseReceivedAt.toISOString()}).`);
  }
  return at.getTime() > now.getTime() ? now : at;
}
