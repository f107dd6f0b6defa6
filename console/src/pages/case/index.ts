import type { PageDef } from '../page';
import { CASE_PATH } from '../paths';
import { CaseOrReadOnly } from './case-read-only';

/** Operators work the case; help-desk agents read it (read-only view, issue #20). */
export const casePage: PageDef = { path: CASE_PATH, title: 'case.summary', roles: ['operator', 'helpdesk'], component: CaseOrReadOnly };
