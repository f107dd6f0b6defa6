/**
 * The draft editor of the rule table (supervisors): start from the table in force or an older version; reorder,
 * disable or enable, date-limit, add, edit and delete rules; simulate the draft on stored traffic; publish it as a
 * new version with a reason, which the page allows only once the draft as it stands has been simulated. The draft
 * survives a reload (sessionStorage, see draft-store.ts). The service checks every simulated or published draft
 * and says where it is wrong: its problems are shown under the rule they concern.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, ok } from '../../api/client';
import { Dialog } from '../../components/dialog';
import { flash } from '../../components/flash';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { RULES_PATH } from '../paths';
import { AddRulePanel, DraftStart, PublishPanel, SimulatePanel, StaleDraftNotice } from './draft-panels';
import { DraftRuleRow, type RowActions, type RowEditor } from './draft-rule-row';
import {
  changeOf, clearDraft, draftRules, errorsByRule, insertRule, limitRule, loadDraft, moveRule, removeRule, replaceRule, saveDraft,
  simulatedAsIs, startDraft, toggleRule, withSimulation, type RulesDraft,
} from './draft-store';

/** The service's problems with the draft, and the action that met them (its panel shows the summary). */
type Problems = ReturnType<typeof errorsByRule> & { from: 'simulate' | 'publish' };

export function RulesDraftPage(_props: PageProps) {
  const { t } = useI18n();
  useTitle(`${t('rulesDraft.title')} · ${t('app.name')}`);
  const owner = useSession().session?.username ?? '';
  const current = useResource(() => ok(api.GET('/api/rules')), []);
  const versions = useResource(() => ok(api.GET('/api/rules/versions', { params: { query: { limit: 500 } } })), []);
  const [draft, setDraft] = useState<RulesDraft | null>(() => loadDraft(owner));
  const [discarded, setDiscarded] = useState(false);
  const keep = (d: RulesDraft | null) => {
    if (d) saveDraft(d);
    else clearDraft();
    setDraft(d);
  };
  if (current.error !== undefined) return <ErrorNotice error={current.error} onRetry={current.reload} />;
  if (!current.data || !versions.data) return <Loading />;
  const inForce = current.data;
  if (!draft) {
    return (
      <>
        <PageHeader title={t('rulesDraft.title')} />
        {discarded && <Notice kind="info">{t('rulesDraft.discarded')}</Notice>}
        <DraftStart current={inForce} versions={versions.data.items.map((v) => v.version)}
          onStart={(from) => { setDiscarded(false); keep(startDraft(owner, from, inForce.version, new Date().toISOString())); }} />
      </>
    );
  }
  return <DraftEditor draft={draft} inForceVersion={inForce.version} keep={keep} onStale={() => void current.reload()} onDiscard={() => { keep(null); setDiscarded(true); }} />;
}

