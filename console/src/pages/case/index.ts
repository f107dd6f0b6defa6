import type { PageDef } from '../page';
import { CASE_PATH } from '../paths';
import { CasePage } from './case-page';

export const casePage: PageDef = { path: CASE_PATH, title: 'case.summary', roles: ['operator'], component: CasePage };
