/**
 * The decision of the rule form: triage with a reason, or forward to an institution (the case page's institution
 * picker), to the département's fund, to the SED's single French reference (in some networks), or along the case's
 * route. The reasons, funds and networks are those the service lists (GET /api/rules/facts).
 */
import { useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { deskDate, InstitutionPicker, type Choice } from '../case/institution-picker';
import type { RuleFacts } from './condition-model';
import type { Rule } from './draft-store';
import { FieldProblems, type Problem } from './rule-problem-text';

type Then = Rule['then'];
const KINDS = ['triage', 'institutionId', 'territoryFund', 'reference', 'caseRoute'] as const;
type Kind = (typeof KINDS)[number];

function kindOf(then: Then): Kind {
  if (then.triage) return 'triage';
  const f = then.forward ?? {};
  return (KINDS.find((k) => k !== 'triage' && k in f) ?? 'triage');
}

function startOf(kind: Kind, facts: RuleFacts): Then {
  switch (kind) {
    case 'triage': return { triage: { reason: facts.triageReasons[0] ?? 'NO_RULE' } };
    case 'institutionId': return { forward: { institutionId: '' } };
    case 'territoryFund': return { forward: { territoryFund: facts.territoryFunds[0] ?? 'pensionFund' } };
    case 'reference': return { forward: { reference: {} } };
    default: return { forward: { caseRoute: true } };
  }
}

/** The institution of a forward, with a button that opens the picker (one picker on the page at a time). */
function InstitutionField({ id, value, validAt, onChange }: { id: string; value: string; validAt: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<Choice | null>(null);
  return (
    <div class="field">
      <p id={`${id}-current`}>{value ? t('ruleForm.institutionIs', { id: value }) : t('ruleForm.institutionNone')}</p>
      {!open && <button type="button" class="btn btn-small" aria-describedby={`${id}-current`} onClick={() => setOpen(true)}>{t('ruleForm.chooseInstitution')}</button>}
      {open && (
        <>
          <InstitutionPicker validAt={validAt} value={choice} onChange={(c) => { setChoice(c); if (c) onChange(c.id); }} />
          <button type="button" class="btn btn-small" onClick={() => setOpen(false)}>{t('ruleForm.closePicker')}</button>
        </>
      )}
    </div>
  );
}

// long-function: the decision's kind and the one field each kind needs, side by side.
export function RuleTargetField({ id, rule, facts, problems, onChange }: { id: string; rule: Rule; facts: RuleFacts; problems: Problem[]; onChange: (then: Then) => void }) {
  const { t } = useI18n();
  const then = rule.then;
  const kind = kindOf(then);
  const f = then.forward ?? {};
  const reasons = [...new Set([...facts.triageReasons, ...(then.triage ? [then.triage.reason] : [])])];
  const networks = f.reference?.networks ?? [];
  return (
    <fieldset class="rule-target" aria-invalid={problems.length > 0 ? true : undefined}>
      <legend>{t('ruleForm.place.then')}</legend>
      <div class="field"><label for={`${id}-kind`}>{t('ruleForm.targetKind')}</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => onChange(startOf(e.currentTarget.value as Kind, facts))}>
          {KINDS.map((k) => <option key={k} value={k}>{t(`ruleForm.target.${k}` as MessageKey)}</option>)}
        </select></div>
      {then.triage && (
        <div class="field"><label for={`${id}-reason`}>{t('ruleForm.reason')}</label>
          <select id={`${id}-reason`} value={then.triage.reason} onChange={(e) => onChange({ triage: { reason: e.currentTarget.value } })}>
            {reasons.map((r) => <option key={r} value={r}>{r}</option>)}
          </select></div>
      )}
      {kind === 'institutionId' && <InstitutionField id={`${id}-institution`} value={f.institutionId ?? ''} validAt={rule.validFrom ?? deskDate(new Date().toISOString())}
        onChange={(institutionId) => onChange({ forward: { institutionId } })} />}
      {kind === 'territoryFund' && (
        <div class="field"><label for={`${id}-fund`}>{t('ruleForm.fund')}</label>
          <select id={`${id}-fund`} value={f.territoryFund} onChange={(e) => onChange({ forward: { territoryFund: e.currentTarget.value as 'pensionFund' } })}>
            {facts.territoryFunds.map((x) => <option key={x} value={x}>{t(`ruleForm.fund.${x}` as MessageKey)}</option>)}
          </select></div>
      )}
      {kind === 'reference' && (
        <div class="field"><label for={`${id}-networks`}>{t('ruleForm.networks')}</label>
          <select id={`${id}-networks`} multiple size={Math.min(6, facts.networks.length)}
            onChange={(e) => { const v = [...e.currentTarget.selectedOptions].map((o) => o.value); onChange({ forward: { reference: v.length ? { networks: v } : {} } }); }}>
            {facts.networks.map((n) => <option key={n} value={n} selected={networks.includes(n)}>{n}</option>)}
          </select></div>
      )}
      <FieldProblems id={`${id}-problems`} problems={problems} />
    </fieldset>
  );
}
