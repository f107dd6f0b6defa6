/**
 * Candidate rules learned from operators' decisions (GET /api/rules/candidates): each with its conditions, what
 * it takes off the queue a month, its agreement, the decisions against it (links to the cases) and the facts left
 * out because they did not change the choice. A supervisor ticks several, simulates them together as one draft
 * (POST /api/rules/simulate) and publishes one version with a reason (PUT /api/rules). Operators read the page.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { Flash } from '../../components/flash';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { useSession } from '../../session';
import { RULES_PATH } from '../paths';
import { LearnedRulesPanel } from './learned-rules-panel';
import { SimulationReport } from './simulation-report';

type Candidate = Schemas['RuleCandidate'];
type Rules = Schemas['RuleProposal']['draft']['rules'];

/**
 * The table in force with the chosen candidates' rules, each before its `insertBefore`, in the list's order; in
 * shadow until `shadowUntil` when one is given.
 */
export function draftWith(rules: Rules, chosen: Candidate[], shadowUntil = ''): Rules {
  const out = [...rules];
  for (const c of chosen) {
    if (out.some((r) => r.id === c.rule.id)) continue;
    const at = c.insertBefore === null ? -1 : out.findIndex((r) => r.id === c.insertBefore);
    out.splice(at < 0 ? out.length : at, 0, shadowUntil ? { ...c.rule, shadowUntil } : c.rule);
  }
  return out;
}

function CandidateRow({ c, checked, onToggle, canChoose }: { c: Candidate; checked: boolean; onToggle: () => void; canChoose: boolean }) {
  const { t, number } = useI18n();
  const label = t('candidates.choose', { id: c.rule.id });
  return (
    <tr>
      <td>{canChoose && <input type="checkbox" aria-label={label} checked={checked} onChange={onToggle} />}</td>
      <td><code>{c.rule.id}</code><br />{c.conditions.join(' · ')}</td>
      <td><code>{c.institutionId}</code><br /><small>{t('candidates.before', { id: c.insertBefore ?? '—' })}</small></td>
      <td class="num">{t('rules.ofSimilar', { n: c.decisions, of: c.ofSimilar })} ({number(Math.round(c.share * 1000) / 10)} %)</td>
      <td class="num">{number(c.perMonth)}</td>
      <td>{c.counterExamples.length === 0 ? t('app.none') : c.counterExamples.slice(0, 5).map((x) => (
        <span key={x.caseId}><Link to={`/cases/${encodeURIComponent(x.caseId)}`}>{x.caseId}</Link> → <code>{x.institutionId}</code> </span>
      ))}</td>
      <td>{c.leftOut.length === 0 ? t('app.none') : c.leftOut.map((l) => `${l.attribute} (${l.values.map((v) => v.value).join(', ')})`).join('; ')}</td>
    </tr>
  );
}

