/**
 * The learning loop in the case view (issue #13): for a case in triage, what operators decided for similar cases,
 * with one click (or its number key) to forward the case there; for a case an operator decided, "make this a rule".
 * Each suggestion names the institution and weighs its sample (issue #20): "1 sur 1" says "faible", not what
 * "7 sur 8" says. The basis is rendered from the compared values, in the console's language.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { useShortcuts } from '../../components/keys';
import { ErrorNotice, Loading } from '../../components/status';
import { useResource } from '../../hooks';
import { useI18n, type MessageKey, type Translate } from '../../i18n/i18n';
import { Link } from '../../router';
import { useSession } from '../../session';
import { shortName, type Choice } from './institution-picker';

type Suggestion = Schemas['Suggestion'];

function residenceWords(t: Translate, residence: string): string {
  if (residence.startsWith('dep:')) return t('suggestions.residence.dep', { dep: residence.slice(4) });
  if (residence.startsWith('country:')) return t('suggestions.residence.country', { country: residence.slice(8) });
  return t('suggestions.residence.none');
}

/** What made the cases similar, from the compared values (the service's `basis` is its English sentence). */
export function basisText(t: Translate, s: Suggestion): string {
  const p = s.basisParams ?? {};
  if (s.level === 'same-person') return t('suggestions.basis.person', { sector: p.sector ?? '' });
  const parts = s.matchedOn.map((f) => {
    if (f === 'residence') return residenceWords(t, p.residence ?? '');
    if (f === 'refNetworks') return p.refNetworks ? t('suggestions.field.refNetworks', { networks: p.refNetworks }) : t('suggestions.field.noRef');
    return t(`suggestions.field.${f}` as MessageKey, { value: p[f] ?? '' });
  });
  return t('suggestions.basis.same', { parts: parts.join(', ') });
}

export function CaseSuggestions({ caseId, canAct, onAccept }: { caseId: string; canAct: boolean; onAccept: (choice: Choice) => Promise<void> }) {
  const { t } = useI18n();
  const s = useResource(() => ok(api.GET('/api/triage/{caseId}/suggestions', { params: { path: { caseId } } })), [caseId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const items = s.data?.items ?? [];
  const accept = async (x: Suggestion) => {
    if (busy || !canAct) return; // a double click, or a key pressed twice, forwards once
    setBusy(true);
    setError(undefined);
    try {
      await onAccept({ id: x.institutionId, name: x.institutionName ?? x.institutionId, acronym: '' });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  useShortcuts(Object.fromEntries(items.map((x, i) => [String(i + 1), () => void accept(x)])));
  return (
    <section class="panel" aria-labelledby="suggestions-title">
      <header class="panel-header"><h2 id="suggestions-title">{t('suggestions.title')}</h2></header>
      <div class="panel-body">
        {s.error !== undefined && <ErrorNotice error={s.error} onRetry={s.reload} />}
        {error !== undefined && <ErrorNotice error={error} />}
        {s.loading && !s.data && <Loading />}
        {s.data && items.length === 0 && <p>{t('suggestions.none')}</p>}
        {items.length > 0 && (
          <ol class="suggestions">
            {items.map((x, i) => {
              const name = x.institutionName ? shortName({ name: x.institutionName, acronym: acronymOf(x.institutionId) }) : x.institutionId;
              return (
                <li key={x.institutionId} data-confidence={x.confidence}>
                  <strong>{t('suggestions.wentName', { n: x.similarCases, of: x.ofSimilar, name: x.institutionName ?? x.institutionId })}</strong>{' '}
                  <span class={`badge badge-${x.confidence === 'strong' ? 'ok' : x.confidence === 'moderate' ? 'info' : 'warn'}`}>{t(`suggestions.confidence.${x.confidence}` as MessageKey)}</span>
                  <span class="hint"> {basisText(t, x)}</span>{' '}
                  <button type="button" class="btn btn-small" disabled={!canAct || busy} onClick={() => void accept(x)}
                    aria-label={t('suggestions.acceptName', { name: x.institutionName ?? x.institutionId, institutionId: x.institutionId })}>
                    {t('suggestions.acceptTo', { name })} <kbd>{i + 1}</kbd>
                  </button>
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </section>
  );
}

/** The acronym part of a French institution id ("FR:CPAM069" → "CPAM"), for the short name on the button. */
function acronymOf(id: string): string {
  return (/^FR:([A-Z]+)/.exec(id)?.[1]) ?? '';
}

/** A link to the rules page's proposal for a case an operator decided (supervisors publish it there). */
export function MakeRuleLink({ caseId, decidedByOperator }: { caseId: string; decidedByOperator: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  if (!decidedByOperator || !session.has('operator')) return null;
  return <p><Link to={`/rules?propose=${encodeURIComponent(caseId)}`} class="btn">{t('suggestions.makeRule')}</Link></p>;
}
