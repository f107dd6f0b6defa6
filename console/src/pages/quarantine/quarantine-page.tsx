/**
 * Quarantine: rejected inputs newest first, filtered by state; an entry's raw input; re-submit it through intake
 * after a fix (for an unknown BUC type, add it to the catalogue right here, supervisors only); dismiss it with a
 * reason. Every outcome is the service's answer, shown as it is.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { Badge, type Tone } from '../../components/badge';
import { PageHeader } from '../../components/page-header';
import { ProblemList, ProblemText } from '../../components/problem-list';
import { Empty, ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { serviceErrorText } from '../../i18n/service-errors';
import { navigate } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';

type Status = Schemas['QuarantineStatus'];
const STATUS_TONE: Record<Status, Tone> = { open: 'warn', resubmitted: 'ok', dismissed: 'muted' };

/** Why an input was rejected: its code's sentence from the catalogue; the service's English one for a code it does not know. */
function Reason({ code, message }: { code: string; message: string | null }) {
  const { locale } = useI18n();
  const own = serviceErrorText(locale, code);
  return <><code>{code}</code> {own ?? <span lang="en">{message}</span>}</>;
}

function AddBucType({ bucType, onDone }: { bucType: string; onDone: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await ok(api.PUT('/api/bucs/{bucType}', { params: { path: { bucType } }, body: { buc: { titleEn: title, titleFr: title }, reason } }));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="panel panel-body" onSubmit={submit} aria-label={t('quarantine.addBuc', { bucType })}>
      <h3>{t('quarantine.addBuc', { bucType })}</h3>
      {error !== undefined && <ErrorNotice error={error} />}
      <div class="field"><label for="buc-title">{t('quarantine.bucTitle')}</label><input id="buc-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} required /></div>
      <div class="field"><label for="buc-reason">{t('quarantine.changeReason')}</label><input id="buc-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} required /></div>
      <button type="submit" class="btn">{t('quarantine.addBucSubmit')}</button>
    </form>
  );
}

function Entry({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const entry = useResource(() => ok(api.GET('/api/quarantine/{id}', { params: { path: { id } } })), [id]);
  const [result, setResult] = useState<Schemas['ResubmissionResult']>();
  const [error, setError] = useState<unknown>();
  const [reason, setReason] = useState('');
  const [bucAdded, setBucAdded] = useState(false);
  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      entry.reload();
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  if (entry.error !== undefined) return <ErrorNotice error={entry.error} onRetry={entry.reload} />;
  if (!entry.data) return <Loading />;
  const q = entry.data;
  const unknownBuc = q.errorCode === 'VAL_UNKNOWN_BUC' ? /"bucType"\s*:\s*"([A-Z]+_BUC_[0-9]{2}[a-z]?)"/.exec(q.raw ?? '')?.[1] : undefined;
  const canEditCatalogue = session.has('supervisor');
  return (
    <section class="panel" aria-labelledby="entry-title">
      <div class="panel-header"><h2 id="entry-title">{t('quarantine.entry', { id: q.id })}</h2><Badge tone={STATUS_TONE[q.status]}>{t(`quarantine.status.${q.status}` as MessageKey)}</Badge></div>
      <div class="panel-body">
        <p><Reason code={q.errorCode} message={q.message} /></p>
        <ProblemList problems={q.details} uncoded />
        <h3>{t('quarantine.raw')}</h3>
        {q.raw === null
          ? <p>{t('quarantine.rawPurged', { at: q.rawPurgedAt ?? '' })}</p>
          : <pre class="raw-input" tabIndex={0} aria-label={t('quarantine.raw')}>{q.raw}</pre>}
        {(q.resubmissionHistory ?? []).length > 0 && (
          <>
            <h3>{t('quarantine.history')}</h3>
            <ul>{(q.resubmissionHistory ?? []).map((h) => <li key={h.at}>{dateTime(h.at)} · {h.by} · {t(`quarantine.outcome.${h.outcome}` as MessageKey)}{h.error && <> · <code>{h.error.code}</code></>}</li>)}</ul>
          </>
        )}
        {result && <Notice kind={result.outcome === 'rejected' ? 'warning' : 'success'}>{t(`quarantine.outcome.${result.outcome}` as MessageKey)}{result.error && <> : <Reason code={result.error.code} message={result.error.message} /></>}</Notice>}
        {error !== undefined && <ErrorNotice error={error} />}
        {q.status === 'open' && unknownBuc && canEditCatalogue && !bucAdded && <AddBucType bucType={unknownBuc} onDone={() => setBucAdded(true)} />}
        {bucAdded && <Notice kind="success">{t('quarantine.bucAdded', { bucType: unknownBuc ?? '' })}</Notice>}
        {q.status === 'open' && (
          <div class="actions-row">
            <button type="button" class="btn btn-primary" onClick={() => act(async () => setResult(await ok(api.POST('/api/quarantine/{id}/resubmit', { params: { path: { id } } }))))}>{t('quarantine.resubmit')}</button>
            <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void act(() => ok(api.POST('/api/quarantine/{id}/dismiss', { params: { path: { id } }, body: { reason } }))); }}>
              <label for="dismiss-reason">{t('quarantine.dismissReason')}</label>
              <input id="dismiss-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />
              <button type="submit" class="btn btn-danger">{t('quarantine.dismiss')}</button>
            </form>
          </div>
        )}
        {q.resolution && <p>{t('quarantine.resolvedBy', { by: q.resolution.by, at: dateTime(q.resolution.at) })}{q.resolution.note ? ` : ${q.resolution.note}` : ''}</p>}
      </div>
    </section>
  );
}

