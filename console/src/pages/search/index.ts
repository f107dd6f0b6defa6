import type { PageDef } from '../page';
import { SEARCH_PATH } from '../paths';
import { SearchPage } from './search-page';

export const searchPage: PageDef = { path: SEARCH_PATH, title: 'search.title', roles: ['operator'], component: SearchPage, nav: { group: 'work', order: 20 } };
