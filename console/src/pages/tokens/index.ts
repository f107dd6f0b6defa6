import type { PageDef } from '../page';
import { TokensPage } from './tokens-page';

export const tokensPage: PageDef = { path: '/admin/tokens', title: 'tokens.title', roles: ['admin'], component: TokensPage, nav: { group: 'admin', order: 15, label: 'nav.tokens' } };
