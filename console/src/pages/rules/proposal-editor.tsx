/**
 * "Make this a rule": the proposal for a case (its facts as conditions, placed before the rule that triaged it),
 * editable as JSON, simulated against stored traffic, then published by a supervisor with a reason.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session';

type Rules = Schemas['RuleProposal']['draft']['rules'];

export function ProposalEditor({ caseId, onPublished }: { caseId: string; onPublished: () => void }) {
  const { t, number } = useI18n();
  const session = useSession();
  const [proposal, setProposal] = useState<Schemas['RuleProposal']>();
  const [ruleText, setRuleText] = useState('');
  const [report, setReport] = useState<Schemas['DraftReport']>();
  const [reason, setReason] = useState('');
  const [published, setPublished] = useState<number>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    ok(api.POST('/api/rules/proposals', { body: { caseId } })).then((p) => {
      setProposal(p);
      setRuleText(JSON.stringify(p.rule, null, 2));
    }, setError);
  }, [caseId]);
  const draft = (): Rules => {
    const rule = JSON.parse(ruleText) as Rules[number];
    const rules = [...proposal!.draft.rules];
    rules[proposal!.position] = rule;
    return rules;
  };
  const run = async (fn: () => Promise<void>) => {
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
  };
  if (!proposal) return error !== undefined ? <ErrorNotice error={error} /> : <Loading />;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return (
    <section class="panel" aria-labelledby="proposal-title">
      <div class="panel-header"><h2 id="proposal-title">{t('rules.proposal', { caseId })}</h2></div>
      <div class="panel-body">
        <p>{t('rules.proposalPlace', { before: proposal.insertBefore ?? '—', version: proposal.basedOnVersion })}</p>
        {proposal.notes.map((n) => <Notice key={n} kind="warning">{n}</Notice>)}
        <div class="field">
          <label for="rule-json">{t('rules.ruleJson')}</label>
          <textarea id="rule-json" rows={16} class="code" value={ruleText} onInput={(e) => setRuleText(e.currentTarget.value)} />
        </div>
        <button type="button" class="btn" onClick={() => run(async () => setReport(await ok(api.POST('/api/rules/simulate', { body: { rules: draft() } }))))}>{t('rules.simulate')}</button>
        {report && (
          <div class="simulation" role="region" aria-label={t('rules.simulation')}>
            <p data-sim="changed">{t('rules.simChanged', { n: number(report.changed), of: number(report.envelopes) })}</p>
            <p data-sim="share">{t('rules.simShare', { before: pct(report.automaticShareBefore), after: pct(report.automaticShareAfter) })}</p>
            <table class="table"><caption>{t('rules.simByRule')}</caption>
              <thead><tr><th scope="col">{t('rules.rule')}</th><th scope="col" class="num">{t('rules.before')}</th><th scope="col" class="num">{t('rules.after')}</th></tr></thead>
              <tbody>{report.byRule.map((r) => <tr key={r.ruleId}><td><code>{r.ruleId}</code></td><td class="num">{r.before}</td><td class="num">{r.after}</td></tr>)}</tbody>
            </table>
            <table class="table"><caption>{t('rules.simByTarget')}</caption>
              <thead><tr><th scope="col">{t('rules.target')}</th><th scope="col" class="num">{t('rules.before')}</th><th scope="col" class="num">{t('rules.after')}</th></tr></thead>
              <tbody>{report.byTarget.map((r) => <tr key={r.target}><td><code>{r.target}</code></td><td class="num">{r.before}</td><td class="num">{r.after}</td></tr>)}</tbody>
            </table>
            <ul>{report.examples.slice(0, 5).map((x) => <li key={x.envelopeId}><code>{x.caseId}</code> : {x.before.ruleId} → {x.after.ruleId} ({x.after.institutionId ?? x.after.reason})</li>)}</ul>
          </div>
        )}
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
