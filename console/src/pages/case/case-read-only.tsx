/**
 * The case behind a ticket, for a help-desk agent (issue #20): read-only (status, route, decisions, forwards,
 * envelopes, history), without the SED's facts; the service records each read in the audit trail. Operators get the
 * working case page.
 */
import { api, ok } from '../../api/client';
import { Badge, type Tone } from '../../components/badge';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, href } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { TICKET_PATH, TICKETS_PATH } from '../paths';
import { reasonLabel } from '../queue/queue-filters';
import { CaseDecisions } from './case-decisions';
import { CasePage } from './case-page';
import { CaseEnvelopes, CaseForwards, CaseHistory } from './case-records';

const STATUS_TONE: Record<string, Tone> = { triage: 'warn', forwarded: 'ok', returned: 'muted', received: 'info', quarantined: 'danger' };

export function CaseReadOnlyPage({ params, query }: PageProps) {
  const { t, dateTime } = useI18n();
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
      <PageHeader
        title={<>{t('case.title', { caseId })} <Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{t(`case.status.${c.status}` as MessageKey)}</Badge></>}
        subtitle={<>{c.bucType && <code>{c.bucType}</code>}{c.senderInstitutionId && <> · {c.senderCountry} <code>{c.senderInstitutionId}</code></>}</>}
      />
      <Notice kind="info">{t('caseReadOnly.notice')}</Notice>
      <div class="case-grid">
        <div class="case-main">
          <section class="panel" aria-labelledby="summary-title">
            <header class="panel-header"><h2 id="summary-title">{t('case.summary')}</h2></header>
            <dl class="dl panel-body summary">
              <dt>{t('case.legalDelivery')}</dt><dd>{dateTime(c.firstLegalDeliveryAt)}</dd>
              {c.triage && <><dt>{t('case.triageReason')}</dt><dd><strong>{reasonLabel(t, c.triage.reason)}</strong></dd></>}
              {c.triage && <><dt>{t('case.triageSince')}</dt><dd>{dateTime(c.triage.since)}</dd></>}
              {c.institutionId && <><dt>{t('case.institution')}</dt><dd><code>{c.institutionId}</code></dd></>}
              {c.returnReason && <><dt>{t('case.returnReason')}</dt><dd>{c.returnReason}</dd></>}
            </dl>
          </section>
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
