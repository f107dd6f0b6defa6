/**
 * One case: its summary and claim, the SED's key facts (operators), the decisions with their traces, envelopes,
 * forwards and history, and the actions its status allows (triage: forward, return; forwarded: re-assign;
 * returned: reopen; always: a note). Keyboard: f forward / re-assign, r return, n next case, Escape the queue.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { actorName } from '../../codes';
import { flash } from '../../components/flash';
import { useShortcuts } from '../../components/keys';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, href, navigate } from '../../router';
import type { PageProps } from '../page';
import { HOME_PATH } from '../paths';
import { filterFromQuery } from '../queue/queue-filters';
import { queryOf } from '../queue/queue-page';
import { CaseDecisions } from './case-decisions';
import { CaseActionDialogs } from './case-actions';
import { CaseSuggestions, MakeRuleLink } from './case-learning';
import { forwardFromTriage } from './forward-action';
import { CaseFacts } from './case-facts';
import { CaseFullSed } from './case-full-sed';
import { CaseHeading, CaseSummary } from './case-header';
import { CaseNote } from './case-note';
import { CaseShadow } from './case-shadow';
import { CaseEnvelopes, CaseForwards, CaseHistory } from './case-records';
import { CaseX007 } from './case-x007';
import { deskDate } from './institution-picker';
import { useClaim, type ClaimState } from './use-claim';
import type { ActionName } from './case-actions';

function ClaimBanner({ claim }: { claim: ClaimState }) {
  const { t, dateTime } = useI18n();
  if (claim.state === 'mine') return <Notice kind="info">{t('case.claim.mine', { until: dateTime(claim.claim.until) })}</Notice>;
  if (claim.state === 'other') return <div class="notice notice-warning" role="alert">{t('case.claim.other', { by: actorName(claim.claim.by), until: dateTime(claim.claim.until) })}</div>;
  if (claim.state === 'error') return <ErrorNotice error={claim.error} />;
  return null;
}

type Open = ActionName | null;

/** The actions the case's status allows, with their keys. */
function CaseButtons({ status, canAct, onOpen, onNext }: { status: string; canAct: boolean; onOpen: (a: ActionName) => void; onNext: () => void }) {
  const { t } = useI18n();
  return (
    <>
      {status === 'triage' && <button type="button" class="btn btn-primary" disabled={!canAct} onClick={() => onOpen('forward')}>{t('case.action.forward')} <kbd>f</kbd></button>}
      {status === 'triage' && <button type="button" class="btn btn-danger" disabled={!canAct} onClick={() => onOpen('return')}>{t('case.action.return')} <kbd>r</kbd></button>}
      {status === 'forwarded' && <button type="button" class="btn" onClick={() => onOpen('reassign')}>{t('case.action.reassign')} <kbd>f</kbd></button>}
      {status === 'returned' && <button type="button" class="btn" onClick={() => onOpen('reopen')}>{t('case.action.reopen')}</button>}
      <button type="button" class="btn btn-ghost" onClick={onNext}>{t('case.action.next')} <kbd>n</kbd></button>
    </>
  );
}

/** The case's own column: summary, suggestions (in triage), facts, decisions, records. */
function CaseMain({ view: c, canAct, onAccept, onRetried }: {
  view: Schemas['CaseView']; canAct: boolean; onAccept: Parameters<typeof CaseSuggestions>[0]['onAccept']; onRetried: () => void;
}) {
  const caseId = c.caseId;
  return (
    <div class="case-main">
      <CaseSummary view={c} />
      {c.status === 'triage' && <CaseSuggestions caseId={caseId} canAct={canAct} onAccept={onAccept} />}
      {c.facts && <CaseFacts facts={c.facts} />}
      {c.facts && <CaseFullSed caseId={caseId} />}
      <MakeRuleLink caseId={caseId} decidedByOperator={c.decisions.some((d) => d.decidedBy !== 'router' && d.outcome === 'forward')} />
      <CaseDecisions decisions={c.decisions} />
      <CaseShadow decisions={c.decisions} />
      <CaseEnvelopes envelopes={c.envelopes} />
      <CaseForwards forwards={c.forwards} />
      <CaseX007 forwards={c.forwards} onRetried={onRetried} />
    </div>
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
      <CaseHeading view={c} actions={<CaseButtons status={c.status} canAct={canAct} onOpen={setOpen} onNext={() => void nextCase()} />} />
      {message && <Notice kind="success">{message}</Notice>}
      <ClaimBanner claim={claim} />
      <div class="case-grid">
        <CaseMain view={c} canAct={canAct} onAccept={async (choice) => done(await forwardFromTriage(t, caseId, choice))} onRetried={() => void view.reload()} />
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
