/**
 * Directory: the French institutions of the directory in force, searchable by name, acronym or id, by network and
 * by the date they must be valid at, with their validity dates; supervisors change an institution's validity
 * (a new directory version with a reason; the old one stays for past decisions).
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { Badge } from '../../components/badge';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';

type Institution = Schemas['Institution'];

function ValidityForm({ institution, onSaved }: { institution: Institution; onSaved: (version: number) => void }) {
  const { t } = useI18n();
  const [validFrom, setValidFrom] = useState(institution.validFrom ?? '');
  const [validTo, setValidTo] = useState(institution.validTo ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const v = await ok(api.PUT('/api/institutions/{institutionId}', {
        params: { path: { institutionId: institution.id } },
        body: { institution: { ...institution, validFrom: validFrom || null, validTo: validTo || null }, reason },
      }));
      onSaved(v.version);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="panel panel-body" onSubmit={save} aria-label={t('directory.edit', { id: institution.id })}>
      <h2>{t('directory.edit', { id: institution.id })}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      <div class="inline-form">
        <div class="field"><label for="valid-from">{t('directory.validFrom')}</label><input id="valid-from" type="date" value={validFrom} onInput={(e) => setValidFrom(e.currentTarget.value)} /></div>
        <div class="field"><label for="valid-to">{t('directory.validTo')}</label><input id="valid-to" type="date" value={validTo} onInput={(e) => setValidTo(e.currentTarget.value)} /></div>
        <div class="field"><label for="dir-reason">{t('directory.reason')}</label><input id="dir-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} required /></div>
      </div>
      <button type="submit" class="btn btn-primary">{t('directory.save')}</button>
    </form>
  );
}

export function DirectoryPage({ query }: PageProps) {
  const { t } = useI18n();
  useTitle(`${t('directory.title')} · ${t('app.name')}`);
  const session = useSession();
  const q = query.get('q') ?? '';
  const validAt = query.get('validAt') ?? '';
  const [text, setText] = useState(q);
  const [date, setDate] = useState(validAt);
  const [editing, setEditing] = useState<Institution | null>(null);
  const [saved, setSaved] = useState<number>();
  const [tick, setTick] = useState(0);
  const list = useResource(() => ok(api.GET('/api/institutions', { params: { query: { limit: 100, ...(q && { q }), ...(validAt && { validAt }) } } })), [q, validAt, tick]);
  const search = (e: Event) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (text) p.set('q', text);
    if (date) p.set('validAt', date);
    navigate(`/directory?${p.toString()}`);
  };
  return (
    <>
      <PageHeader title={t('directory.title')} subtitle={list.data ? t('directory.version', { version: list.data.version }) : undefined} />
      <form class="inline-form" role="search" onSubmit={search}>
        <div class="field"><label for="dir-q">{t('directory.search')}</label><input id="dir-q" value={text} onInput={(e) => setText(e.currentTarget.value)} /></div>
        <div class="field"><label for="dir-valid">{t('directory.validAt')}</label><input id="dir-valid" type="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} /></div>
        <button type="submit" class="btn">{t('directory.find')}</button>
      </form>
      {saved !== undefined && <Notice kind="success">{t('directory.saved', { version: saved })}</Notice>}
      {editing && session.has('supervisor') && <ValidityForm institution={editing} onSaved={(v) => { setSaved(v); setEditing(null); setTick((n) => n + 1); }} />}
      {list.error !== undefined && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty>{t('directory.empty')}</Empty>}
      {list.data && list.data.items.length > 0 && (
        <table class="table">
          <thead><tr>
            <th scope="col">{t('directory.id')}</th><th scope="col">{t('directory.name')}</th><th scope="col">{t('directory.networks')}</th>
            <th scope="col">{t('directory.validity')}</th>{session.has('supervisor') && <th scope="col">{t('directory.action')}</th>}
          </tr></thead>
          <tbody>{list.data.items.map((i) => (
            <tr key={i.id}>
              <td><code>{i.id}</code></td>
              <td>{i.name}{i.acronym && <> ({i.acronym})</>}</td>
              <td>{i.networks.map((n) => <Badge key={n} tone="info">{n}</Badge>)}</td>
              <td data-validity={i.id}>{i.validFrom || i.validTo ? `${i.validFrom ?? '…'} → ${i.validTo ?? '…'}` : t('directory.always')}</td>
              {session.has('supervisor') && <td><button type="button" class="btn btn-small" onClick={() => setEditing(i)} aria-label={t('directory.edit', { id: i.id })}>{t('directory.change')}</button></td>}
            </tr>
          ))}</tbody>
        </table>
      )}
    </>
  );
}
