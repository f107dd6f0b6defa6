/**
 * The learning loop in the case view (issue #13): for a case in triage, what operators decided for similar cases,
 * with one click to accept (forwards the case there); for a case an operator decided, "make this a rule".
 */
import { api, ok } from '../../api/client';
import { ErrorNotice, Loading } from '../../components/status';
import { useResource } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { useSession } from '../../session';

export function CaseSuggestions({ caseId, canAct, onAccept }: { caseId: string; canAct: boolean; onAccept: (institutionId: string) => Promise<void> }) {
  const { t } = useI18n();
  const s = useResource(() => ok(api.GET('/api/triage/{caseId}/suggestions', { params: { path: { caseId } } })), [caseId]);
  return (
    <section class="panel" aria-labelledby="suggestions-title">
      <header class="panel-header"><h2 id="suggestions-title">{t('suggestions.title')}</h2></header>
      <div class="panel-body">
        {s.error !== undefined && <ErrorNotice error={s.error} onRetry={s.reload} />}
        {s.loading && !s.data && <Loading />}
        {s.data && s.data.items.length === 0 && <p>{t('suggestions.none')}</p>}
        {s.data && s.data.items.length > 0 && (
          <ol class="suggestions">
            {s.data.items.map((x) => (
              <li key={x.institutionId}>
                <strong>{t('suggestions.went', { n: x.similarCases, of: x.ofSimilar, institutionId: x.institutionId })}</strong>
                <span class="hint"> {x.basis}</span>{' '}
                <button type="button" class="btn btn-small" disabled={!canAct} onClick={() => void onAccept(x.institutionId)}
                  aria-label={t('suggestions.acceptLabel', { institutionId: x.institutionId })}>{t('suggestions.accept')}</button>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

/** A link to the rules page's proposal for a case an operator decided (supervisors publish it there). */
export function MakeRuleLink({ caseId, decidedByOperator }: { caseId: string; decidedByOperator: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  if (!decidedByOperator || !session.has('operator')) return null;
  return <p><Link to={`/rules?propose=${encodeURIComponent(caseId)}`} class="btn">{t('suggestions.makeRule')}</Link></p>;
}
