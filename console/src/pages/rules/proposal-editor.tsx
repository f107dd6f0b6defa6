/**
 * "Make this a rule": the proposal for a case (its facts as conditions, placed before the rule that triaged it),
 * editable as a form (or JSON), simulated against stored traffic, then published by a supervisor with a reason.
 * The service's problems with the rule are shown in the page's language next to their field.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../../api/client';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session';
import { RuleEditor } from './rule-form';
import type { parseRule } from './rule-json-field';
import type { Problem } from './rule-problem-text';
import { SimulationReport } from './simulation-report';

type Rules = Schemas['RuleProposal']['draft']['rules'];

// long-function: the proposal, its editor, its simulation and its publication, in the order a person goes through them.
export function ProposalEditor({ caseId, onPublished }: { caseId: string; onPublished: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [proposal, setProposal] = useState<Schemas['RuleProposal']>();
  const current = useRef<() => ReturnType<typeof parseRule>>();
  const [problems, setProblems] = useState<Problem[]>();
  const [report, setReport] = useState<Schemas['DraftReport']>();
  const [reason, setReason] = useState('');
  const [published, setPublished] = useState<number>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    ok(api.POST('/api/rules/proposals', { body: { caseId } })).then(setProposal, setError);
  }, [caseId]);
  const draft = (): Rules => {
    const parsed = current.current?.();
    if (!parsed || 'problem' in parsed) throw new Error(t('rules.jsonInvalid', { message: parsed && 'problem' in parsed ? parsed.problem : '' }));
    const rule = parsed.rule;
    const rules = [...proposal!.draft.rules];
    rules[proposal!.position] = rule;
    return rules;
  };
  const run = async (fn: () => Promise<void>) => {
    setError(undefined);
    setProblems(undefined);
    try {
      await fn();
    } catch (err) {
      // The problems of the proposed rule go next to its fields; any other answer is said as usual.
      const at = `/rules/${proposal!.position}`;
      const mine = err instanceof ApiError && err.code === 'RTE_RULESET_INVALID' ? err.details.filter((d) => d.path === at || d.path.startsWith(`${at}/`)) : [];
      if (mine.length > 0) setProblems(mine.map((d) => ({ ...d, path: d.path.slice(at.length) || '/' })));
      if (mine.length === 0 || (err as ApiError).details.length > mine.length) setError(err);
    }
  };
  if (!proposal) return error !== undefined ? <ErrorNotice error={error} /> : <Loading />;
  return (
    <section class="panel" aria-labelledby="proposal-title">
      <div class="panel-header"><h2 id="proposal-title">{t('rules.proposal', { caseId })}</h2></div>
      <div class="panel-body">
        <p>{t('rules.proposalPlace', { before: proposal.insertBefore ?? '—', version: proposal.basedOnVersion })}</p>
        {proposal.notes.map((n) => <Notice key={n} kind="warning">{n}</Notice>)}
        {/* An edit makes the simulation shown stale: publishing waits for a new one. */}
        <RuleEditor id="proposal" rule={proposal.rule} problems={problems} bind={(get) => { current.current = get; }} onEdit={() => setReport(undefined)}>{null}</RuleEditor>
        <button type="button" class="btn" onClick={() => run(async () => setReport(await ok(api.POST('/api/rules/simulate', { body: { rules: draft() } }))))}>{t('rules.simulate')}</button>
        {report && <SimulationReport report={report} />}
        {report && session.has('supervisor') && published === undefined && (
          <form class="inline-form" onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const v = await ok(api.PUT('/api/rules', { body: { rules: draft(), reason, basedOnVersion: proposal.basedOnVersion } }));
              setPublished(v.version);
              onPublished();
            });
          }}>
            <label for="publish-reason">{t('rules.publishReason')}</label>
            <input id="publish-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />
            <button type="submit" class="btn btn-primary">{t('rules.publish')}</button>
          </form>
        )}
        {report && !session.has('supervisor') && <p>{t('rules.supervisorOnly')}</p>}
        {published !== undefined && <Notice kind="success">{t('rules.published', { version: published })}</Notice>}
        {error !== undefined && <ErrorNotice error={error} />}
      </div>
    </section>
  );
}
