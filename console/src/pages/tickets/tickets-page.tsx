/**
 * The help desk's tickets, next due time first unless asked otherwise, as the service pages them (keyset cursor), with the SLA due times and the
 * colour the service computed (`sla.status`; each clock's own status beside its due time), filters in the URL,
 * and a refresh every 30 s while the page is used (a colour changes with time, not only with actions).
 */
import { useEffect } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { actorName } from '../../codes';
import { recentlyActive } from '../../components/activity';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, href, navigate, onLinkClick } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { TICKET_PATH, TICKETS_PATH } from '../paths';
import { TicketFilters, apiQueryOf, filterFromQuery, isFiltered, queryOfFilter, type TicketFilter } from './ticket-filters';
import { SlaBadge, StateBadge, priorityLabel } from './ticket-labels';

type Summary = Schemas['TicketSummary'];
const REFRESH_MS = 30_000;
const PAGE_SIZES = [25, 50, 100, 200];
const PAGE_SIZE = 50;

function ResponseDue({ ticket: { sla } }: { ticket: Summary }) {
  const { t, dateTime } = useI18n();
  return (
    <>
      <span class="ticket-due">{dateTime(sla.firstResponseDueAt)}</span>
      {sla.firstResponseStatus !== 'on-time' && <> <SlaBadge status={sla.firstResponseStatus} clock="firstResponse" /></>}
      {sla.firstResponseAt && <span class="ticket-clock-note">{t('tickets.respondedAt', { at: dateTime(sla.firstResponseAt) })}</span>}
    </>
  );
}

function ResolutionDue({ ticket }: { ticket: Summary }) {
  const { t, dateTime } = useI18n();
  const { sla } = ticket;
  return (
    <>
      <span class="ticket-due">{dateTime(sla.resolutionDueAt)}</span>
      {sla.resolutionStatus !== 'on-time' && <> <SlaBadge status={sla.resolutionStatus} clock="resolution" /></>}
      {sla.resolutionClock === 'paused' && <span class="ticket-clock-note">{t('ticket.clock.paused')}</span>}
      {ticket.resolvedAt && <span class="ticket-clock-note">{t('tickets.resolvedAt', { at: dateTime(ticket.resolvedAt) })}</span>}
    </>
  );
}

function TicketRow({ ticket, linkTo }: { ticket: Summary; linkTo: string }) {
  const { t } = useI18n();
  return (
    <tr class={`sla-${ticket.sla.status}`} data-ticket={ticket.id}>
      <td><a href={linkTo} onClick={onLinkClick(linkTo)} class="ticket-link">{ticket.id}</a><span class="ticket-subject">{ticket.subject}</span></td>
      <td><SlaBadge status={ticket.sla.status} /></td>
      <td><span title={priorityLabel(t, ticket.priority)}>{ticket.priority}</span></td>
      <td><StateBadge state={ticket.state} /></td>
      <td><span class="country">{ticket.counterpartCountry}</span>{ticket.counterpartRef && <> <code class="muted">{ticket.counterpartRef}</code></>}</td>
      <td><ResponseDue ticket={ticket} /></td>
      <td><ResolutionDue ticket={ticket} /></td>
      <td>{ticket.assignee ? actorName(ticket.assignee) : <span class="muted">{t('tickets.unassigned')}</span>}</td>
    </tr>
  );
}

function TicketTable({ items, hrefOf }: { items: Summary[]; hrefOf: (id: string) => string }) {
  const { t } = useI18n();
  return (
    <div class="tickets-scroll">
      <table class="table tickets-table">
        <caption class="visually-hidden">{t('tickets.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tickets.col.ticket')}</th>
            <th scope="col">{t('tickets.col.sla')}</th>
            <th scope="col">{t('tickets.col.priority')}</th>
            <th scope="col">{t('tickets.col.state')}</th>
            <th scope="col">{t('tickets.col.counterpart')}</th>
            <th scope="col">{t('tickets.col.responseDue')}</th>
            <th scope="col">{t('tickets.col.resolutionDue')}</th>
            <th scope="col">{t('tickets.col.assignee')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((ticket) => <TicketRow key={ticket.id} ticket={ticket} linkTo={hrefOf(ticket.id)} />)}
        </tbody>
      </table>
    </div>
  );
}

export function TicketsPage({ query }: PageProps) {
  const { t, dateTime } = useI18n();
  const { session } = useSession();
  useTitle(`${t('tickets.title')} · ${t('app.name')}`);
  const filter = filterFromQuery(query);
  const cursor = query.get('cursor') ?? undefined;
  // Any page size the API takes (1 to 500) may come in the URL; the picker offers the usual ones.
  const limit = Number(query.get('limit') ?? PAGE_SIZE);
  const key = query.toString();
  const list = useResource(() => ok(api.GET('/api/tickets', { params: { query: apiQueryOf(filter, cursor, limit) } })), [key]);

  useEffect(() => {
    const timer = window.setInterval(() => { if (recentlyActive()) list.reload(); }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [list.reload]);

  const own = { ...queryOfFilter(filter), limit: query.get('limit') ?? undefined };
  const go = (f: TicketFilter) => navigate(href(TICKETS_PATH, {}, { ...queryOfFilter(f), limit: own.limit }));
  const items = list.data?.items ?? [];
  const sizes = PAGE_SIZES.includes(limit) ? PAGE_SIZES : [...PAGE_SIZES, limit].sort((a, b) => a - b);
  const ticketHref = (id: string) => href(TICKET_PATH, { id }, { from: key || undefined });

  return (
    <>
      <PageHeader title={t('tickets.title')} subtitle={t('tickets.subtitle')} actions={<Link to={`${TICKETS_PATH}/new`} class="btn btn-primary">{t('ticketNew.open')}</Link>} />
      <TicketFilters value={filter} me={session?.username} onApply={go} />
      {list.error !== undefined && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && <Empty>{isFiltered(filter) ? t('tickets.emptyFiltered') : t('tickets.empty')}</Empty>}
      {items.length > 0 && (
        <TicketTable items={items} hrefOf={ticketHref} />
      )}
      <div class="pager">
        {cursor && <Link to={href(TICKETS_PATH, {}, own)} class="btn btn-small">{t('tickets.first')}</Link>}
        {list.data?.nextCursor && <Link to={href(TICKETS_PATH, {}, { ...own, cursor: list.data.nextCursor })} class="btn btn-small">{t('tickets.next')}</Link>}
        <label class="tickets-page-size">
          {t('tickets.pageSize')}
          <select value={String(limit)} onChange={(e) => navigate(href(TICKETS_PATH, {}, { ...own, limit: e.currentTarget.value }))}>
            {sizes.map((n) => <option key={n} value={String(n)}>{n}</option>)}
          </select>
        </label>
      </div>
      {list.data && items[0] && <p class="muted refreshed">{t('tickets.asOf', { time: dateTime(items[0].sla.asOf) })}</p>}
    </>
  );
}
