/**
 * The service's problems with a rule, in the console's languages (issue #20): each detail carries a stable code and
 * its values (`RULE_UNKNOWN_FACT` {value}); the sentence comes from the catalogue (`ruleProblem.<code>`). A detail
 * without a code the console knows (a newer service) shows the service's English message. Each problem says where it
 * is (the condition, the decision, the id) and, in the form, sits next to that field.
 */
import type { ErrorDetail } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n/i18n';

export type Problem = ErrorDetail;

/** The sentence of one problem in the page's language. */
export function useProblemText(): (p: Problem) => string {
  const { t } = useI18n();
  return (p) => {
    if (!p.code) return p.message;
    const key = `ruleProblem.${p.code}` as MessageKey;
    const text = t(key, p.params ?? {});
    return text === key ? p.message : text;
  };
}

/** Where a problem is, in words: "Condition 2", "Décision", "Identifiant"; the path itself otherwise. */
export function useProblemPlace(): (path: string) => string {
  const { t } = useI18n();
  return (path) => {
    const condition = /^\/when\/(\d+)/.exec(path);
    if (condition) return t('ruleForm.conditionN', { n: Number(condition[1]) + 1 });
    const field = /^\/(id|description|then|validFrom|validTo|shadowUntil|when)(\/|$)/.exec(path)?.[1];
    return field ? t(`ruleForm.place.${field}` as MessageKey) : path;
  };
}

/** The problems of one field, next to it (announced when they appear). */
export function FieldProblems({ id, problems }: { id: string; problems: Problem[] }) {
  const text = useProblemText();
  if (problems.length === 0) return null;
  return (
    <div class="field-problem" id={id} role="alert">
      <ul>{problems.map((p) => <li key={p.path + p.message}>{text(p)}</li>)}</ul>
    </div>
  );
}

/** Every problem of a rule, each with its place, under the rule's row. */
export function RuleProblemList({ problems }: { problems: Problem[] }) {
  const { t } = useI18n();
  const text = useProblemText();
  const place = useProblemPlace();
  return (
    <ul class="error-details">
      {problems.map((p) => <li key={p.path + p.message}>{t('ruleForm.problemAt', { place: place(p.path), text: text(p) })} <code>{p.path}</code></li>)}
    </ul>
  );
}
