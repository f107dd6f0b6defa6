import type { PageDef } from '../page';
import { RulesPage } from './rules-page';

export const rulesPage: PageDef = {
  path: '/rules',
  title: 'rules.title',
  roles: ['operator'],
  component: RulesPage,
  nav: { group: 'steering', order: 10 },
};
