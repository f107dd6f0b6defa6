/**
 * Turns a rule's `then` into a decision. A forward target must name an institution that is in the directory and
 * valid at legalDeliveryAt; when it cannot (no département, no fund for it, an ambiguous reference, an
 * institution not yet valid) the rule does not match and the next rule is tried: the trace says why.
 *
 * A `reference` target forwards to the SED's French reference in the given networks. When several references
 * qualify, the rule does not decide (the SED names several competent-looking bodies and guessing one would send
 * personal data to the wrong fund): later rules (residence, ANY-AMBIGUOUS) take over.
 */
import { refsInNetworks } from './conditions';
import type { Directory } from './directory';
import type { RoutingFacts } from './facts';
import type { ForwardTarget, RuleTarget } from './rule-table';

export type TargetResult =
  | { ok: true; outcome: 'forward'; institutionId: string; explanation: string }
  | { ok: true; outcome: 'triage'; reason: string; explanation: string }
  | { ok: false; why: string; detail: TraceDetail };

/** Why, as a stable code and its parameters (the console words it in its language; `why` stays the English). */
export interface TraceDetail {
  code: string;
  params: Record<string, string | number>;
}

const no = (why: string, code: string, params: Record<string, string | number> = {}): TargetResult => ({ ok: false, why, detail: { code, params } });

function validTarget(id: string, how: string, facts: RoutingFacts, directory: Directory): TargetResult {
  const date = facts.legalDeliveryDate;
  if (date === null) return no(`cannot check ${id}: legalDeliveryAt is not a valid time`, 'target.noDate', { institutionId: id });
  const check = directory.validityAt(id, date);
  if (!check.valid) return no(`target ${check.why}`, 'target.invalid', { institutionId: id, date });
  return { ok: true, outcome: 'forward', institutionId: id, explanation: `forward to ${id}${how}` };
}

function territoryTarget(fund: 'pensionFund' | 'sicknessFund' | 'familyFund', facts: RoutingFacts, directory: Directory): TargetResult {
  const departement = facts.residence?.departement ?? null;
  if (departement === null) return no('no known département of residence for the territory fund', 'target.noDepartement', { fund });
  const territory = directory.territory(departement);
  if (territory === undefined) return no(`département ${departement} is not in the territories table`, 'target.noTerritory', { departement });
  const id = territory[fund];
  if (id === null) {
    const note = territory.note ? ` (${territory.note})` : '';
    return no(`département ${departement} has no ${fund}${note}`, 'target.noFund', { departement, fund });
  }
  return validTarget(id, ` (${fund} of département ${departement})`, facts, directory);
}

function referenceTarget(networks: string[] | undefined, facts: RoutingFacts, directory: Directory): TargetResult {
  const candidates = refsInNetworks(facts.frenchRefs, networks);
  const where = networks === undefined ? '' : ` in ${networks.join('/')}`;
  const nets = networks?.join('/') ?? '';
  if (candidates.length === 0) return no(`no French reference${where} to forward to`, 'target.noReference', { networks: nets });
  if (candidates.length > 1) {
    const ids = candidates.map((r) => r.institutionId).join(', ');
    return no(`${candidates.length} French references${where} (${ids}): ambiguous, the rule does not choose`, 'target.ambiguousReference', { n: candidates.length, networks: nets, institutionIds: ids });
  }
  return validTarget(candidates[0].institutionId, ` (the SED's French reference${where})`, facts, directory);
}

function forwardTarget(target: ForwardTarget, facts: RoutingFacts, directory: Directory): TargetResult {
  if ('institutionId' in target) return validTarget(target.institutionId, '', facts, directory);
  if ('territoryFund' in target) return territoryTarget(target.territoryFund, facts, directory);
  if ('reference' in target) return referenceTarget(target.reference.networks, facts, directory);
  if (facts.caseRoute === null) return no('the case has no earlier forward', 'target.noCaseRoute');
  return validTarget(facts.caseRoute, ' (where this case was forwarded before)', facts, directory);
}

export function resolveTarget(then: RuleTarget, facts: RoutingFacts, directory: Directory): TargetResult {
  if ('triage' in then) return { ok: true, outcome: 'triage', reason: then.triage.reason, explanation: `triage ${then.triage.reason}` };
  return forwardTarget(then.forward, facts, directory);
}
