/**
 * What rules published in shadow would have decided for this case (their trace steps carry `shadow`): they decided
 * nothing, but a supervisor judging whether to make one live sees it here, next to what was done.
 */
import type { Schemas } from '../../api/client';
import { useI18n } from '../../i18n/i18n';

type Decision = Schemas['CaseView']['decisions'][number];

export function CaseShadow({ decisions }: { decisions: Decision[] }) {
  const { t } = useI18n();
  const seen = new Set<string>();
  const items = decisions.flatMap((d) => d.trace.filter((s) => s.shadow !== undefined).map((s) => ({ step: s, at: d.decidedAt })))
    .filter(({ step }) => (seen.has(step.ruleId) ? false : (seen.add(step.ruleId), true)));
  if (items.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="case-shadow-title">
      <div class="panel-header"><h2 id="case-shadow-title">{t('caseShadow.title')}</h2></div>
      <ul class="panel-body">
        {items.map(({ step }) => (
          <li key={step.ruleId}>
            <code>{step.ruleId}</code> {step.shadow!.outcome === 'forward'
              ? t('caseShadow.forward', { institutionId: step.shadow!.institutionId ?? '' })
              : t('caseShadow.triage', { reason: step.shadow!.reason ?? '' })}
          </li>
        ))}
      </ul>
    </section>
  );
}
