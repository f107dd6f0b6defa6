/** Finding a case by id (or its beginning), envelope id, institution, status and receipt dates. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { CASE_STATUSES } from '../../codes';
import { Badge, type Tone } from '../../components/badge';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, href, navigate } from '../../router';
import type { PageProps } from '../page';
import { CASE_PATH, SEARCH_PATH } from '../paths';

const FIELDS = ['caseId', 'envelopeId', 'institutionId', 'status', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];
type Criteria = Record<Field, string>;
const STATUS_TONE: Record<string, Tone> = { triage: 'warn', forwarded: 'ok', returned: 'muted' };

function SearchResults({ items }: { items: Schemas['CaseSummary'][] }) {
  const { t, dateTime } = useI18n();
  return (
    <table class="table">
      <caption class="visually-hidden">{t('search.title')}</caption>
      <thead><tr>
        <th scope="col">{t('search.col.case')}</th><th scope="col">{t('search.col.status')}</th><th scope="col">{t('search.col.buc')}</th>
        <th scope="col">{t('search.col.sender')}</th><th scope="col">{t('search.col.institution')}</th>
        <th scope="col">{t('search.col.legal')}</th><th scope="col">{t('search.col.updated')}</th><th scope="col" class="num">{t('search.col.envelopes')}</th>
      </tr></thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.caseId}>
            <td><Link to={href(CASE_PATH, { caseId: c.caseId })} class="case-link">{c.caseId}</Link></td>
            <td><Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{t(`case.status.${c.status}`)}</Badge></td>
            <td><code>{c.bucType}</code></td>
            <td><code>{c.senderInstitutionId}</code></td>
            <td>{c.institutionId ? <code>{c.institutionId}</code> : <span class="muted">—</span>}</td>
            <td class="nowrap">{dateTime(c.firstLegalDeliveryAt)}</td>
            <td class="nowrap">{dateTime(c.updatedAt)}</td>
            <td class="num">{c.envelopes}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SearchPage({ query }: PageProps) {
  const { t } = useI18n();
  useTitle(`${t('search.title')} · ${t('app.name')}`);
  const criteria = Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? ''])) as Criteria;
  const cursor = query.get('cursor') ?? undefined;
  const asked = FIELDS.some((f) => criteria[f]);
  const [draft, setDraft] = useState(criteria);
  const key = query.toString();
  useEffect(() => setDraft(criteria), [key]);
  const result = useResource(async () => {
    if (!asked) return undefined;
    const q = Object.fromEntries(FIELDS.filter((f) => criteria[f]).map((f) => [f, criteria[f]]));
    return ok(api.GET('/api/cases', { params: { query: { ...q, cursor, limit: 50 } as never } }));
  }, [key]);
  const set = (f: Field) => (e: Event) => setDraft({ ...draft, [f]: (e.currentTarget as HTMLInputElement).value });
  const text = (f: Field, label: MessageKey, extra: Record<string, unknown> = {}) => (
    <div class="filter">
      <label for={`s-${f}`}>{t(label)}</label>
      <input id={`s-${f}`} value={draft[f]} onInput={set(f)} {...extra} />
    </div>
  );
  return (
    <>
      <PageHeader title={t('search.title')} subtitle={t('search.subtitle')} />
      <form class="filters" role="search" aria-label={t('search.title')}
        onSubmit={(e) => { e.preventDefault(); navigate(href(SEARCH_PATH, {}, Object.fromEntries(FIELDS.map((f) => [f, draft[f].trim()])))); }}>
        {text('caseId', 'search.caseId', { autoFocus: true, size: 12 })}
        {text('envelopeId', 'search.envelopeId', { size: 24 })}
        {text('institutionId', 'search.institutionId', { size: 14, placeholder: 'FR:CARSATRA1' })}
        <div class="filter">
          <label for="s-status">{t('search.status')}</label>
          <select id="s-status" value={draft.status} onChange={set('status')}>
            <option value="">{t('queue.filter.any')}</option>
            {CASE_STATUSES.map((s) => <option key={s} value={s}>{t(`case.status.${s}`)}</option>)}
          </select>
        </div>
        {text('from', 'search.from', { type: 'date' })}
        {text('to', 'search.to', { type: 'date' })}
        <div class="filter filter-actions"><button type="submit" class="btn btn-primary">{t('search.submit')}</button></div>
      </form>
      {!asked && <p class="muted">{t('search.hint')}</p>}
      {result.error !== undefined && <ErrorNotice error={result.error} onRetry={result.reload} />}
      {asked && result.loading && !result.data && <Loading />}
      {result.data && result.data.items.length === 0 && <Empty>{t('search.empty')}</Empty>}
      {result.data && result.data.items.length > 0 && (
        <SearchResults items={result.data.items} />
      )}
      {result.data?.nextCursor && (
        <div class="pager"><Link class="btn btn-small" to={href(SEARCH_PATH, {}, { ...Object.fromEntries(query), cursor: result.data.nextCursor })}>{t('queue.next')}</Link></div>
      )}
    </>
  );
}
