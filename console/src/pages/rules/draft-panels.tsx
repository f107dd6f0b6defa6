/**
 * The panels of the draft editor around the table of rules: starting a draft from a chosen version, adding a rule,
 * simulating the draft on stored traffic, and publishing it (only once the draft as it stands has been simulated).
 */
import { useRef, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { ErrorNotice, Notice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { RULES_PATH } from '../paths';
import type { DraftEntry, Rule } from './draft-store';
import { RuleEditor } from './rule-form';
import { RuleProblemList, type Problem } from './rule-problem-text';
import type { parseRule } from './rule-json-field';
import { SimulationReport } from './simulation-report';

type ErrorDetail = Problem;

export function DraftStart({ current, versions, onStart }: {
  current: Schemas['RuleTableVersion']; versions: number[];
  onStart: (from: { version: number; description?: string; rules: Rule[] }) => void;
}) {
  const { t } = useI18n();
  const [version, setVersion] = useState(current.version);
  const [error, setError] = useState<unknown>();
  const start = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const from = version === current.version ? current : await ok(api.GET('/api/rules/versions/{version}', { params: { path: { version } } }));
      onStart({ version: from.version, description: from.description, rules: from.rules });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="draft-start-title">
      <div class="panel-header"><h2 id="draft-start-title">{t('rulesDraft.startTitle')}</h2></div>
      <form class="panel-body" onSubmit={start}>
        <p class="hint">{t('rulesDraft.startHint')}</p>
        <div class="inline-form">
          <div class="field"><label for="draft-from">{t('rulesDraft.startFrom')}</label>
            <select id="draft-from" value={version} onChange={(e) => setVersion(Number(e.currentTarget.value))}>
              {versions.map((v) => <option key={v} value={v}>{v === current.version ? t('rulesDraft.inForceOption', { version: v }) : `v${v}`}</option>)}
            </select>
          </div>
          <button type="submit" class="btn btn-primary">{t('rulesDraft.start')}</button>
        </div>
        {error !== undefined && <ErrorNotice error={error} />}
      </form>
    </section>
  );
}

const NEW_RULE = {
  id: 'NEW-RULE',
  description: '',
  when: [{ fact: 'sector', equals: 'P' }, { fact: 'senderCountry', in: ['DE'] }],
  then: { forward: { territoryFund: 'pensionFund' } },
};

export function AddRulePanel({ entries, onAdd }: { entries: DraftEntry[]; onAdd: (beforeKey: string | null, rule: Rule) => void }) {
  const { t } = useI18n();
  const current = useRef<() => ReturnType<typeof parseRule>>();
  const [problem, setProblem] = useState<string>();
  // A new editor (the template again) after each addition.
  const [round, setRound] = useState(0);
  // By default before the last rule: the table ends with its catch-all (FALLBACK).
  const [before, setBefore] = useState<string>(entries.at(-1)?.key ?? '');
  const beforeKey = entries.some((e) => e.key === before) ? before : '';
  const add = (e: Event) => {
    e.preventDefault();
    const parsed = current.current?.();
    if (parsed && 'problem' in parsed) setProblem(parsed.problem);
    else if (parsed) {
      onAdd(beforeKey || null, parsed.rule);
      setProblem(undefined);
      setRound(round + 1);
    }
  };
  return (
    <section class="panel" aria-labelledby="draft-add-title">
      <div class="panel-header"><h2 id="draft-add-title">{t('rulesDraft.addTitle')}</h2></div>
      <form class="panel-body" onSubmit={add}>
        <div class="field filter-inline"><label for="draft-add-before">{t('rulesDraft.insertBefore')}</label>
          <select id="draft-add-before" value={beforeKey} onChange={(e) => setBefore(e.currentTarget.value)}>
            {entries.map((x, i) => <option key={x.key} value={x.key}>{`${i + 1}. ${x.rule.id}`}</option>)}
            <option value="">{t('rulesDraft.atEnd')}</option>
          </select>
        </div>
        <RuleEditor key={round} id="draft-add" rule={NEW_RULE as unknown as Rule} jsonLabel={t('rulesDraft.newRuleJson')} bind={(get) => { current.current = get; }}>
          {problem && <p class="field-problem" role="alert">{t('rules.jsonInvalid', { message: problem })}</p>}
          <button type="submit" class="btn">{t('rulesDraft.add')}</button>
        </RuleEditor>
      </form>
    </section>
  );
}

/** How many problems the service found, said where the action was taken (each one is shown under its rule). */
function InvalidSummary({ invalid, other }: { invalid: number; other: ErrorDetail[] }) {
  const { t } = useI18n();
  if (invalid === 0) return null;
  return (
    <div class="notice notice-error" role="alert">
      {t('rulesDraft.invalid', { n: invalid })}
      {other.length > 0 && <RuleProblemList problems={other} />}
    </div>
  );
}

export function SimulatePanel({ report, asIs, busy, invalid, other, error, onSimulate }: {
  report?: Schemas['DraftReport']; asIs: boolean; busy: boolean; invalid: number; other: ErrorDetail[]; error: unknown; onSimulate: () => void;
}) {
  const { t } = useI18n();
  return (
    <section class="panel" aria-labelledby="draft-sim-title">
      <div class="panel-header"><h2 id="draft-sim-title">{t('rulesDraft.simTitle')}</h2></div>
      <div class="panel-body">
        <p class="hint">{t('rulesDraft.simHint')}</p>
        <button type="button" class="btn" disabled={busy} onClick={onSimulate}>{t('rules.simulate')}</button>
        <InvalidSummary invalid={invalid} other={other} />
        {error !== undefined && <ErrorNotice error={error} />}
        {report && !asIs && <Notice kind="warning">{t('rulesDraft.simStale')}</Notice>}
        {report && asIs && <SimulationReport report={report} examples={20} />}
      </div>
    </section>
  );
}

export function PublishPanel({ simulated, asIs, invalid, other, error, onPublish }: {
  simulated: boolean; asIs: boolean; invalid: number; other: ErrorDetail[]; error: unknown; onPublish: (reason: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const why = !simulated ? t('rulesDraft.needsSimulation') : !asIs ? t('rulesDraft.needsNewSimulation') : t('rulesDraft.readyToPublish');
  return (
    <section class="panel" aria-labelledby="draft-publish-title">
      <div class="panel-header"><h2 id="draft-publish-title">{t('rulesDraft.publishTitle')}</h2></div>
      <form class="panel-body" onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void onPublish(reason).finally(() => setBusy(false));
      }}>
        <div class="field"><label for="draft-reason">{t('rules.publishReason')}</label>
          <input id="draft-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} required /></div>
        <p id="draft-publish-why" class={asIs ? 'hint' : 'draft-blocked'}>{why}</p>
        <button type="submit" class="btn btn-primary" disabled={!asIs || busy} aria-describedby="draft-publish-why">{t('rulesDraft.publish')}</button>
        <InvalidSummary invalid={invalid} other={other} />
        {error !== undefined && <ErrorNotice error={error} />}
      </form>
    </section>
  );
}

/** The draft's publication was refused: the table in force changed under it (another supervisor published). */
export function StaleDraftNotice({ inForce, based }: { inForce: number; based: number }) {
  const { t } = useI18n();
  return (
    <div class="notice notice-error" role="alert">
      <strong>{t('rulesDraft.staleTitle')}</strong>{' '}
      <span>{t('rulesDraft.stalePublish', { version: inForce, based })}</span>{' '}
      <Link to={RULES_PATH}>{t('rulesDraft.staleReload')}</Link>
    </div>
  );
}
