/**
 * The rule evaluator: pure, no I/O, no clock. Rules are tried in table order and the first one whose conditions
 * all hold and whose target resolves decides. The trace lists every rule tried with why it did not decide.
 *
 * Effective dates (a rule's validFrom/validTo, an institution's validity) are calendar dates judged on the
 * Europe/Paris calendar date of legalDeliveryAt, both ends inclusive: "validTo 2024-12-31" still applies to a
 * SED delivered at 23:59 Paris time on 31 December, and a rule "since 2024-10-01" applies to one delivered at
 * 23:30 UTC on 30 September (already 1 October in Paris). Processing time never matters.
 *
 * The decision is built from the deciding trace step and nothing else, so the decision and its explanation can
 * never disagree (NAV once logged a reason that contradicted the unit it returned).
 */
import type { Envelope } from '../intake/envelope';
import { failedCondition, heldCondition } from './conditions';
import type { Directory } from './directory';
import { extractFacts, type RoutingFacts } from './facts';
import type { Rule, RuleTable } from './rule-table';
import { resolveTarget, type TraceDetail } from './targets';

export type Outcome = 'forward' | 'triage';

export interface TraceStep {
  ruleId: string;
  matched: boolean;
  /** The first condition that failed, or why the target could not be used, in words. */
  failed?: string;
  /** Why the rule was not tried at all (disabled, not in force at legalDeliveryAt). */
  skipped?: string;
  /** A rule in shadow (`shadowUntil`) that would have decided: what it would have done. It decided nothing. */
  shadow?: { outcome: Outcome; institutionId?: string; reason?: string };
  /** On the deciding step only. */
  outcome?: Outcome;
  institutionId?: string;
  reason?: string;
  explanation?: string;
  /** `failed` / `skipped` as a stable code and parameters, for the console's languages (issue #20). */
  detail?: TraceDetail;
}

export interface Decision {
  outcome: Outcome;
  /** The target institution when outcome is forward, else null. */
  institutionId: string | null;
  /** The triage reason code when outcome is triage, else null. */
  reason: string | null;
  /** The deciding rule; null only when a (draft) table has no rule that matches, e.g. no FALLBACK. */
  ruleId: string | null;
  /** One sentence: what was decided and why (sent with forwards, shown to operators). */
  explanation: string;
  trace: TraceStep[];
}

/** The triage reason when no rule decides (a table without a catch-all rule). */
export const NO_RULE_REASON = 'NO_RULE';

function notInForce(rule: Rule, date: string | null): { why: string; detail: TraceDetail } | null {
  const out = (why: string, code: string, params: Record<string, string> = {}) => ({ why, detail: { code, params } });
  if (rule.enabled === false) return out('disabled', 'rule.disabled');
  if (rule.validFrom === undefined && rule.validTo === undefined) return null;
  if (date === null) return out('cannot tell whether it is in force: legalDeliveryAt is not a valid time', 'rule.noDate');
  if (rule.validFrom !== undefined && date < rule.validFrom) return out(`not yet in force at ${date} (since ${rule.validFrom})`, 'rule.notYetInForce', { date, since: rule.validFrom });
  if (rule.validTo !== undefined && date > rule.validTo) return out(`no longer in force at ${date} (until ${rule.validTo})`, 'rule.noLongerInForce', { date, until: rule.validTo });
  return null;
}

/** A rule in shadow is tried as if live, then recorded as skipped, with what it would have decided. */
function inShadow(rule: Rule, facts: RoutingFacts, directory: Directory): TraceStep | null {
  const date = facts.legalDeliveryDate;
  if (rule.shadowUntil === undefined || (date !== null && date > rule.shadowUntil)) return null;
  const live = tryRule({ ...rule, shadowUntil: undefined }, facts, directory);
  const skipped = `in shadow until ${rule.shadowUntil}`;
  if (!live.matched) return { ruleId: rule.id, matched: false, skipped, ...(live.failed !== undefined && { failed: live.failed }) };
  const shadow = live.outcome === 'forward' ? { outcome: live.outcome, institutionId: live.institutionId } : { outcome: 'triage' as const, reason: live.reason };
  return { ruleId: rule.id, matched: false, skipped: `${skipped}: would have decided ${live.outcome === 'forward' ? `forward to ${live.institutionId}` : `triage ${live.reason}`}`, shadow };
}

function tryRule(rule: Rule, facts: RoutingFacts, directory: Directory): TraceStep {
  const skipped = notInForce(rule, facts.legalDeliveryDate);
  if (skipped !== null) return { ruleId: rule.id, matched: false, skipped: skipped.why, detail: skipped.detail };
  const shadow = inShadow(rule, facts, directory);
  if (shadow !== null) return shadow;
  for (const condition of rule.when) {
    const failed = failedCondition(condition, facts);
    if (failed !== null) {
      const fact = 'anyOf' in condition ? 'anyOf' : condition.fact;
      return { ruleId: rule.id, matched: false, failed, detail: { code: 'condition.failed', params: { fact } } };
    }
  }
  const target = resolveTarget(rule.then, facts, directory);
  if (!target.ok) return { ruleId: rule.id, matched: false, failed: target.why, detail: target.detail };
  const because = rule.when.length === 0 ? '' : `, because ${rule.when.map((c) => heldCondition(c, facts)).join(' and ')}`;
  const explanation = `${rule.id}: ${target.explanation}${because}`;
  return target.outcome === 'forward'
    ? { ruleId: rule.id, matched: true, outcome: 'forward', institutionId: target.institutionId, explanation }
    : { ruleId: rule.id, matched: true, outcome: 'triage', reason: target.reason, explanation };
}

/** The decision for these facts under this table and directory. Never throws for any facts. */
export function evaluate(facts: RoutingFacts, ruleTable: RuleTable, directory: Directory): Decision {
  const trace: TraceStep[] = [];
  for (const rule of ruleTable.rules) {
    const step = tryRule(rule, facts, directory);
    trace.push(step);
    if (step.matched) {
      return {
        outcome: step.outcome as Outcome,
        institutionId: step.institutionId ?? null,
        reason: step.reason ?? null,
        ruleId: step.ruleId,
        explanation: step.explanation as string,
        trace,
      };
    }
  }
  return { outcome: 'triage', institutionId: null, reason: NO_RULE_REASON, ruleId: null, explanation: `no rule matched: triage ${NO_RULE_REASON}`, trace };
}

export interface RouteOptions {
  ruleTable: RuleTable;
  directory: Directory;
  /** The case's current forward target (same caseId, last forwarded and not bounced), if any. */
  caseRoute?: string | null;
}

/** Facts then decision for one envelope: what the pipeline stores and `POST /api/routing/simulate` returns. */
export function routeEnvelope(envelope: Envelope, opts: RouteOptions): { facts: RoutingFacts; decision: Decision } {
  const facts = extractFacts(envelope, opts.directory, opts.caseRoute ?? null);
  return { facts, decision: evaluate(facts, opts.ruleTable, opts.directory) };
}
