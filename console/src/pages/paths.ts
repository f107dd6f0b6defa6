/** Paths other pages link to (kept apart from pages/index.ts so that pages can import them without a cycle). */
export const LOGIN_PATH = '/login';
export const HOME_PATH = '/triage';
export const CASE_PATH = '/cases/:caseId';
export const SEARCH_PATH = '/search';
export const RULES_PATH = '/rules';
export const RULES_DRAFT_PATH = '/rules/draft';
export const RULES_CANDIDATES_PATH = '/rules/candidates';
export const TICKETS_PATH = '/tickets';
export const TICKET_PATH = '/tickets/:id';
