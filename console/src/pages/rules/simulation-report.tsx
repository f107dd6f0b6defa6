/**
 * What POST /api/rules/simulate answered for a draft: the decisions that change out of the SEDs replayed, the share
 * forwarded automatically before and after, the counts by deciding rule and by target, and examples. Shown as the
 * service computed it (the browser counts nothing).
 */
import type { Schemas } from '../../api/client';
import { useI18n } from '../../i18n/i18n';

type Brief = Schemas['DraftReport']['examples'][number]['before'];

export function SimulationReport({ report, examples = 5 }: { report: Schemas['DraftReport']; examples?: number }) {
  const { t, number } = useI18n();
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const decided = (d: Brief) => `${d.ruleId ?? '—'} → ${d.institutionId ?? `triage ${d.reason ?? ''}`}`;
  return (
    <div class="simulation" role="region" aria-label={t('rules.simulation')}>
      <p data-sim="changed">{t('rules.simChanged', { n: number(report.changed), of: number(report.envelopes) })}</p>
      <p data-sim="share">{t('rules.simShare', { before: pct(report.automaticShareBefore), after: pct(report.automaticShareAfter) })}</p>
      <table class="table"><caption>{t('rules.simByRule')}</caption>
        <thead><tr><th scope="col">{t('rules.rule')}</th><th scope="col" class="num">{t('rules.before')}</th><th scope="col" class="num">{t('rules.after')}</th></tr></thead>
        <tbody>{report.byRule.map((r) => <tr key={r.ruleId} data-rule={r.ruleId}><td><code>{r.ruleId}</code></td><td class="num">{number(r.before)}</td><td class="num">{number(r.after)}</td></tr>)}</tbody>
      </table>
      <table class="table"><caption>{t('rules.simByTarget')}</caption>
        <thead><tr><th scope="col">{t('rules.target')}</th><th scope="col" class="num">{t('rules.before')}</th><th scope="col" class="num">{t('rules.after')}</th></tr></thead>
        <tbody>{report.byTarget.map((r) => <tr key={r.target} data-target={r.target}><td><code>{r.target}</code></td><td class="num">{number(r.before)}</td><td class="num">{number(r.after)}</td></tr>)}</tbody>
      </table>
      {report.examples.length > 0 && (
        <table class="table"><caption>{t('rules.simExamples', { n: Math.min(examples, report.examples.length), of: report.changed })}</caption>
          <thead><tr><th scope="col">{t('rules.simCase')}</th><th scope="col">BUC</th><th scope="col">{t('rules.before')}</th><th scope="col">{t('rules.after')}</th></tr></thead>
          <tbody>{report.examples.slice(0, examples).map((x) => (
            <tr key={x.envelopeId}><td><code>{x.caseId}</code></td><td><code>{x.bucType}</code></td><td>{decided(x.before)}</td><td>{decided(x.after)}</td></tr>
          ))}</tbody>
        </table>
      )}
    </div>
  );
}
