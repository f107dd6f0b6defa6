/** The audit trail (admins): who did what and when, newest first, filtered by actor, action or subject. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { actorName } from '../../codes';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, href, navigate } from '../../router';
import type { PageProps } from '../page';

const PATH = '/admin/audit';
const FIELDS = ['actor', 'action', 'subjectType', 'subjectId'] as const;
type Field = (typeof FIELDS)[number];

const short = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function AuditPage({ query }: PageProps) {
  const { t, dateTime } = useI18n();
  useTitle(`${t('audit.title')} · ${t('app.name')}`);
  const key = query.toString();
  const criteria = Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? ''])) as Record<Field, string>;
  const [draft, setDraft] = useState(criteria);
  useEffect(() => setDraft(criteria), [key]);
  const entries = useResource(() => {
    const q = Object.fromEntries(FIELDS.filter((f) => criteria[f]).map((f) => [f, criteria[f]]));
    return ok(api.GET('/api/admin/audit', { params: { query: { ...q, cursor: query.get('cursor') ?? undefined, limit: 100 } } }));
  }, [key]);
  const labels: Record<Field, MessageKey> = { actor: 'audit.actor', action: 'audit.action', subjectType: 'audit.subjectType', subjectId: 'audit.subjectId' };
  return (
    <>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <form class="filters" aria-label={t('audit.title')} onSubmit={(e) => { e.preventDefault(); navigate(href(PATH, {}, Object.fromEntries(FIELDS.map((f) => [f, draft[f].trim()])))); }}>
        {FIELDS.map((f) => (
          <div class="filter" key={f}>
            <label for={`a-${f}`}>{t(labels[f])}</label>
            <input id={`a-${f}`} value={draft[f]} size={16} onInput={(e) => setDraft({ ...draft, [f]: (e.currentTarget as HTMLInputElement).value })} />
          </div>
        ))}
        <div class="filter filter-actions"><button type="submit" class="btn">{t('audit.submit')}</button></div>
      </form>
      {entries.error !== undefined && <ErrorNotice error={entries.error} onRetry={entries.reload} />}
      {!entries.data && entries.loading && <Loading />}
      {entries.data && entries.data.items.length === 0 && <Empty>{t('audit.empty')}</Empty>}
      {entries.data && entries.data.items.length > 0 && (
        <table class="table audit-table">
          <caption class="visually-hidden">{t('audit.title')}</caption>
          <thead><tr>
            <th scope="col">{t('audit.col.at')}</th><th scope="col">{t('audit.col.actor')}</th><th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.subject')}</th><th scope="col">{t('audit.col.change')}</th><th scope="col">{t('audit.col.ip')}</th>
          </tr></thead>
          <tbody>
            {entries.data.items.map((e) => (
              <tr key={e.id}>
                <td class="nowrap">{dateTime(e.at)}</td>
                <td>{actorName(e.actor)}</td>
                <td><code>{e.action}</code></td>
                <td><span class="muted">{e.subjectType}</span> <code>{e.subjectId}</code></td>
                <td class="audit-change"><code>{short(e.before)}</code>{(e.before !== null || e.after !== null) && ' → '}<code>{short(e.after)}</code></td>
                <td class="muted">{e.sourceIp ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.data?.nextCursor && <div class="pager"><Link class="btn btn-small" to={href(PATH, {}, { ...Object.fromEntries(query), cursor: entries.data.nextCursor })}>{t('queue.next')}</Link></div>}
    </>
  );
}
