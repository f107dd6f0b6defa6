/**
 * Code lists of the contract (docs/contract.md §2) the forms offer as choices. Labels come from the catalogue; the
 * meaning of each code (what a reason implies, which rule applies) stays with the service.
 */
export const COUNTRIES = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'EL', 'HU', 'IS', 'IE', 'IT', 'LV', 'LI', 'LT', 'LU', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'CH', 'UK', 'EU'] as const;
export const SECTORS = ['AD', 'AW', 'FB', 'H', 'LA', 'M', 'P', 'R', 'S', 'UB'] as const;
export type Sector = (typeof SECTORS)[number];
/** Triage reasons known to the catalogue; the queue also shows any other code the service reports, as is. */
export const TRIAGE_REASONS = ['NO_PERSON', 'AMBIGUOUS_TERRITORY', 'AMBIGUOUS_REFERENCE', 'IDENTITY_MISMATCH', 'NO_RULE', 'BOUNCED', 'REOPENED'] as const;
export const CASE_STATUSES = ['triage', 'forwarded', 'returned'] as const;

/** "operator:o.martin" → "o.martin" (actor ids of sessions); other actors as they are. */
export function actorName(actor: string): string {
  return actor.startsWith('operator:') ? actor.slice('operator:'.length) : actor;
}
