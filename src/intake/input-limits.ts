/**
 * The limits every input must keep before anything else looks at it, in one place (values come from the
 * configuration: INTAKE_MAX_* in src/config/env.ts, README "Configuration"). Each limit, when exceeded, is a
 * quarantine reason with its own error code, so an operator sees which one at a glance.
 */
import type { ErrorCode } from '../shared/errors';

export interface InputLimits {
  /** Bytes of one envelope (CONTRACT §2: 5 MiB, attachments are not carried). Code VAL_TOO_LARGE. */
  maxBytes: number;
  /** Nesting of objects and arrays (the envelope itself is depth 1). Code VAL_TOO_DEEP. */
  maxDepth: number;
  /** Characters of one string value or key. Code VAL_STRING_TOO_LONG. */
  maxStringLength: number;
  /** Elements of one array. Code VAL_ARRAY_TOO_LONG. */
  maxArrayLength: number;
  /** `institutionID`/`institutionId` keys anywhere in the input (routing reads them all). Code VAL_TOO_MANY_REFERENCES. */
  maxInstitutionReferences: number;
}

/** The most the contract allows: the limit can be lowered, never raised. */
export const CONTRACT_MAX_ENVELOPE_BYTES = 5 * 1024 * 1024;

export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxBytes: CONTRACT_MAX_ENVELOPE_BYTES,
  // The deepest real SED of the NAV fixtures nests 9 levels; 64 leaves room and keeps every walk shallow.
  maxDepth: 64,
  // Free-text fields of SEDs are a few thousand characters at most; attachments are not carried.
  maxStringLength: 65_536,
  maxArrayLength: 10_000,
  maxInstitutionReferences: 500,
});

/** Which code each limit gives (for the README and the tests). */
export const LIMIT_CODES: Readonly<Record<keyof InputLimits, ErrorCode>> = Object.freeze({
  maxBytes: 'VAL_TOO_LARGE',
  maxDepth: 'VAL_TOO_DEEP',
  maxStringLength: 'VAL_STRING_TOO_LONG',
  maxArrayLength: 'VAL_ARRAY_TOO_LONG',
  maxInstitutionReferences: 'VAL_TOO_MANY_REFERENCES',
});
