/**
 * Personal data never reaches a log line. Two nets: keys that carry personal data are replaced whole,
 * and string values are scrubbed of what looks like a PIN/NIR or a bare birth date, so a careless
 * message template cannot leak either.
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

const REDACTED = '[redacted]';
// 9+ consecutive digits (optionally spaced in groups), e.g. a NIR "1 85 05 78 006 084 36" or "18505780060843".
const PIN_PATTERN = /\b\d(?:[ .-]?\d){8,}\b/g;
// A calendar date not followed by a time (ISO timestamps such as legalDeliveryAt are kept).
const BARE_DATE_PATTERN = /\b(19|20)\d{2}-\d{2}-\d{2}\b(?!T)/g;
const FR_DATE_PATTERN = /\b\d{2}[/.]\d{2}[/.](19|20)\d{2}\b/g;

export function scrubString(s: string): string {
  return s.replace(PIN_PATTERN, REDACTED).replace(BARE_DATE_PATTERN, REDACTED).replace(FR_DATE_PATTERN, REDACTED);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return scrubString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: scrubString(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = PERSONAL_KEYS.has(k.toLowerCase()) ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
