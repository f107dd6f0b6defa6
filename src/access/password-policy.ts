/**
 * What a person may choose as a password (NIST SP 800-63B §5.1.1.2: length, no common or breached password, nothing
 * derived from the account): at least MIN_PASSWORD_LENGTH characters, not containing the username, and not
 * guessable by zxcvbn-ts (its offline dictionaries of passwords common in breach corpora, French and common words,
 * keyboard patterns, repeats and sequences; no network at run time). Refusals carry a reason code the console
 * renders in its own language.
 */
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';
import { AppError } from '../shared/errors';
import { MIN_PASSWORD_LENGTH } from './passwords';

/** zxcvbn's score (0–4) a password needs: 3 = "safely unguessable: moderate protection from offline attacks". */
const MIN_SCORE = 3;

export type PasswordRefusal = 'too-short' | 'contains-username' | 'common' | 'repetitive' | 'guessable';

let factory: ZxcvbnFactory | undefined;
/** Built on first use (the dictionaries take a few MB): a service that never changes a password never loads them. */
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...fr.dictionary }, graphs: common.adjacencyGraphs });
  return factory;
}

function refusalOf(r: ZxcvbnResult): PasswordRefusal {
  const patterns = r.sequence.map((s) => s.pattern);
  if (r.sequence.some((s) => s.pattern === 'dictionary' && String((s as { dictionaryName?: string }).dictionaryName).startsWith('passwords'))) return 'common';
  if (patterns.some((p) => p === 'repeat' || p === 'sequence' || p === 'spatial')) return 'repetitive';
  return 'guessable';
}

const SENTENCES: Record<PasswordRefusal, string> = {
  'too-short': `The new password must be at least ${MIN_PASSWORD_LENGTH} characters.`,
  'contains-username': 'The new password must not contain the username.',
  common: 'The new password is one of the passwords most often used or found in breaches.',
  repetitive: 'The new password is a repetition, a sequence or a keyboard pattern.',
  guessable: 'The new password is too easy to guess: make it longer, with less common words.',
};

/** The first reason this password is refused for this account, or undefined when it may be used. */
export function passwordRefusal(password: string, username: string): PasswordRefusal | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return 'too-short';
  const user = username.trim().toLowerCase();
  if (user.length >= 3 && password.toLowerCase().includes(user)) return 'contains-username';
  // Checking the first 100 characters is enough to judge, and bounds the work on a very long input.
  const r = estimator().check(password.slice(0, 100), [username]);
  return r.score >= MIN_SCORE ? undefined : refusalOf(r);
}

/** Why a password is refused, in a sentence that names no password (for a configured one: "BOOTSTRAP_ADMIN_PASSWORD is refused: …"). */
export function passwordRefusalSentence(reason: PasswordRefusal): string {
  return SENTENCES[reason].replace(/^The new password/, 'The password');
}

/** Throws ACC_PASSWORD_WEAK (with `reason`) when the password may not be chosen. */
export function checkPasswordPolicy(password: string, username: string, path = '/newPassword'): void {
  const reason = passwordRefusal(password, username);
  if (reason === undefined) return;
  throw new AppError('ACC_PASSWORD_WEAK', SENTENCES[reason], [{ path, message: reason }], { reason });
}
