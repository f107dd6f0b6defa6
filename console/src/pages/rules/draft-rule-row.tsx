/**
 * One rule of the draft: its place, id, what it decides and when it is in force, with the edits as buttons
 * (move up and down by keyboard as well as by mouse, enable or disable, dates, edit as JSON, delete) and, under
 * it, the editor opened on it and the problems the service found in it.
 */
import { useRef, useState } from 'preact/hooks';
import { Badge } from '../../components/badge';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import type { DraftEntry, Rule } from './draft-store';
import { RuleEditor } from './rule-form';
import type { parseRule } from './rule-json-field';
import { RuleProblemList, type Problem } from './rule-problem-text';

type ErrorDetail = Problem;
export type RowEditor = 'dates' | 'rule';

export interface RowActions {
  move(by: -1 | 1): void;
  toggle(): void;
  limit(validFrom: string, validTo: string): void;
  replace(rule: Rule): void;
  remove(): void;
  open(editor: RowEditor | null): void;
}

const COLUMNS = 5;

/** What a rule decides, in words (the target as the table states it; the service resolves it per SED). */
function useDecisionText(): (then: Rule['then']) => string {
  const { t } = useI18n();
  return (then) => {
    if (then.triage) return t('rulesDraft.toTriage', { reason: then.triage.reason });
    const f = then.forward;
    if (!f) return '—';
    if (f.institutionId) return t('rulesDraft.toInstitution', { id: f.institutionId });
    if (f.territoryFund) return t('rulesDraft.toFund', { fund: f.territoryFund });
    if (f.reference) {
      const networks = f.reference.networks?.join(', ');
      return networks ? t('rulesDraft.toReferenceIn', { networks }) : t('rulesDraft.toReference');
    }
    return t('rulesDraft.toCaseRoute');
  };
}

export function DraftRuleRow({ entry, position, count, change, problems, editor, actions }: {
  entry: DraftEntry; position: number; count: number; change: 'new' | 'modified' | null;
  problems?: ErrorDetail[]; editor: RowEditor | null; actions: RowActions;
}) {
  const { t } = useI18n();
  const decision = useDecisionText();
  const { key, rule } = entry;
  const off = rule.enabled === false;
  const validity = [rule.validFrom && t('rulesDraft.from', { date: rule.validFrom }), rule.validTo && t('rulesDraft.until', { date: rule.validTo })].filter(Boolean).join(', ');
  const button = (id: string, label: MessageKey, aria: MessageKey, onClick: () => void, opts: { disabled?: boolean; pressed?: boolean; danger?: boolean } = {}) => (
    <button type="button" id={`${id}-${key}`} class={`btn btn-small${opts.danger ? ' btn-danger' : ''}`} aria-label={t(aria, { id: rule.id })}
      aria-expanded={opts.pressed} disabled={opts.disabled} onClick={onClick}>{t(label)}</button>
  );
  return (
    <>
      <tr data-rule={rule.id} class={`draft-rule${off ? ' is-off' : ''}${problems ? ' has-problems' : ''}`}>
        <td class="num">{position + 1}</td>
        <td>
          <code>{rule.id}</code>{' '}
          {off && <Badge tone="muted">{t('rules.disabled')}</Badge>}{' '}
          {change === 'new' && <Badge tone="info">{t('rulesDraft.new')}</Badge>}
          {change === 'modified' && <Badge tone="warn">{t('rulesDraft.modified')}</Badge>}
          {rule.description && <div class="draft-rule-description">{rule.description}</div>}
        </td>
        <td>{decision(rule.then)}</td>
        <td>{validity || t('rulesDraft.always')}</td>
        <td><div class="draft-actions">
          {button('up', 'rulesDraft.up', 'rulesDraft.upLabel', () => actions.move(-1), { disabled: position === 0 })}
          {button('down', 'rulesDraft.down', 'rulesDraft.downLabel', () => actions.move(1), { disabled: position === count - 1 })}
          {off ? button('toggle', 'rulesDraft.enable', 'rulesDraft.enableLabel', actions.toggle) : button('toggle', 'rulesDraft.disable', 'rulesDraft.disableLabel', actions.toggle)}
          {button('dates', 'rulesDraft.dates', 'rulesDraft.datesLabel', () => actions.open(editor === 'dates' ? null : 'dates'), { pressed: editor === 'dates' })}
          {button('edit', 'rulesDraft.editRule', 'rulesDraft.editLabel', () => actions.open(editor === 'rule' ? null : 'rule'), { pressed: editor === 'rule' })}
          {button('delete', 'rulesDraft.delete', 'rulesDraft.deleteLabel', actions.remove, { danger: true })}
        </div></td>
      </tr>
      {editor && (
        <tr class="draft-editor-row"><td colSpan={COLUMNS}>
          {editor === 'dates' ? <DatesEditor rule={rule} ruleKey={key} actions={actions} /> : <FormEditor rule={rule} ruleKey={key} problems={problems} actions={actions} />}
        </td></tr>
      )}
      {problems && (
        <tr class="draft-problems-row" id={`problems-${key}`}><td colSpan={COLUMNS}>
          <div class="notice notice-error">
            <strong>{t('rulesDraft.problemsOf', { id: rule.id })}</strong>
            <RuleProblemList problems={problems} />
          </div>
        </td></tr>
      )}
    </>
  );
}

