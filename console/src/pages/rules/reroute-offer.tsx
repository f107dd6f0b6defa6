/**
 * After a rule table is published: the cases waiting in triage that the table in force now decides, listed first
 * (a dry run, nothing written), then re-routed on the supervisor's word through the normal forward path. Shown on
 * the rules page to supervisors; loaded at once after a publication, on demand otherwise.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { Link, href } from '../../router';
import { CASE_PATH } from '../paths';

type DryRun = Awaited<ReturnType<typeof loadDryRun>>;

const loadDryRun = () => ok(api.GET('/api/triage/reroute'));

export function RerouteOffer({ auto }: { auto: boolean }) {
  const { t, number } = useI18n();
  const [list, setList] = useState<DryRun>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const load = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setList(await loadDryRun());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => { if (auto) void load(); }, [auto]);
  const reroute = async () => {
    if (!list?.items.length || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await ok(api.POST('/api/triage/reroute', { body: { caseIds: list.items.map((i) => i.caseId) } }));
      setDone(t('reroute.done', { forwarded: number(r.forwarded), skipped: number(r.results.length - r.forwarded) }));
      setList(await loadDryRun());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel reroute-offer" aria-labelledby="reroute-title">
      <div class="panel-header">
        <h2 id="reroute-title">{t('reroute.title')}</h2>
        <button type="button" class="btn btn-small" onClick={() => void load()} disabled={busy}>{t(list ? 'reroute.refresh' : 'reroute.show')}</button>
      </div>
      <div class="panel-body">
        <p class="hint">{t('reroute.hint')}</p>
        {busy && !list && <Loading />}
        {done && <Notice kind="success">{done}</Notice>}
        {error !== undefined && <ErrorNotice error={error} />}
        {list && list.items.length === 0 && <p>{t('reroute.none', { version: list.ruleSetVersion })}</p>}
        {list && list.items.length > 0 && <RerouteList list={list} busy={busy} onApply={() => void reroute()} />}
      </div>
    </section>
  );
}

/** The cases the table in force now decides, and the button that re-routes them all. */
function RerouteList({ list, busy, onApply }: { list: DryRun; busy: boolean; onApply: () => void }) {
  const { t, number } = useI18n();
  return (
    <>
      <table class="table">
        <caption>{t('reroute.caption', { n: number(list.items.length), version: list.ruleSetVersion })}</caption>
        <thead><tr><th scope="col">{t('queue.col.case')}</th><th scope="col">{t('reroute.target')}</th><th scope="col">{t('reroute.rule')}</th></tr></thead>
        <tbody>{list.items.map((i) => (
          <tr key={i.caseId}>
            <td><Link to={href(CASE_PATH, { caseId: i.caseId })}>{i.caseId}</Link></td>
            <td><code>{i.institutionId}</code></td>
            <td><code>{i.ruleId ?? '—'}</code> <span class="muted">{i.explanation}</span></td>
          </tr>
        ))}</tbody>
      </table>
      {!list.complete && <p class="hint">{t('reroute.partial', { n: number(list.scanned) })}</p>}
      <div class="actions-row">
        <button type="button" class="btn btn-primary" onClick={onApply} disabled={busy}>{t('reroute.apply', { n: number(list.items.length) })}</button>
      </div>
    </>
  );
}
