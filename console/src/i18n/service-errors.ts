/**
 * The service's error codes (src/shared/errors.ts) in the console's languages (issue #20: French everywhere). The
 * service answers a stable code and an English `message` for machines; the console shows the sentence of its own
 * catalogue for the code, and the service's message only for a code it does not know (a newer service).
 * Field paths of `details` are shown as they are; their English explanations only in English.
 */
import type { Locale } from './i18n';

type Messages = Record<string, string>;

const fr: Messages = {
  REQ_INVALID_BODY: 'La demande est incomplète ou mal formée.',
  REQ_INVALID_QUERY: 'Un critère de recherche ou de filtre est invalide.',
  REQ_NOT_FOUND: 'Cette adresse n’existe pas dans le service.',
  AUTH_MISSING: 'Vous n’êtes pas connecté.',
  AUTH_INVALID: 'Votre session a expiré : reconnectez-vous.',
  AUTH_FORBIDDEN: 'Votre rôle ne permet pas cette action.',
  AUTH_THROTTLED: 'Trop d’échecs de connexion : réessayez plus tard.',
  AUTH_PASSWORD_CHANGE_REQUIRED: 'Vous devez d’abord changer votre mot de passe.',
  REQ_RATE_LIMITED: 'Trop de demandes en peu de temps : réessayez dans un instant.',
  ACC_ACCOUNT_NOT_FOUND: 'Aucun compte avec cet identifiant.',
  ACC_ACCOUNT_EXISTS: 'Un compte avec cet identifiant existe déjà.',
  ACC_LAST_ADMIN: 'Le dernier compte administrateur actif ne peut pas être désactivé.',
  ACC_TOKEN_NOT_FOUND: 'Aucun jeton avec cet identifiant.',
  ACC_INSTITUTION_UNKNOWN: 'Cette institution n’est pas dans l’annuaire en vigueur.',
  DEP_DATABASE_DOWN: 'La base de données ne répond pas : réessayez dans un instant.',
  DEP_BROKER_DOWN: 'La messagerie ne répond pas : réessayez dans un instant.',
  INT_UNEXPECTED: 'Erreur inattendue du service ; elle a été journalisée.',
  VAL_NOT_JSON: 'Le contenu envoyé n’est pas un document JSON valide.',
  VAL_TOO_LARGE: 'Le contenu envoyé est trop volumineux.',
  VAL_STRING_TOO_LONG: 'Un texte est trop long.',
  VAL_UNSTORABLE_TEXT: 'Un texte contient des caractères qui ne peuvent pas être enregistrés.',
  VAL_INVALID_PARAMETER: 'Un paramètre de l’adresse est invalide.',
  VAL_SCHEMA_MISMATCH: 'Le SED ne respecte pas son schéma.',
  VAL_SED_MISMATCH: 'Le type de SED ne correspond pas à son contenu.',
  VAL_UNKNOWN_BUC: 'Type de BUC inconnu du catalogue.',
  VAL_INCONSISTENT: 'L’enveloppe est incohérente.',
  ITK_ENVELOPE_CONFLICT: 'Une autre enveloppe porte déjà cet identifiant avec un contenu différent.',
  ITK_QUARANTINE_NOT_FOUND: 'Aucune entrée de quarantaine avec cet identifiant.',
  ITK_QUARANTINE_CLOSED: 'Cette entrée de quarantaine est déjà close.',
  RTE_RULESET_INVALID: 'La table de règles ou l’annuaire proposé est invalide.',
  RTE_VERSION_CONFLICT: 'La table a changé depuis la version sur laquelle vous travailliez : rechargez-la.',
  RTE_VERSION_NOT_FOUND: 'Aucune version avec ce numéro.',
  RTE_INSTITUTION_NOT_FOUND: 'Aucune institution avec cet identifiant dans l’annuaire.',
  CAS_NOT_FOUND: 'Aucun dossier avec cet identifiant.',
  TRI_NOT_IN_TRIAGE: 'Le dossier a changé depuis que vous l’avez ouvert : il n’est plus en tri. Rechargez la page.',
  TRI_CLAIMED: 'Un autre opérateur traite ce dossier en ce moment.',
  CAS_NOT_FORWARDED: 'Le dossier a changé : seul un dossier transféré peut être réattribué. Rechargez la page.',
  CAS_NOT_RETURNED: 'Le dossier a changé : seul un dossier renvoyé peut être rouvert. Rechargez la page.',
  CAS_SAME_INSTITUTION: 'Le dossier est déjà transféré à cette institution.',
  FWD_TARGET_INVALID: 'Cette institution ne peut pas recevoir le dossier (inconnue, non française ou non valide à la date de réception).',
  FWD_NOT_FOUND: 'Aucun transfert avec cet identifiant.',
  FWD_ALREADY_ACKNOWLEDGED: 'Ce transfert a déjà reçu une autre réponse.',
  FWD_PUBLISH_FAILED: 'La messagerie n’a pas confirmé l’envoi : il sera retenté.',
  TRI_UNDO_UNAVAILABLE: 'Trop tard pour annuler : le transfert est parti, ou le dossier a changé depuis.',
  TRI_UNDO_FORBIDDEN: 'Seul l’opérateur qui a transféré le dossier peut annuler ce transfert.',
  LRN_NO_MANUAL_DECISION: 'Aucune décision d’opérateur sur ce dossier dont tirer une règle.',
  HDK_TICKET_NOT_FOUND: 'Aucun ticket avec cet identifiant.',
  HDK_INVALID_TRANSITION: 'Le ticket a changé : cette action n’est plus possible dans son état. Rechargez la page.',
  HDK_POLICY_INVALID: 'La politique de délais ou le calendrier est invalide.',
  HDK_COUNTRY_FORBIDDEN: 'Ce jeton appartient à un autre pays.',
  RPT_PERIOD_INVALID: 'La période doit être un mois AAAA-MM ou une année AAAA.',
  RPT_PERIOD_IN_FUTURE: 'Cette période n’a pas encore commencé.',
  RPT_VERSION_NOT_FOUND: 'Aucun rapport enregistré pour cette période.',
  RPT_FORMAT_INVALID: 'Format de rapport inconnu.',
};

/** The console's sentence for a service error code in this language; undefined when it has none (English: the service's). */
export function serviceErrorText(locale: Locale, code: string): string | undefined {
  return locale === 'fr' ? fr[code] : undefined;
}
