/**
 * Overview as a dashboard: what waits now (the triage backlog by reason and by the legal clock, the quarantine,
 * tickets at risk), each figure a link to the list behind it; the flows of today and this month beside the
 * previous period, SEDs and cases told apart; the last 30 days as a chart with axes and values.
 */
import { api, ok } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, href } from '../../router';
import { useSession } from '../../session';
import { HOME_PATH, TICKETS_PATH } from '../paths';
import { BacklogPanel } from './backlog-panel';
import { DaysChart } from './days-chart';
import { FlowsTable } from './flows-table';

export function OverviewPage() {
  const { t, number, dateTime } = useI18n();
  const { has } = useSession();
  useTitle(`${t('overview.title')} · ${t('app.name')}`);
  const o = useResource(() => ok(api.GET('/api/overview')), []);
  if (o.error !== undefined) return <ErrorNotice error={o.error} onRetry={o.reload} />;
  if (!o.data) return <Loading />;
  const d = o.data;
  const overdue = String(d.backlog.overdueBusinessHours);
  return (
    <>
      <PageHeader title={t('overview.title')} subtitle={t('overview.subtitle.dashboard', { time: dateTime(d.generatedAt) })} />
      <ul class="overview-cards" aria-label={t('overview.now')}>
        <li class="overview-card">
          <span class="overview-card-label">{t('overview.now.inTriage')}</span>
          <Link to={href(HOME_PATH, {}, { sort: 'received' })} class="overview-card-value" data-now="inTriage">{number(d.now.inTriage)}</Link>
          <span class="muted">{t('overview.now.seds', { n: number(d.backlog.envelopes) })}</span>
        </li>
        <li class={`overview-card${d.backlog.overdue ? ' overview-card-danger' : ''}`}>
          <span class="overview-card-label">{t('overview.now.overdue', { overdue })}</span>
          <Link to={href(HOME_PATH, {}, { minBusinessHours: overdue, sort: 'received' })} class="overview-card-value" data-now="overdue">{number(d.backlog.overdue)}</Link>
          <span class="muted">{t('overview.now.oldest', { date: dateTime(d.backlog.oldestReceivedAt) })}</span>
        </li>
        <li class="overview-card">
          <span class="overview-card-label">{t('overview.now.quarantineOpen')}</span>
          <Link to="/quarantine?status=open" class="overview-card-value" data-now="quarantineOpen">{number(d.now.quarantineOpen)}</Link>
          <span class="muted">{t('overview.unit.inputs')}</span>
        </li>
        <li class={`overview-card${d.now.ticketsAtRisk ? ' overview-card-warn' : ''}`}>
          <span class="overview-card-label">{t('overview.now.ticketsAtRisk')}</span>
          {has('helpdesk')
            ? <Link to={href(TICKETS_PATH, {}, { breached: 'true' })} class="overview-card-value" data-now="ticketsAtRisk">{number(d.now.ticketsAtRisk)}</Link>
            : <span class="overview-card-value" data-now="ticketsAtRisk">{number(d.now.ticketsAtRisk)}</span>}
          <span class="muted">{t('overview.now.ticketsHint')}</span>
        </li>
        <li class={`overview-card${d.now.x007Failed ? ' overview-card-danger' : ''}`}>
          <span class="overview-card-label">{t('overview.now.x007Failed')}</span>
          <span class="overview-card-value" data-now="x007Failed">{number(d.now.x007Failed)}</span>
        </li>
      </ul>
      <BacklogPanel backlog={d.backlog} />
      <FlowsTable o={d} />
      <h2>{t('overview.last30')}</h2>
      <DaysChart days={d.days} label={t('overview.last30')} />
    </>
  );
}
