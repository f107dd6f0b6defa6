import type { PageDef } from '../page';
import { AccountsPage } from './accounts-page';

export const accountsPage: PageDef = { path: '/admin/accounts', title: 'accounts.title', roles: ['admin'], component: AccountsPage, nav: { group: 'admin', order: 10 } };
