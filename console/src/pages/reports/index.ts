import type { PageDef } from '../page';
import { ReportsPage } from './reports-page';

export const reportsPage: PageDef = {
  path: '/reports',
  title: 'reports.title',
  roles: ['operator'],
  component: ReportsPage,
  nav: { group: 'steering', order: 40 },
};
