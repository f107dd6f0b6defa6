/**
 * Who may receive a case: the one rule, used wherever a target is chosen or offered (the SED's French references
 * among the routing facts, an operator's assignment or re-assignment, the picker's candidates and search results,
 * the institutions given a forward queue). It lives beside the directory, at the lowest folder that needs it
 * (routing's facts judge the SED's references with it), so that cases/, triage/, learning/ and the API all use it.
 *
 * A target must be a French institution (`FR:…`) other than the liaison body itself, in the directory and valid at
 * the given instant or date (for a case: its first legal delivery).
 */
import { LIAISON_BODY_ID } from '../intake/envelope';
import type { Directory, InstitutionRow } from './directory';

export type ForwardTargetCheck =
  | { allowed: true; institution: InstitutionRow }
  | { allowed: false; code: 'foreign' | 'liaisonBody' | 'invalid'; why: string };

/** Whether the institution is a French one other than the liaison body (what a queue on liaison.forward needs). */
export function isFrenchTarget(institutionId: string): boolean {
  return institutionId.startsWith('FR:') && institutionId !== LIAISON_BODY_ID;
}

/** Who may receive a case at `at` (an RFC 3339 instant or a YYYY-MM-DD date), and why not. */
export function forwardTarget(directory: Pick<Directory, 'validityAt'>, institutionId: string, at: string): ForwardTargetCheck {
  if (!institutionId.startsWith('FR:')) return { allowed: false, code: 'foreign', why: `${institutionId} is not a French institution` };
  if (institutionId === LIAISON_BODY_ID) return { allowed: false, code: 'liaisonBody', why: `${institutionId} is the liaison body itself` };
  const validity = directory.validityAt(institutionId, at);
  return validity.valid ? { allowed: true, institution: validity.institution } : { allowed: false, code: 'invalid', why: validity.why };
}

export function isForwardTarget(directory: Pick<Directory, 'validityAt'>, institutionId: string, at: string): boolean {
  return forwardTarget(directory, institutionId, at).allowed;
}
