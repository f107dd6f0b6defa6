/**
 * One condition of the rule form: the fact (from the service's list), its operator, its value (a multi-select for
 * an enumeration, yes/no, text for free values, a count), a remove button, and the service's problems with it.
 */
import { useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { newCondition, operatorOf, startValue, type CountValue, type FactCondition, type FactInfo, type RuleFacts } from './condition-model';
import { FieldProblems, type Problem } from './rule-problem-text';

/** A label from the catalogue when it has one, else the code as the service names it (a newer fact or operator). */
function useLabel(): (prefix: string, code: string) => string {
  const { t } = useI18n();
  return (prefix, code) => {
    const key = `${prefix}.${code}` as MessageKey;
    const text = t(key);
    return text === key ? code : text;
  };
}

const selected = (e: Event): string[] => [...(e.currentTarget as HTMLSelectElement).selectedOptions].map((o) => o.value);
const LIST_OPERATORS = new Set(['in', 'notIn', 'anyInNetworks', 'exactlyOneInNetworks']);

/** Free values typed as a list: "DE, AT" → ["DE", "AT"]; the text stays as typed while it is edited. */
function ListText({ id, value, onChange, describedBy }: { id: string; value: string[]; onChange: (v: string[]) => void; describedBy?: string }) {
  const [text, setText] = useState(value.join(', '));
  return (
    <input id={id} value={text} aria-describedby={describedBy} autocomplete="off"
      onInput={(e) => { const v = e.currentTarget.value; setText(v); onChange(v.split(',').map((s) => s.trim()).filter(Boolean)); }} />
  );
}

function CountField({ id, value, onChange }: { id: string; value: CountValue; onChange: (v: CountValue) => void }) {
  const { t } = useI18n();
  const set = (k: 'min' | 'max', raw: string) => {
    const { [k]: _old, ...rest } = value;
    onChange(raw === '' ? rest : { ...rest, [k]: Number(raw) });
  };
  return (
    <span class="inline-form">
      <label for={id}>{t('ruleForm.countMin')}</label>
      <input id={id} type="number" min={0} value={value.min ?? ''} onInput={(e) => set('min', e.currentTarget.value)} />
      <label for={`${id}-max`}>{t('ruleForm.countMax')}</label>
      <input id={`${id}-max`} type="number" min={0} value={value.max ?? ''} onInput={(e) => set('max', e.currentTarget.value)} />
    </span>
  );
}

// long-function: one switch over the value widgets, each a line or two.
function ValueField({ id, fact, operator, value, onChange, describedBy }: {
  id: string; fact: FactInfo; operator: string; value: unknown; onChange: (v: unknown) => void; describedBy?: string;
}) {
  const { t } = useI18n();
  const label = useLabel();
  const values = fact.values ?? [];
  if (operator === 'count') return <CountField id={id} value={(value ?? {}) as CountValue} onChange={onChange} />;
  const common = { id, 'aria-describedby': describedBy };
  if (operator === 'exists' || operator === 'known' || fact.kind === 'boolean') {
    const yes = operator === 'exists' ? 'ruleForm.present' : operator === 'known' ? 'ruleForm.known' : 'ruleForm.true';
    const no = operator === 'exists' ? 'ruleForm.absent' : operator === 'known' ? 'ruleForm.unknown' : 'ruleForm.false';
    return (
      <select {...common} value={String(value === true)} onChange={(e) => onChange(e.currentTarget.value === 'true')}>
        <option value="true">{t(yes)}</option><option value="false">{t(no)}</option>
      </select>
    );
  }
  const listed = fact.valueSource === 'list' && values.length > 0;
  if (LIST_OPERATORS.has(operator)) {
    const list = Array.isArray(value) ? (value as string[]) : [];
    if (!listed) return <ListText id={id} describedBy={describedBy} value={list} onChange={onChange} />;
    const shown = [...values, ...list.filter((v) => !values.includes(v))];
    return (
      <select {...common} multiple size={Math.min(6, shown.length)} onChange={(e) => onChange(selected(e))}>
        {shown.map((v) => <option key={v} value={v} selected={list.includes(v)}>{label(`ruleValue.${fact.name}`, v)}</option>)}
      </select>
    );
  }
  const text = typeof value === 'string' ? value : '';
  if (!listed) return <input {...common} value={text} autocomplete="off" onInput={(e) => onChange(e.currentTarget.value)} />;
  return (
    <select {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)}>
      {!values.includes(text) && <option value={text}>{text || t('ruleForm.choose')}</option>}
      {values.map((v) => <option key={v} value={v}>{label(`ruleValue.${fact.name}`, v)}</option>)}
    </select>
  );
}

// long-function: the three fields of a condition and its remove button, laid out together.
export function ConditionRow({ id, index, condition, facts, problems, onChange, onRemove }: {
  id: string; index: number; condition: FactCondition; facts: RuleFacts; problems: Problem[];
  onChange: (c: FactCondition) => void; onRemove: () => void;
}) {
  const { t } = useI18n();
  const label = useLabel();
  const fact = facts.facts.find((f) => f.name === condition.fact)!;
  const operator = operatorOf(condition)!;
  const problemsId = problems.length > 0 ? `${id}-problems` : undefined;
  const n = index + 1;
  return (
    <fieldset class="condition-row" aria-invalid={problems.length > 0 ? true : undefined}>
      <legend>{t('ruleForm.conditionN', { n })}</legend>
      <div class="inline-form">
        <div class="field"><label for={`${id}-fact`}>{t('ruleForm.fact')}</label>
          <select id={`${id}-fact`} value={fact.name} aria-describedby={problemsId}
            onChange={(e) => onChange(newCondition(facts.facts.find((f) => f.name === e.currentTarget.value)!))}>
            {facts.facts.map((f) => <option key={f.name} value={f.name}>{label('ruleFact', f.name)}</option>)}
          </select></div>
        <div class="field"><label for={`${id}-op`}>{t('ruleForm.operator')}</label>
          <select id={`${id}-op`} value={operator} onChange={(e) => onChange({ fact: fact.name, [e.currentTarget.value]: startValue(fact, e.currentTarget.value) })}>
            {fact.operators.map((o) => <option key={o} value={o}>{label('ruleOp', o)}</option>)}
          </select></div>
        <div class="field"><label for={`${id}-value`}>{t('ruleForm.value')}</label>
          <ValueField key={`${fact.name}-${operator}`} id={`${id}-value`} fact={fact} operator={operator} value={condition[operator]} describedBy={problemsId}
            onChange={(v) => onChange({ fact: fact.name, [operator]: v })} /></div>
        <button type="button" class="btn btn-small btn-danger" onClick={onRemove} aria-label={t('ruleForm.removeN', { n })}>{t('ruleForm.remove')}</button>
      </div>
      {fact.personal && <p class="hint">{t('ruleForm.personal')}</p>}
      <FieldProblems id={`${id}-problems`} problems={problems} />
    </fieldset>
  );
}