function DatesEditor({ rule, ruleKey, actions }: { rule: Rule; ruleKey: string; actions: RowActions }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(rule.validFrom ?? '');
  const [to, setTo] = useState(rule.validTo ?? '');
  return (
    <form class="draft-editor" onSubmit={(e) => { e.preventDefault(); actions.limit(from, to); }}>
      <fieldset>
        <legend>{t('rulesDraft.datesOf', { id: rule.id })}</legend>
        <p class="hint">{t('rulesDraft.datesHint')}</p>
        <div class="inline-form">
          <div class="field"><label for={`from-${ruleKey}`}>{t('rulesDraft.validFrom')}</label>
            <input type="date" id={`from-${ruleKey}`} value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></div>
          <div class="field"><label for={`to-${ruleKey}`}>{t('rulesDraft.validTo')}</label>
            <input type="date" id={`to-${ruleKey}`} value={to} onInput={(e) => setTo(e.currentTarget.value)} /></div>
        </div>
        <EditorButtons actions={actions} />
      </fieldset>
    </form>
  );
}

/** The rule as a form (JSON on demand), with the service's problems next to their fields. */
function FormEditor({ rule, ruleKey, problems, actions }: { rule: Rule; ruleKey: string; problems?: ErrorDetail[]; actions: RowActions }) {
  const { t } = useI18n();
  const current = useRef<() => ReturnType<typeof parseRule>>();
  const [problem, setProblem] = useState<string>();
  return (
    <form class="draft-editor" onSubmit={(e) => {
      e.preventDefault();
      const edited = current.current?.();
      if (edited && 'problem' in edited) setProblem(edited.problem);
      else if (edited) actions.replace(edited.rule);
    }}>
      <fieldset>
        <legend>{t('rulesDraft.editOf', { id: rule.id })}</legend>
        <RuleEditor id={`rule-${ruleKey}`} rule={rule} problems={problems} bind={(get) => { current.current = get; }}>
          {problem && <p class="field-problem" role="alert">{t('rules.jsonInvalid', { message: problem })}</p>}
          <EditorButtons actions={actions} />
        </RuleEditor>
      </fieldset>
    </form>
  );
}

/** Apply (the form's submit) and cancel, at the foot of both rule editors. */
function EditorButtons({ actions }: { actions: RowActions }) {
  const { t } = useI18n();
  return (
    <div class="actions-row">
      <button type="submit" class="btn btn-primary">{t('rulesDraft.apply')}</button>
      <button type="button" class="btn" onClick={() => actions.open(null)}>{t('app.cancel')}</button>
    </div>
  );
}
