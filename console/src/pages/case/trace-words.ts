/**
 * Routing decisions and traces in the console's language (issue #20). The service keeps its English sentences
 * (`explanation`, `failed`, `skipped`) for machines and adds codes with parameters (`detail` on a trace step; the
 * outcome, rule, institution and reason on a decision); in French the console words those itself.
 */
import type { Schemas } from '../../api/client';
import { actorName } from '../../codes';
import type { Locale, Translate } from '../../i18n/i18n';
import { reasonLabel } from '../queue/queue-filters';

type Step = Schemas['TraceStep'];
type Decision = Schemas['CaseView']['decisions'][number];

const FACTS_FR: Record<string, string> = {
  bucType: 'le type de BUC', sector: 'le secteur', sedType: 'le type de SED', senderCountry: 'le pays d’envoi', caseRoute: 'le transfert antérieur du dossier',
  frenchPin: 'le NIR', 'person.birthDate': 'la date de naissance', 'person.sex': 'le sexe', 'residence.country': 'le pays de résidence',
  'residence.postalCode': 'le code postal', 'residence.departement': 'le département de résidence', nirValid: 'la validité du NIR',
  nirMatchesBirth: 'la cohérence NIR / naissance', person: 'la personne', residence: 'la résidence', frenchRefs: 'les références françaises',
  anyOf: 'aucune des alternatives',
};
const FUNDS_FR: Record<string, string> = { pensionFund: 'caisse de retraite', sicknessFund: 'caisse d’assurance maladie', familyFund: 'caisse d’allocations familiales' };

const WHY_FR: Record<string, (p: Record<string, string | number>) => string> = {
  'rule.disabled': () => 'désactivée',
  'rule.noDate': () => 'impossible de dire si elle est en vigueur : la date de réception légale est invalide',
  'rule.notYetInForce': (p) => `pas encore en vigueur le ${p.date} (à partir du ${p.since})`,
  'rule.noLongerInForce': (p) => `plus en vigueur le ${p.date} (jusqu’au ${p.until})`,
  'condition.failed': (p) => `condition non remplie sur ${FACTS_FR[String(p.fact)] ?? p.fact}`,
  'target.noDate': (p) => `impossible de vérifier ${p.institutionId} : date de réception légale invalide`,
  'target.invalid': (p) => `${p.institutionId} n’est pas valide le ${p.date}`,
  'target.noDepartement': () => 'département de résidence inconnu',
  'target.noTerritory': (p) => `le département ${p.departement} n’est pas dans la table des territoires`,
  'target.noFund': (p) => `le département ${p.departement} n’a pas de ${FUNDS_FR[String(p.fund)] ?? p.fund} unique`,
  'target.noReference': (p) => `aucune référence française${p.networks ? ` dans ${p.networks}` : ''} vers laquelle transférer`,
  'target.ambiguousReference': (p) => `${p.n} références françaises${p.networks ? ` dans ${p.networks}` : ''} (${p.institutionIds}) : ambiguë, la règle ne choisit pas`,
  'target.noCaseRoute': () => 'le dossier n’a pas de transfert antérieur',
};

/** Why a rule did not decide, in the console's language (the service's English without a known code). */
export function stepWhy(locale: Locale, s: Step): string {
  const english = s.skipped ?? s.failed ?? '';
  if (locale !== 'fr' || !s.detail) return english;
  const words = WHY_FR[s.detail.code];
  return words ? words(s.detail.params) : english;
}

/** The decision in one sentence: the service's English, or its French from the decision's own fields. */
export function decisionSentence(t: Translate, locale: Locale, d: Decision): string {
  if (locale !== 'fr') return d.explanation;
  const by = actorName(d.decidedBy);
  const manual = d.ruleId === 'MANUAL';
  if (d.outcome === 'forward') return manual ? `Transféré à ${d.institutionId ?? '—'} par ${by} depuis le tri.` : `Transfert à ${d.institutionId ?? '—'} selon la règle ${d.ruleId ?? '—'}.`;
  if (d.outcome === 'return') return `Renvoyé par ${by}${d.note ? ` : ${d.note}` : ''}.`;
  const reason = d.reason ? reasonLabel(t, d.reason) : '—';
  return d.ruleId ? `Mis en tri (${reason}) selon la règle ${d.ruleId}.` : `Aucune règle ne décide : mis en tri (${reason}).`;
}
