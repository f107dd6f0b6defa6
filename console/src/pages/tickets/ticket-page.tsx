/**
 * One help-desk ticket: its facts, its SLA clocks with the service's colours, the actions its state allows, the
 * messages (internal and external apart), the conversation with the counterpart desk and the history. After an
 * action the ticket is read again, so what shows is the service's new state and colour, never a guess.
 */
import { api, ok, type Schemas } from '../../api/client';
import { actorName } from '../../codes';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, href } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { CASE_PATH, TICKETS_PATH } from '../paths';
import { TicketActions } from './ticket-actions';
import { TicketHistory, TicketMessages, TicketThread } from './ticket-history';
import { SlaBadge, StateBadge, priorityLabel } from './ticket-labels';
import { TicketSlaPanel } from './ticket-sla';

type Ticket = Schemas['Ticket'];

function TicketFacts({ ticket: k }: { ticket: Ticket }) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const caseLink = k.caseId && (session.has('operator') || session.has('helpdesk'))
    ? <Link to={href(CASE_PATH, { caseId: k.caseId }, { ticket: k.id })}>{k.caseId}</Link>
    : k.caseId;
  return (
    <section class="panel" aria-labelledby="facts-title">
      <header class="panel-header"><h2 id="facts-title">{t('ticket.facts')}</h2></header>
      <div class="panel-body">
        <p class="ticket-subject-full"><strong>{k.subject}</strong></p>
        <p class="ticket-description">{k.description}</p>
        <dl class="dl ticket-facts">
          <dt>{t('ticket.state')}</dt><dd><StateBadge state={k.state} /></dd>
          <dt>{t('ticket.priority')}</dt><dd>{priorityLabel(t, k.priority)}</dd>
          <dt>{t('ticket.counterpart')}</dt><dd><span class="country">{k.counterpartCountry}</span>{k.counterpartRef && <> <code>{k.counterpartRef}</code></>}</dd>
          <dt>{t('ticket.source')}</dt><dd>{t(`tickets.source.${k.source}` as MessageKey)}</dd>
          <dt>{t('ticket.category')}</dt><dd>{k.category}</dd>
          {k.caseId && <><dt>{t('ticket.case')}</dt><dd>{caseLink}{k.bucType && <> · <code>{k.bucType}</code></>}{k.sedType && <> · <code>{k.sedType}</code></>}</dd></>}
          <dt>{t('ticket.assignee')}</dt><dd>{k.assignee ? actorName(k.assignee) : <span class="muted">{t('tickets.unassigned')}</span>}</dd>
          <dt>{t('ticket.createdBy')}</dt><dd>{actorName(k.createdBy)} · {dateTime(k.createdAt)}</dd>
          <dt>{t('ticket.slaStart')}</dt><dd>{dateTime(k.slaStartAt)}</dd>
          {k.closedAt && <><dt>{t('ticket.closedAt')}</dt><dd>{dateTime(k.closedAt)}</dd></>}
          {k.automatic && <><dt>{t('ticket.automatic')}</dt><dd><code>{k.automatic.kind}</code> <code class="muted">{k.automatic.key}</code></dd></>}
        </dl>
      </div>
    </section>
  );
}

export function TicketPage({ params, query }: PageProps) {
  const { t } = useI18n();
  const id = params.id!;
  useTitle(`${t('ticket.title', { id })} · ${t('app.name')}`);
  const view = useResource(() => ok(api.GET('/api/tickets/{id}', { params: { path: { id } } })), [id]);
  const back = query.get('from') ? `${TICKETS_PATH}?${query.get('from')}` : TICKETS_PATH;
  const k = view.data;

  if (view.error !== undefined && !k) return <><PageHeader title={t('ticket.title', { id })} /><ErrorNotice error={view.error} onRetry={view.reload} /></>;
  if (!k) return <Loading />;
  return (
    <div class="ticket">
      <p class="breadcrumb"><Link to={back}>← {t('ticket.back')}</Link></p>
      <PageHeader
        title={<>{t('ticket.title', { id })} <SlaBadge status={k.sla.status} /> <StateBadge state={k.state} /></>}
        subtitle={<>{k.counterpartCountry}{k.counterpartRef && <> · <code>{k.counterpartRef}</code></>} · {k.priority}</>}
      />
      {view.error !== undefined && <ErrorNotice error={view.error} onRetry={view.reload} />}
      <div class="ticket-grid">
        <div class="ticket-main">
          <TicketFacts ticket={k} />
          <TicketSlaPanel ticket={k} />
          <TicketActions ticket={k} onChanged={view.reload} />
          <TicketMessages events={k.events} />
          <TicketThread thread={k.thread} />
        </div>
        <aside class="ticket-side">
          <TicketHistory events={k.events} />
        </aside>
      </div>
    </div>
  );
}