export function CandidatesPage() {
  const { t } = useI18n();
  useTitle(`${t('candidates.title')} · ${t('app.name')}`);
  const session = useSession();
  const [tick, setTick] = useState(0);
  const current = useResource(() => ok(api.GET('/api/rules')), [tick]);
  const candidates = useResource(() => ok(api.GET('/api/rules/candidates', { params: { query: { limit: 100 } } })), [tick]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [report, setReport] = useState<Schemas['DraftReport']>();
  const [simulatedFor, setSimulatedFor] = useState('');
  const [shadowUntil, setShadowUntil] = useState('');
  const [published, setPublished] = useState<number>();
  const [error, setError] = useState<unknown>();
  if (current.error !== undefined) return <ErrorNotice error={current.error} onRetry={current.reload} />;
  if (candidates.error !== undefined) return <ErrorNotice error={candidates.error} onRetry={candidates.reload} />;
  if (!current.data || !candidates.data) return <Loading />;
  const supervisor = session.has('supervisor');
  const items = candidates.data.items;
  const picked = items.filter((c) => chosen.includes(c.rule.id));
  const rules = draftWith(current.data.rules, picked, shadowUntil);
  const key = `${chosen.join(',')}|${shadowUntil}`;
  const run = async (fn: () => Promise<void>) => {
    setError(undefined);
    try { await fn(); } catch (err) { setError(err); }
  };
  const toggle = (id: string) => { setChosen((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id])); setReport(undefined); };
  return (
    <>
      <PageHeader title={t('candidates.title')} subtitle={t('candidates.subtitle', { min: candidates.data.min, version: current.data.version })} actions={<Link to={RULES_PATH} class="btn">{t('rules.title')}</Link>} />
      <Flash />
      {items.length === 0 ? <Notice kind="info">{t('candidates.none')}</Notice> : (
        <CandidatesTable items={items} chosen={chosen} onToggle={toggle} canChoose={supervisor && published === undefined} />
      )}
      {supervisor && picked.length > 0 && published === undefined && (
        <CandidatesDraft
          count={picked.length} shadowUntil={shadowUntil} report={report} simulated={report !== undefined && simulatedFor === key}
          onShadowUntil={(v) => { setShadowUntil(v); setReport(undefined); }}
          onSimulate={() => run(async () => { setReport(await ok(api.POST('/api/rules/simulate', { body: { rules } }))); setSimulatedFor(key); })}
          onPublish={(reason) => run(async () => {
            const v = await ok(api.PUT('/api/rules', { body: { rules, reason, basedOnVersion: current.data!.version } }));
            setPublished(v.version);
            setChosen([]);
            setReport(undefined);
            setTick((n) => n + 1);
          })}
        />
      )}
      {published !== undefined && <Notice kind="success">{t('rules.published', { version: published })}</Notice>}
      <LearnedRulesPanel key={tick} onPublished={() => setTick((n) => n + 1)} />
      {error !== undefined && <ErrorNotice error={error} />}
    </>
  );
}

function CandidatesTable({ items, chosen, onToggle, canChoose }: { items: Candidate[]; chosen: string[]; onToggle: (id: string) => void; canChoose: boolean }) {
  const { t } = useI18n();
  return (
    <table class="table"><caption>{t('candidates.caption')}</caption>
      <thead><tr>
        <th scope="col"><span class="visually-hidden">{t('candidates.chosen')}</span></th><th scope="col">{t('candidates.conditions')}</th>
        <th scope="col">{t('rules.target')}</th><th scope="col" class="num">{t('candidates.agreement')}</th><th scope="col" class="num">{t('candidates.perMonth')}</th>
        <th scope="col">{t('candidates.counter')}</th><th scope="col">{t('candidates.leftOut')}</th>
      </tr></thead>
      <tbody>{items.map((c) => <CandidateRow key={c.rule.id} c={c} checked={chosen.includes(c.rule.id)} onToggle={() => onToggle(c.rule.id)} canChoose={canChoose} />)}</tbody>
    </table>
  );
}

interface DraftProps {
  count: number;
  shadowUntil: string;
  report: Schemas['DraftReport'] | undefined;
  /** The report shown is the simulation of the candidates chosen now (publishing is offered only then). */
  simulated: boolean;
  onShadowUntil: (value: string) => void;
  onSimulate: () => void;
  onPublish: (reason: string) => void;
}

/** The chosen candidates as a draft: shadow date, simulation, then publication with a reason. */
function CandidatesDraft({ count, shadowUntil, report, simulated, onShadowUntil, onSimulate, onPublish }: DraftProps) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  return (
    <section class="panel" aria-labelledby="candidates-draft">
      <div class="panel-header"><h2 id="candidates-draft">{t('candidates.draft', { n: count })}</h2></div>
      <div class="panel-body">
        <label for="candidates-shadow">{t('candidates.shadowUntil')}</label>
        <input id="candidates-shadow" type="date" value={shadowUntil} onInput={(e) => onShadowUntil(e.currentTarget.value)} />
        <button type="button" class="btn" onClick={onSimulate}>{t('rules.simulate')}</button>
        {report && <SimulationReport report={report} />}
        {simulated && (
          <form class="inline-form" onSubmit={(e) => { e.preventDefault(); onPublish(reason); }}>
            <label for="candidates-reason">{t('rules.publishReason')}</label>
            <input id="candidates-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />
            <button type="submit" class="btn btn-primary">{t('rules.publish')}</button>
          </form>
        )}
      </div>
    </section>
  );
}
