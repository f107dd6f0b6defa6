/**
 * Personal data never reaches a log line. Two nets: keys that carry personal data are replaced whole,
 * and string values are scrubbed of what looks like a PIN/NIR or a bare birth date, so a careless
 * message template cannot leak either.
 *
 * Identifiers are told from personal numbers by their field name, not by their digits: a RINA case id is often
 * a bare number of 9+ digits, like a PIN. A value under an identifier key (`caseId`, `envelopeId`, `ticketId`,
 * `forwardId`…, or a list under `caseIds`…) that looks like an identifier (no spaces, at most 128 characters) is
 * kept whole; the same digits in free text or under any other key are still blanked.
 */
const PERSONAL_KEYS = new Set(
  [
    'familyName', 'forename', 'forenames', 'firstName', 'lastName', 'surname', 'givenName', 'birthName',
    'familyNameAtBirth', 'forenameAtBirth', 'dateBirth', 'birthDate', 'dateOfBirth', 'placeBirth',
    'pin', 'pins', 'personalIdentificationNumber', 'nir', 'frenchPin', 'ssn',
    'street', 'buildingName', 'town', 'city', 'postalCode', 'postcode', 'address', 'residenceAddress',
    'person', 'sed', 'raw', 'rawBody', 'body', 'email', 'phone', 'telephone',
  ].map((k) => k.toLowerCase()),
);

/** Field names whose values are identifiers of the service's own records or of EESSI's, never personal data. */
const IDENTIFIER_KEYS = new Set(
  [
    'caseId', 'envelopeId', 'ticketId', 'forwardId', 'messageId', 'correlationId', 'quarantineId', 'decisionId',
    'documentId', 'institutionId', 'senderInstitutionId', 'targetInstitutionId', 'ruleId', 'subjectId', 'noticeId',
    'requestId', 'tokenId', 'auditId', 'reportId', 'workId',
  ].flatMap((k) => [k, `${k}s`]).map((k) => k.toLowerCase()),
);
const IDENTIFIER_SHAPE = /^[A-Za-z0-9][A-Za-z0-9:._/#-]{0,127}$/;

const REDACTED = '[redacted]';
// 9+ consecutive digits (optionally spaced in groups), e.g. a NIR "1 85 05 78 006 084 36" or "18505780060843".
const PIN_PATTERN = /\b\d(?:[ .-]?\d){8,}\b/g;
// A calendar date not followed by a time (ISO timestamps such as legalDeliveryAt are kept).
const BARE_DATE_PATTERN = /\b(19|20)\d{2}-\d{2}-\d{2}\b(?!T)/g;
const FR_DATE_PATTERN = /\b\d{2}[/.]\d{2}[/.](19|20)\d{2}\b/g;

export function scrubString(s: string): string {
  return s.replace(PIN_PATTERN, REDACTED).replace(BARE_DATE_PATTERN, REDACTED).replace(FR_DATE_PATTERN, REDACTED);
}

function keepIdentifier(value: unknown): unknown {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  // Not shaped like an id (spaces, too long): whatever it is, it is not logged.
  if (typeof value === 'string') return IDENTIFIER_SHAPE.test(value) ? value : REDACTED;
  if (Array.isArray(value)) return value.map((v) => (Array.isArray(v) ? redact(v, 1) : keepIdentifier(v)));
  return redact(value, 1);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return scrubString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: scrubString(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = k.toLowerCase();
      out[k] = PERSONAL_KEYS.has(key) ? REDACTED : IDENTIFIER_KEYS.has(key) ? keepIdentifier(v) : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