// long-function: the editor's state (draft, open editor, problems, focus) and its handlers read best together.
function DraftEditor({ draft, inForceVersion, keep, onStale, onDiscard }: {
  draft: RulesDraft; inForceVersion: number; keep: (d: RulesDraft) => void; onStale: () => void; onDiscard: () => void;
}) {
  const { t, dateTime } = useI18n();
  const [editor, setEditor] = useState<{ key: string; kind: RowEditor } | null>(null);
  const [problems, setProblems] = useState<Problems | null>(null);
  const [simError, setSimError] = useState<unknown>();
  const [publishError, setPublishError] = useState<unknown>();
  // A publication refused because another supervisor published meanwhile (the draft's basedOnVersion is stale).
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [added, setAdded] = useState<string>();
  // The draft as it is when an answer comes back (the person may have gone on editing meanwhile).
  const latest = useRef(draft);
  latest.current = draft;
  // After a move the moved rule's button keeps the focus (or its twin, once the rule reaches an end).
  const focus = useRef<[string, string] | null>(null);
  useEffect(() => {
    if (!focus.current) return;
    const [first, other] = focus.current;
    focus.current = null;
    const el = document.getElementById(first) as HTMLButtonElement | null;
    (el && !el.disabled ? el : document.getElementById(other))?.focus();
  });

  const edit = (key: string, next: RulesDraft) => {
    keep(next);
    setAdded(undefined);
    if (problems?.byKey[key]) setProblems({ ...problems, byKey: Object.fromEntries(Object.entries(problems.byKey).filter(([k]) => k !== key)) });
  };
  const actionsFor = (key: string): RowActions => ({
    move: (by) => {
      focus.current = by < 0 ? [`up-${key}`, `down-${key}`] : [`down-${key}`, `up-${key}`];
      edit(key, moveRule(draft, key, by));
    },
    toggle: () => edit(key, toggleRule(draft, key)),
    limit: (from, to) => {
      edit(key, limitRule(draft, key, from, to));
      setEditor(null);
      focus.current = [`dates-${key}`, `dates-${key}`];
    },
    replace: (rule) => {
      edit(key, replaceRule(draft, key, rule));
      setEditor(null);
      focus.current = [`edit-${key}`, `edit-${key}`];
    },
    remove: () => {
      const i = draft.entries.findIndex((e) => e.key === key);
      const neighbour = draft.entries[i + 1] ?? draft.entries[i - 1];
      if (neighbour) focus.current = [`delete-${neighbour.key}`, `delete-${neighbour.key}`];
      edit(key, removeRule(draft, key));
    },
    open: (kind) => setEditor(kind ? { key, kind } : null),
  });
  /** The service's RTE_RULESET_INVALID answers say where: shown under the rules of the draft as it was sent. */
  const failed = (sent: RulesDraft, e: unknown, from: Problems['from'], show: (e: unknown) => void) => {
    if (e instanceof ApiError && e.code === 'RTE_RULESET_INVALID' && e.details.length > 0) setProblems({ ...errorsByRule(sent, e.details), from });
    else show(e);
  };
  const simulate = async () => {
    const sent = draft;
    setBusy(true);
    setSimError(undefined);
    setProblems(null);
    try {
      const report = await ok(api.POST('/api/rules/simulate', { body: { description: sent.description, rules: draftRules(sent) } }));
      keep(withSimulation(latest.current, sent, report));
    } catch (e) {
      failed(sent, e, 'simulate', setSimError);
    } finally {
      setBusy(false);
    }
  };
  const publish = async (reason: string) => {
    const sent = draft;
    setPublishError(undefined);
    setProblems(null);
    try {
      const v = await ok(api.PUT('/api/rules', { body: { description: sent.description, rules: draftRules(sent), reason, basedOnVersion: sent.basedOnVersion } }));
      clearDraft();
      flash(t('rules.published', { version: v.version }));
      navigate(`${RULES_PATH}?reroute=1`);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'RTE_VERSION_CONFLICT') {
        setStale(true);
        onStale();
      } else failed(sent, e, 'publish', setPublishError);
    }
  };
  const invalid = problems ? Object.values(problems.byKey).reduce((n, l) => n + l.length, 0) + problems.other.length : 0;
  const summary = (from: Problems['from']) => (problems?.from === from ? { invalid, other: problems.other } : { invalid: 0, other: [] });
  const asIs = simulatedAsIs(draft);
  return (
    <>
      <PageHeader title={t('rulesDraft.title')}
        subtitle={t('rulesDraft.subtitle', { at: dateTime(draft.startedAt), source: draft.sourceVersion, based: draft.basedOnVersion })}
        actions={<button type="button" class="btn btn-danger" onClick={() => setConfirmDiscard(true)}>{t('rulesDraft.discard')}</button>} />
      {inForceVersion !== draft.basedOnVersion && <Notice kind="warning">{t('rulesDraft.conflict', { version: inForceVersion })}</Notice>}
      {added && <Notice kind="success">{added}</Notice>}
      <table class="table draft-table"><caption>{t('rulesDraft.table', { n: draft.entries.length })}</caption>
        <thead><tr><th scope="col" class="num">#</th><th scope="col">{t('rules.rule')}</th><th scope="col">{t('rulesDraft.decision')}</th><th scope="col">{t('rules.validity')}</th><th scope="col">{t('rulesDraft.actions')}</th></tr></thead>
        <tbody>{draft.entries.map((entry, i) => (
          <DraftRuleRow key={entry.key} entry={entry} position={i} count={draft.entries.length} change={changeOf(draft, entry.rule)}
            problems={problems?.byKey[entry.key]} editor={editor?.key === entry.key ? editor.kind : null} actions={actionsFor(entry.key)} />
        ))}</tbody>
      </table>
      <AddRulePanel entries={draft.entries} onAdd={(before, rule) => {
        const { draft: next, key } = insertRule(draft, before, rule);
        edit(key, next);
        setAdded(t('rulesDraft.added', { id: rule.id, position: next.entries.findIndex((e) => e.key === key) + 1 }));
        focus.current = [`edit-${key}`, `edit-${key}`];
      }} />
      <SimulatePanel report={draft.simulation?.report} asIs={asIs} busy={busy} {...summary('simulate')} error={simError} onSimulate={() => void simulate()} />
      {stale && <StaleDraftNotice inForce={inForceVersion} based={draft.basedOnVersion} />}
      <PublishPanel simulated={draft.simulation !== undefined} asIs={asIs} {...summary('publish')} error={publishError} onPublish={publish} />
      <Dialog id="discard-draft" title={t('rulesDraft.discard')} open={confirmDiscard} onClose={() => setConfirmDiscard(false)}>
        <p>{t('rulesDraft.discardQuestion')}</p>
        <div class="actions-row">
          <button type="button" class="btn btn-danger" onClick={() => { setConfirmDiscard(false); onDiscard(); }}>{t('rulesDraft.discardYes')}</button>
          <button type="button" class="btn" onClick={() => setConfirmDiscard(false)}>{t('app.cancel')}</button>
        </div>
      </Dialog>
    </>
  );
}