export function QuarantinePage({ query }: PageProps) {
  const { t, dateTime } = useI18n();
  useTitle(`${t('quarantine.title')} · ${t('app.name')}`);
  const status = (query.get('status') ?? 'open') as Status | 'all';
  const selected = query.get('id');
  const list = useResource(() => ok(api.GET('/api/quarantine', { params: { query: { limit: 100, ...(status !== 'all' && { status }) } } })), [status]);
  const go = (next: { status?: string; id?: string | null }) => {
    const p = new URLSearchParams({ status: next.status ?? status });
    const id = next.id === undefined ? selected : next.id;
    if (id) p.set('id', id);
    navigate(`/quarantine?${p.toString()}`);
  };
  return (
    <>
      <PageHeader title={t('quarantine.title')} subtitle={t('quarantine.subtitle')} />
      <div class="field filter-inline">
        <label for="q-status">{t('quarantine.filter')}</label>
        <select id="q-status" value={status} onChange={(e) => go({ status: e.currentTarget.value, id: null })}>
          {(['open', 'resubmitted', 'dismissed', 'all'] as const).map((s) => <option key={s} value={s}>{t(`quarantine.status.${s}` as MessageKey)}</option>)}
        </select>
      </div>
      {list.error !== undefined && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty>{t('quarantine.empty')}</Empty>}
      {list.data && list.data.items.length > 0 && (
        <table class="table">
          <thead><tr>
            <th scope="col">{t('quarantine.col.received')}</th><th scope="col">{t('quarantine.col.reason')}</th>
            <th scope="col">{t('quarantine.col.where')}</th><th scope="col">{t('quarantine.col.via')}</th><th scope="col">{t('quarantine.col.status')}</th>
          </tr></thead>
          <tbody>
            {list.data.items.map((q) => (
              <tr key={q.id} aria-selected={q.id === selected}>
                <td><a href={`/quarantine?status=${status}&id=${encodeURIComponent(q.id)}`} onClick={(e) => { e.preventDefault(); go({ id: q.id }); }}>{dateTime(q.receivedAt)}</a></td>
                <td><code>{q.errorCode}</code></td>
                <td>{q.details[0] ? <><code>{q.details[0].path}</code> <ProblemText problem={q.details[0]} uncoded /></> : <Reason code={q.errorCode} message={q.message} />}</td>
                <td>{q.via}</td>
                <td><Badge tone={STATUS_TONE[q.status]}>{t(`quarantine.status.${q.status}` as MessageKey)}</Badge></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <Entry id={selected} onChanged={list.reload} />}
    </>
  );
}
