import type { PageDef } from '../page';
import { TICKET_PATH, TICKETS_PATH } from '../paths';
import { NewTicketPage } from './ticket-new';
import { TicketPage } from './ticket-page';
import { TicketsPage } from './tickets-page';

/** Who may read and act on tickets: help-desk agents, and operators (the API lets both, docs/contract.md §3). */
const DESK_ROLES: PageDef['roles'] = ['helpdesk', 'operator'];

export const ticketsPage: PageDef = {
  path: TICKETS_PATH,
  title: 'tickets.title',
  roles: DESK_ROLES,
  component: TicketsPage,
  nav: { group: 'desk', order: 10 },
};

/** Opening a ticket for a call or a mail (issue #20). */
export const newTicketPage: PageDef = { path: `${TICKETS_PATH}/new`, title: 'ticketNew.title', roles: DESK_ROLES, component: NewTicketPage };

export const ticketPage: PageDef = { path: TICKET_PATH, title: 'tickets.title', roles: DESK_ROLES, component: TicketPage };
