/**
 * One rule edited as a form (issue #20): its id and description, its conditions (add, remove, a fact from the
 * service's list, its operator and values), its decision; "Modifier en JSON" switches to the JSON of the same rule
 * and back (a JSON the form cannot show says so and stays JSON). The service's problems sit next to their field.
 * Used by the draft editor (a rule of the draft, a new rule).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { ErrorNotice, Loading, Notice } from '../../components/status';
import { useResource } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { ConditionRow } from './condition-row';
import { conditionsOf, formCannotShow, newCondition, problemsUnder, withConditions, type FactCondition, type RuleFacts } from './condition-model';
import type { Rule } from './draft-store';
import { FieldProblems, type Problem } from './rule-problem-text';
import { parseRule, RuleJsonField } from './rule-json-field';
import { RuleTargetField } from './rule-target-field';

/** The facts catalogue of the service, loaded once per editor. */
export const useRuleFacts = () => useResource(() => ok(api.GET('/api/rules/facts')), []);

export interface RuleEditorProps {
  id: string;
  rule: Rule;
  problems?: Problem[];
  /** Called on every edit (a simulation shown beside the editor no longer holds). */
  onEdit?: () => void;
  /** The label of the JSON field, when not the default one. */
  jsonLabel?: string;
  /** The editor's buttons (apply and cancel, or add), at its foot. */
  children: ComponentChildren;
  /** Called with the rule as it stands whenever the person submits (the form element is the caller's). */
  bind: (current: () => { rule: Rule } | { problem: string }) => void;
}

export function RuleEditor(props: RuleEditorProps) {
  const facts = useRuleFacts();
  if (facts.error !== undefined) return <><ErrorNotice error={facts.error} /><JsonOnly {...props} /></>;
  if (!facts.data) return <Loading />;
  return <RuleFormOrJson {...props} facts={facts.data} />;
}

/** Without the facts catalogue the rule can still be edited as JSON. */
function JsonOnly({ id, rule, bind, children, jsonLabel, onEdit }: RuleEditorProps) {
  const [text, setText] = useState(() => JSON.stringify(rule, null, 2));
  bind(() => parseRule(text));
  return <><RuleJsonField id={`${id}-json`} label={jsonLabel} value={text} onInput={(v) => { setText(v); onEdit?.(); }} rows={12} />{children}</>;
}

// long-function: the editor's two modes and the switch between them read best together.
function RuleFormOrJson({ id, rule, problems, bind, children, facts, jsonLabel, onEdit }: RuleEditorProps & { facts: RuleFacts }) {
  const { t } = useI18n();
  const [value, setValue] = useState(rule);
  const [json, setJson] = useState<string | null>(() => (formCannotShow(rule, facts) ? JSON.stringify(rule, null, 2) : null));
  const [jsonProblem, setJsonProblem] = useState<string>();
  const [stuck, setStuck] = useState(() => formCannotShow(rule, facts));
  bind(() => (json === null ? { rule: value } : parseRule(json)));
  const toForm = () => {
    const parsed = parseRule(json ?? '');
    if ('problem' in parsed) { setJsonProblem(parsed.problem); return; }
    const why = formCannotShow(parsed.rule, facts);
    setStuck(why);
    if (why === null) { setValue(parsed.rule); setJson(null); }
  };
  return (
    <>
      <div class="actions-row">
        {json === null
          ? <button type="button" class="btn btn-small" onClick={() => { setJson(JSON.stringify(value, null, 2)); setStuck(null); }}>{t('ruleForm.toJson')}</button>
          : <button type="button" class="btn btn-small" onClick={toForm}>{t('ruleForm.toForm')}</button>}
      </div>
      {stuck && <Notice kind="warning">{t(`ruleForm.stuck.${stuck}` as MessageKey)}</Notice>}
      {json !== null
        ? <><RuleJsonField id={`${id}-json`} label={jsonLabel} value={json} onInput={(v) => { setJson(v); setJsonProblem(undefined); onEdit?.(); }} problem={jsonProblem} rows={12} />
          <FieldProblems id={`${id}-json-problems`} problems={problems ?? []} /></>
        : <RuleFields id={id} rule={value} facts={facts} problems={problems ?? []} onChange={(r) => { setValue(r); onEdit?.(); }} />}
      {children}
    </>
  );
}

// long-function: the rule's fields in their order (id, description, conditions, decision).
function RuleFields({ id, rule, facts, problems, onChange }: { id: string; rule: Rule; facts: RuleFacts; problems: Problem[]; onChange: (r: Rule) => void }) {
  const { t } = useI18n();
  const conditions = conditionsOf(rule);
  // Rows keep a key of their own, so that removing one does not hand its neighbour's typed text to another.
  const [keys, setKeys] = useState(() => conditions.map((_, i) => i));
  const nextKey = useRef(conditions.length);
  const focusAfter = useRef<string | null>(null);
  useEffect(() => {
    if (focusAfter.current) document.getElementById(focusAfter.current)?.focus();
    focusAfter.current = null;
  });
  const setConditions = (when: FactCondition[]) => onChange(withConditions(rule, when));
  const add = () => {
    setKeys([...keys, nextKey.current++]);
    setConditions([...conditions, newCondition(facts.facts[0]!)]);
    focusAfter.current = `${id}-c${conditions.length}-fact`;
  };
  const remove = (i: number) => {
    setKeys(keys.filter((_, j) => j !== i));
    setConditions(conditions.filter((_, j) => j !== i));
    focusAfter.current = i < conditions.length - 1 ? `${id}-c${i}-fact` : `${id}-add`;
  };
  const field = (name: 'id' | 'description', required: boolean) => (
    <div class="field"><label for={`${id}-${name}`}>{t(`ruleForm.place.${name}`)}</label>
      <input id={`${id}-${name}`} value={rule[name] ?? ''} required={required} autocomplete="off"
        aria-describedby={problemsUnder(problems, `/${name}`).length > 0 ? `${id}-${name}-problems` : undefined}
        onInput={(e) => onChange({ ...rule, [name]: e.currentTarget.value })} />
      <FieldProblems id={`${id}-${name}-problems`} problems={problemsUnder(problems, `/${name}`)} /></div>
  );
  return (
    <div class="rule-form">
      <div class="inline-form">{field('id', true)}{field('description', false)}</div>
      <fieldset class="rule-conditions">
        <legend>{t('ruleForm.place.when')}</legend>
        {conditions.length === 0 && <p class="hint">{t('ruleForm.noCondition')}</p>}
        {conditions.map((c, i) => (
          <ConditionRow key={keys[i] ?? `x${i}`} id={`${id}-c${i}`} index={i} condition={c} facts={facts} problems={problemsUnder(problems, `/when/${i}`)}
            onChange={(next) => setConditions(conditions.map((x, j) => (j === i ? next : x)))} onRemove={() => remove(i)} />
        ))}
        <FieldProblems id={`${id}-when-problems`} problems={problems.filter((p) => p.path === '/when')} />
        <button type="button" id={`${id}-add`} class="btn btn-small" onClick={add}>{t('ruleForm.addCondition')}</button>
      </fieldset>
      <RuleTargetField id={`${id}-then`} rule={rule} facts={facts} problems={problemsUnder(problems, '/then')} onChange={(then) => onChange({ ...rule, then })} />
    </div>
  );
}
