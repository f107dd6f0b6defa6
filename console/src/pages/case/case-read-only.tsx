/**
 * The case behind a ticket, for a help-desk agent (issue #20): read-only (status, route, decisions, forwards,
 * envelopes, history), without the SED's facts; the service records each read in the audit trail. Operators get the
 * working case page.
 */
import { api, ok } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, href } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { TICKET_PATH, TICKETS_PATH } from '../paths';
import { CaseDecisions } from './case-decisions';
import { CaseHeading, CaseSummary } from './case-header';
import { CasePage } from './case-page';
import { CaseEnvelopes, CaseForwards, CaseHistory } from './case-records';

export function CaseReadOnlyPage({ params, query }: PageProps) {
  const { t } = useI18n();
  const caseId = params.caseId!;
  useTitle(`${t('case.title', { caseId })} · ${t('app.name')}`);
  const view = useResource(() => ok(api.GET('/api/cases/{caseId}', { params: { path: { caseId } } })), [caseId]);
  const ticket = query.get('ticket');
  const back = ticket ? href(TICKET_PATH, { id: ticket }) : TICKETS_PATH;
  const c = view.data;
  if (view.error !== undefined && !c) return <><PageHeader title={t('case.title', { caseId })} /><ErrorNotice error={view.error} onRetry={view.reload} /></>;
  if (!c) return <Loading />;
  return (
    <div class="case case-read-only">
      <p class="breadcrumb"><Link to={back}>← {ticket ? t('caseReadOnly.backToTicket', { id: ticket }) : t('caseReadOnly.backToTickets')}</Link></p>
      <CaseHeading view={c} />
      <Notice kind="info">{t('caseReadOnly.notice')}</Notice>
      <div class="case-grid">
        <div class="case-main">
          <CaseSummary view={c} />
          <CaseDecisions decisions={c.decisions} />
          <CaseEnvelopes envelopes={c.envelopes} />
          <CaseForwards forwards={c.forwards} />
        </div>
        <aside class="case-side">
          <CaseHistory history={c.history} />
        </aside>
      </div>
    </div>
  );
}

/** The case route: the working page for operators, the read-only one for help-desk agents. */
export function CaseOrReadOnly(props: PageProps) {
  const { has } = useSession();
  return has('operator') ? <CasePage {...props} /> : <CaseReadOnlyPage {...props} />;
}
