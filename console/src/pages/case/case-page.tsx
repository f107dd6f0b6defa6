/**
 * One case: its summary and claim, the SED's key facts (operators), the decisions with their traces, envelopes,
 * forwards and history, and the actions its status allows (triage: forward, return; forwarded: re-assign;
 * returned: reopen; always: a note). Keyboard: f forward / re-assign, r return, n next case, Escape the queue.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { actorName } from '../../codes';
import { Badge, type Tone } from '../../components/badge';
import { flash } from '../../components/flash';
import { useShortcuts } from '../../components/keys';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, href, navigate } from '../../router';
import type { PageProps } from '../page';
import { HOME_PATH } from '../paths';
import { filterFromQuery, reasonLabel } from '../queue/queue-filters';
import { queryOf } from '../queue/queue-page';
import { CaseDecisions } from './case-decisions';
import { CaseActionDialogs } from './case-actions';
import { CaseSuggestions, MakeRuleLink } from './case-learning';
import { forwardFromTriage } from './forward-action';
import { CaseFacts } from './case-facts';
import { CaseFullSed } from './case-full-sed';
import { CaseNote } from './case-note';
import { CaseShadow } from './case-shadow';
import { CaseEnvelopes, CaseForwards, CaseHistory } from './case-records';
import { CaseX007 } from './case-x007';
import { deskDate } from './institution-picker';
import { useClaim, type ClaimState } from './use-claim';
import type { ActionName } from './case-actions';

const STATUS_TONE: Record<string, Tone> = { triage: 'warn', forwarded: 'ok', returned: 'muted', received: 'info', quarantined: 'danger' };

function ClaimBanner({ claim }: { claim: ClaimState }) {
  const { t, dateTime } = useI18n();
  if (claim.state === 'mine') return <Notice kind="info">{t('case.claim.mine', { until: dateTime(claim.claim.until) })}</Notice>;
  if (claim.state === 'other') return <div class="notice notice-warning" role="alert">{t('case.claim.other', { by: actorName(claim.claim.by), until: dateTime(claim.claim.until) })}</div>;
  if (claim.state === 'error') return <ErrorNotice error={claim.error} />;
  return null;
}

type Open = ActionName | null;

function CaseSummary({ view: c }: { view: Schemas['CaseView'] }) {
  const { t, dateTime } = useI18n();
  return (
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
  );
}

export function CasePage({ params, query }: PageProps) {
  const { t } = useI18n();
  const caseId = params.caseId!;
  useTitle(`${t('case.title', { caseId })} · ${t('app.name')}`);
  const view = useResource(() => ok(api.GET('/api/cases/{caseId}', { params: { path: { caseId } } })), [caseId]);
  const c = view.data;
  const { claim } = useClaim(caseId, c?.status === 'triage');
  const [open, setOpen] = useState<Open>(null);
  const [message, setMessage] = useState<string | null>(null);
  const back = query.get('from') ? `${HOME_PATH}?${query.get('from')}` : HOME_PATH;
  const canAct = c?.status === 'triage' ? claim.state === 'mine' : true;

  const nextCase = async () => {
    const filter = filterFromQuery(new URLSearchParams(query.get('from') ?? ''));
    const page = await ok(api.GET('/api/triage', { params: { query: { ...queryOf(filter), limit: 20 } } }));
    const next = page.items.find((i) => i.caseId !== caseId && !i.claim);
    navigate(next ? href('/cases/:caseId', { caseId: next.caseId }, { from: query.get('from') ?? undefined }) : back);
  };
  const done = (message: string) => {
    flash(message);
    setOpen(null);
    navigate(back);
  };

  useShortcuts({
    f: () => { if (c?.status === 'triage' && canAct) setOpen('forward'); else if (c?.status === 'forwarded') setOpen('reassign'); },
    r: () => { if (c?.status === 'triage' && canAct) setOpen('return'); },
    n: () => void nextCase(),
    Escape: () => navigate(back),
  });

  if (view.error !== undefined && !c) return <><PageHeader title={t('case.title', { caseId })} /><ErrorNotice error={view.error} onRetry={view.reload} /></>;
  if (!c) return <Loading />;
  const validAt = deskDate(c.firstLegalDeliveryAt ?? c.envelopes[0]?.legalDeliveryAt ?? new Date().toISOString());

  return (
    <div class="case">
      <p class="breadcrumb"><Link to={back}>← {t('case.back')}</Link></p>
      <PageHeader
        title={<>{t('case.title', { caseId })} <Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{t(`case.status.${c.status}` as MessageKey)}</Badge></>}
        subtitle={<>{c.bucType && <code>{c.bucType}</code>}{c.senderInstitutionId && <> · {c.senderCountry} <code>{c.senderInstitutionId}</code></>}</>}
        actions={
          <>
            {c.status === 'triage' && <button type="button" class="btn btn-primary" disabled={!canAct} onClick={() => setOpen('forward')}>{t('case.action.forward')} <kbd>f</kbd></button>}
            {c.status === 'triage' && <button type="button" class="btn btn-danger" disabled={!canAct} onClick={() => setOpen('return')}>{t('case.action.return')} <kbd>r</kbd></button>}
            {c.status === 'forwarded' && <button type="button" class="btn" onClick={() => setOpen('reassign')}>{t('case.action.reassign')} <kbd>f</kbd></button>}
            {c.status === 'returned' && <button type="button" class="btn" onClick={() => setOpen('reopen')}>{t('case.action.reopen')}</button>}
            <button type="button" class="btn btn-ghost" onClick={() => void nextCase()}>{t('case.action.next')} <kbd>n</kbd></button>
          </>
        }
      />
      {message && <Notice kind="success">{message}</Notice>}
      <ClaimBanner claim={claim} />
      <div class="case-grid">
        <div class="case-main">
          <CaseSummary view={c} />
          {c.status === 'triage' && <CaseSuggestions caseId={caseId} canAct={canAct} onAccept={async (choice) => done(await forwardFromTriage(t, caseId, choice))} />}
          {c.facts && <CaseFacts facts={c.facts} />}
          {c.facts && <CaseFullSed caseId={caseId} />}
          <MakeRuleLink caseId={caseId} decidedByOperator={c.decisions.some((d) => d.decidedBy !== 'router' && d.outcome === 'forward')} />
          <CaseDecisions decisions={c.decisions} />
          <CaseShadow decisions={c.decisions} />
          <CaseEnvelopes envelopes={c.envelopes} />
          <CaseForwards forwards={c.forwards} />
          <CaseX007 forwards={c.forwards} onRetried={() => void view.reload()} />
        </div>
        <aside class="case-side">
          <CaseNote caseId={caseId} onSaved={view.reload} />
          <CaseHistory history={c.history} />
          <p class="keys-hint">{t('case.keys')}</p>
        </aside>
      </div>
      <CaseActionDialogs caseId={caseId} validAt={validAt} current={c.institutionId} open={open} onClose={() => setOpen(null)}
        onLeave={done} onStay={(m) => { setMessage(m); setOpen(null); view.reload(); }} />
    </div>
  );
}
