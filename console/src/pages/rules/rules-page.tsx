/** Rules: the table in force with its versions (author, reason), a diff between versions, candidate rules, and
 * "make this a rule" from an operator's decision (`?propose=<caseId>`, linked from a case). */
import { useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { Flash } from '../../components/flash';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { RULES_CANDIDATES_PATH, RULES_DRAFT_PATH } from '../paths';
import { loadDraft } from './draft-store';
import { ProposalEditor } from './proposal-editor';
import { LearnedRulesPanel } from './learned-rules-panel';
import { RuleDiffView } from './rule-diff-view';
import { RerouteOffer } from './reroute-offer';

export function RulesPage({ query }: PageProps) {
  const { t, dateTime } = useI18n();
  useTitle(`${t('rules.title')} · ${t('app.name')}`);
  const [tick, setTick] = useState(0);
  const current = useResource(() => ok(api.GET('/api/rules')), [tick]);
  const versions = useResource(() => ok(api.GET('/api/rules/versions', { params: { query: { limit: 100 } } })), [tick]);
  const candidates = useResource(() => ok(api.GET('/api/rules/candidates')), [tick]);
  const propose = query.get('propose');
  const [caseId, setCaseId] = useState('');
  const session = useSession();
  // Only supervisors edit the table; an operator reads it here and sees no way into the draft editor.
  const edit = session.has('supervisor') && (
    <Link to={RULES_DRAFT_PATH} class="btn btn-primary">{loadDraft(session.session?.username ?? '') ? t('rulesDraft.resume') : t('rulesDraft.edit')}</Link>
  );
  if (current.error !== undefined) return <ErrorNotice error={current.error} onRetry={current.reload} />;
  if (!current.data || !versions.data) return <Loading />;
  const r = current.data;
  return (
    <>
      <PageHeader title={t('rules.title')} subtitle={t('rules.inForce', { version: r.version, author: r.author, at: dateTime(r.createdAt), reason: r.reason })} actions={edit} />
      <Flash />
      {session.has('supervisor') && <RerouteOffer auto={query.get('reroute') === '1'} />}
      {propose && <ProposalEditor caseId={propose} onPublished={() => setTick((n) => n + 1)} />}
      <section class="panel" aria-labelledby="make-title">
        <div class="panel-header"><h2 id="make-title">{t('rules.make')}</h2></div>
        <form class="panel-body inline-form" onSubmit={(e) => { e.preventDefault(); navigate(`/rules?propose=${encodeURIComponent(caseId)}`); }}>
          <label for="propose-case">{t('rules.makeCase')}</label>
          <input id="propose-case" value={caseId} onInput={(e) => setCaseId(e.currentTarget.value)} required />
          <button type="submit" class="btn">{t('rules.makeSubmit')}</button>
        </form>
        {candidates.data && candidates.data.items.length > 0 && (
          <table class="table"><caption>{t('rules.candidates')} · <Link to={RULES_CANDIDATES_PATH}>{t('candidates.open')}</Link></caption>
            <thead><tr><th scope="col">{t('rules.features')}</th><th scope="col">{t('rules.target')}</th><th scope="col" class="num">{t('rules.repeated')}</th><th scope="col">{t('rules.action')}</th></tr></thead>
            <tbody>{candidates.data.items.map((c) => (
              <tr key={`${c.institutionId}${c.exampleCaseIds[0]}`}>
                <td>{c.conditions.join(' · ')}</td>
                <td><code>{c.institutionId}</code></td>
                <td class="num">{t('rules.ofSimilar', { n: c.decisions, of: c.ofSimilar })}</td>
                <td><button type="button" class="btn btn-small" onClick={() => navigate(`/rules?propose=${encodeURIComponent(c.exampleCaseIds[0] ?? "")}`)}>{t('rules.makeSubmit')}</button></td>
              </tr>
            ))}</tbody>
          </table>
        )}
      </section>
      <LearnedRulesPanel onPublished={() => setTick((n) => n + 1)} />
      <RuleDiffView versions={versions.data.items.map((v) => v.version)} />
      <table class="table"><caption>{t('rules.versions')}</caption>
        <thead><tr><th scope="col">{t('rules.version')}</th><th scope="col">{t('rules.author')}</th><th scope="col">{t('rules.when')}</th><th scope="col">{t('rules.reason')}</th></tr></thead>
        <tbody>{versions.data.items.map((v) => <tr key={v.version}><td>v{v.version}</td><td>{v.author}</td><td>{dateTime(v.createdAt)}</td><td>{v.reason}</td></tr>)}</tbody>
      </table>
      <table class="table"><caption>{t('rules.table', { version: r.version })}</caption>
        <thead><tr><th scope="col">#</th><th scope="col">{t('rules.rule')}</th><th scope="col">{t('rules.description')}</th><th scope="col">{t('rules.validity')}</th></tr></thead>
        <tbody>{r.rules.map((rule, i) => (
          <tr key={rule.id}><td>{i + 1}</td><td><code>{rule.id}</code>{rule.enabled === false && ` (${t('rules.disabled')})`}</td><td>{rule.description ?? ''}</td><td>{rule.validFrom ?? ''}{rule.validFrom || rule.validTo ? ' → ' : ''}{rule.validTo ?? ''}</td></tr>
        ))}</tbody>
      </table>
    </>
  );
}
