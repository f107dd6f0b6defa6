/** The routing decisions, newest first, each with its trace in words and the rule-table and directory versions. */
import type { Schemas } from '../../api/client';
import { actorName } from '../../codes';
import { Badge, type Tone } from '../../components/badge';
import { useI18n, type Locale, type Translate } from '../../i18n/i18n';
import { decisionSentence, stepWhy } from './trace-words';
import { reasonLabel } from '../queue/queue-filters';

type Decision = Schemas['CaseView']['decisions'][number];
type Step = Schemas['TraceStep'];

const OUTCOME_TONE: Record<Decision['outcome'], Tone> = { forward: 'ok', triage: 'warn', return: 'muted' };

function stepText(t: Translate, locale: Locale, s: Step): string {
  if (s.skipped) return t('case.trace.skipped', { ruleId: s.ruleId, why: stepWhy(locale, s) });
  if (s.failed) return t('case.trace.failed', { ruleId: s.ruleId, why: stepWhy(locale, s) });
  return s.matched ? t('case.trace.matched', { ruleId: s.ruleId }) : t('case.trace.notMatched', { ruleId: s.ruleId });
}

function StepLine({ step: s }: { step: Step }) {
  const { t, locale } = useI18n();
  return (
    <>
      <span>{stepText(t, locale, s)}</span>
      {s.matched && s.outcome === 'forward' && s.institutionId && <strong> {t('case.trace.to', { institutionId: s.institutionId })}</strong>}
      {s.matched && s.outcome === 'triage' && <strong> {t('case.trace.toTriage', { reason: s.reason ? reasonLabel(t, s.reason) : '' })}</strong>}
      {s.explanation && locale !== 'fr' && <span class="trace-explanation"> — {s.explanation}</span>}
    </>
  );
}

/** The deciding step in view; every rule tried, in order, one click away (a trace is often twenty lines). */
function Trace({ steps }: { steps: Step[] }) {
  const { t } = useI18n();
  if (!steps.length) return null;
  const deciding = steps.find((s) => s.matched);
  return (
    <div class="trace">
      {deciding && <p class="trace-step matched trace-deciding"><StepLine step={deciding} /></p>}
      <details open={steps.length <= 6}>
        <summary>{t('case.trace.all', { n: steps.length })}</summary>
        <ol>
          {steps.map((s, i) => (
            <li key={i} class={s.matched ? 'trace-step matched' : s.skipped ? 'trace-step skipped' : 'trace-step'}><StepLine step={s} /></li>
          ))}
        </ol>
      </details>
    </div>
  );
}

export function CaseDecisions({ decisions }: { decisions: Decision[] }) {
  const { t, dateTime, locale } = useI18n();
  const newestFirst = [...decisions].reverse();
  return (
    <section class="panel" aria-labelledby="decisions-title">
      <header class="panel-header"><h2 id="decisions-title">{t('case.decisions')}</h2></header>
      <ol class="decisions">
        {newestFirst.map((d) => (
          <li key={d.id} class="decision">
            <div class="decision-head">
              <Badge tone={OUTCOME_TONE[d.outcome]}>{t(`case.decision.outcome.${d.outcome}`)}</Badge>
              {d.institutionId && <code class="decision-target">{d.institutionId}</code>}
              {d.reason && <span class="decision-reason">{reasonLabel(t, d.reason)}</span>}
              {d.ruleId && <span class="muted">{t('case.decision.rule', { ruleId: d.ruleId })}</span>}
              <span class="muted decision-by">{t('case.decision.by', { by: actorName(d.decidedBy), at: dateTime(d.decidedAt) })}</span>
            </div>
            <p class="decision-explanation">{decisionSentence(t, locale, d)}</p>
            {(d.ruleSetVersion !== null || d.directoryVersion !== null) && (
              <p class="muted decision-versions">{t('case.decision.versions', { rules: d.ruleSetVersion ?? '—', directory: d.directoryVersion ?? '—' })}{d.envelopeId ? ` · ${d.envelopeId}` : ''}</p>
            )}
            {d.note && <p class="decision-note">{t('case.decision.note', { note: d.note })}</p>}
            <Trace steps={d.trace} />
          </li>
        ))}
      </ol>
    </section>
  );
}
