import type { PageDef } from '../page';
import { RULES_CANDIDATES_PATH, RULES_DRAFT_PATH, RULES_PATH } from '../paths';
import { CandidatesPage } from './candidates-page';
import { RulesDraftPage } from './draft-page';
import { RulesPage } from './rules-page';

export const rulesPage: PageDef = {
  path: RULES_PATH,
  title: 'rules.title',
  roles: ['operator'],
  component: RulesPage,
  nav: { group: 'steering', order: 10 },
};

/** Reached from the rules page; operators read the table there but never edit it (PUT /api/rules refuses them too). */
export const rulesDraftPage: PageDef = {
  path: RULES_DRAFT_PATH,
  title: 'rulesDraft.title',
  roles: ['supervisor'],
  component: RulesDraftPage,
};

/** Candidate rules learned from operators' decisions: operators read them, supervisors publish them. */
export const rulesCandidatesPage: PageDef = {
  path: RULES_CANDIDATES_PATH,
  title: 'candidates.title',
  roles: ['operator'],
  component: CandidatesPage,
};
