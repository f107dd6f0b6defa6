/**
 * The rule editor of the rules pages: one rule as JSON (conditions under `when`, the target under `then`, as
 * schemas/rule-table.schema.json says), used by "make this a rule" and by the draft editor. It only reads the
 * JSON; the service judges the rule when the draft is simulated or published and says where it is wrong.
 */
import { useI18n } from '../../i18n/i18n';
import type { Schemas } from '../../api/client';

type Rule = Schemas['rule'];

/** The rule in the text, or what keeps it from being one (a message for the person typing). */
export function parseRule(text: string): { rule: Rule } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { problem: 'not an object' };
  return { rule: value as Rule };
}

export function RuleJsonField({ id, value, onInput, problem, label, rows = 16 }: {
  id: string; value: string; onInput: (text: string) => void; problem?: string; label?: string; rows?: number;
}) {
  const { t } = useI18n();
  return (
    <div class="field">
      <label for={id}>{label ?? t('rules.ruleJson')}</label>
      <textarea id={id} rows={rows} class="code" spellcheck={false} value={value} onInput={(e) => onInput(e.currentTarget.value)}
        aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-problem` : undefined} />
      {problem && <p class="field-problem" id={`${id}-problem`} role="alert">{t('rules.jsonInvalid', { message: problem })}</p>}
    </div>
  );
}
