import type { PageDef } from '../page';
import { OverviewPage } from './overview-page';

export const overviewPage: PageDef = {
  path: '/overview',
  title: 'overview.title',
  roles: ['operator'],
  component: OverviewPage,
  nav: { group: 'steering', order: 5 },
};
