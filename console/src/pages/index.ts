/**
 * Every page of the console. To add one: a folder under pages/ exporting a PageDef, then one line here.
 * The navigation is built from this list (entries with `nav`), filtered by the session's roles.
 */
import type { PageDef } from './page';
import { queuePage } from './queue';

export { HOME_PATH, LOGIN_PATH } from './paths';

export const PAGES: PageDef[] = [
  queuePage,
];
