/** The problems (`details[]`) of a service error, each at its path, in the console's language (i18n/problems.ts). */
import { useI18n } from '../i18n/i18n';
import { problemText, type Problem } from '../i18n/problems';

/**
 * A problem without code (stored before problems had codes, or from a check that has none yet) has only the
 * service's English sentence: shown in English, and in French only when nothing else says what is wrong
 * (`uncoded`), marked as English.
 */
export function ProblemText({ problem, uncoded = false }: { problem: Problem; uncoded?: boolean }) {
  const { t, locale } = useI18n();
  const own = problemText(t, problem);
  if (own !== undefined) return <span>{own}</span>;
  return locale === 'en' || uncoded ? <span lang="en">{problem.message}</span> : null;
}

export function ProblemList({ problems, uncoded = false, class: className }: { problems: Problem[]; uncoded?: boolean; class?: string }) {
  if (problems.length === 0) return null;
  return (
    <ul class={className}>
      {problems.map((d, i) => <li key={`${d.path}|${i}`}><code>{d.path}</code> <ProblemText problem={d} uncoded={uncoded} /></li>)}
    </ul>
  );
}
