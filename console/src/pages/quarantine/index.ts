import type { PageDef } from '../page';
import { QuarantinePage } from './quarantine-page';

export const quarantinePage: PageDef = {
  path: '/quarantine',
  title: 'quarantine.title',
  roles: ['operator'],
  component: QuarantinePage,
  nav: { group: 'steering', order: 30 },
};
