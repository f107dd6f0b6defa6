/**
 * Every page of the console. To add one: a folder under pages/ exporting a PageDef, then one line here.
 * The navigation is built from this list (entries with `nav`), filtered by the session's roles.
 */
import { accountsPage } from './accounts';
import { auditPage } from './audit';
import { casePage } from './case';
import { directoryPage } from './directory';
import type { PageDef } from './page';
import { overviewPage } from './overview';
import { quarantinePage } from './quarantine';
import { queuePage } from './queue';
import { searchPage } from './search';
import { tokensPage } from './tokens';
import { reportsPage } from './reports';
import { rulesCandidatesPage, rulesDraftPage, rulesPage } from './rules';
import { newTicketPage, ticketPage, ticketsPage } from './tickets';
import { ownPasswordPage } from './own-password';

export { HOME_PATH, LOGIN_PATH } from './paths';

export const PAGES: PageDef[] = [
  queuePage,
  casePage,
  searchPage,
  accountsPage,
  tokensPage,
  auditPage,
  overviewPage,
  rulesPage,
  rulesDraftPage,
  rulesCandidatesPage,
  directoryPage,
  quarantinePage,
  reportsPage,
  ticketsPage,
  newTicketPage, // before ticketPage: /tickets/new is not a ticket id
  ticketPage,
  ownPasswordPage,
];
