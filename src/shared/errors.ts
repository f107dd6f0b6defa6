/**
 * The error catalogue: every error the system raises, with a stable code and HTTP status.
 * Codes are never reused or renamed (the outside world and the reports rely on them).
 * Domain code throws only AppError with a code from here; src/web maps status, src/bus maps retry.
 */
export const ERRORS = {
  // Request / generic
  REQ_INVALID_BODY: { status: 422, retry: false, doc: 'The request body does not match its schema.' },
  REQ_INVALID_QUERY: { status: 400, retry: false, doc: 'A query parameter is invalid (limit, cursor, filter).' },
  REQ_NOT_FOUND: { status: 404, retry: false, doc: 'No such route.' },
  AUTH_MISSING: { status: 401, retry: false, doc: 'No bearer token or session was presented.' },
  AUTH_INVALID: { status: 401, retry: false, doc: 'The token or session is unknown, expired or revoked.' },
  AUTH_FORBIDDEN: { status: 403, retry: false, doc: 'The credentials lack the scope this endpoint needs (or a console call lacks its CSRF token).' },
  AUTH_THROTTLED: { status: 429, retry: false, doc: 'Too many failed logins for the account or the address; Retry-After says when to try again.' },
  AUTH_PASSWORD_CHANGE_REQUIRED: { status: 403, retry: false, doc: 'The account\'s password was reset: the session may only change it (POST /api/session/password).' },
  REQ_RATE_LIMITED: { status: 429, retry: false, doc: 'Too many requests for this token in the current minute; Retry-After says when to try again.' },
  ACC_ACCOUNT_NOT_FOUND: { status: 404, retry: false, doc: 'No console account with this username.' },
  ACC_ACCOUNT_EXISTS: { status: 409, retry: false, doc: 'A console account with this username exists already.' },
  ACC_LAST_ADMIN: { status: 409, retry: false, doc: 'The last active admin account cannot be disabled.' },
  ACC_TOKEN_NOT_FOUND: { status: 404, retry: false, doc: 'No machine token with this id.' },
  ACC_INSTITUTION_UNKNOWN: { status: 422, retry: false, doc: 'An institution token was asked for an institution not in the directory in force (or for the liaison body itself).' },
  CFG_INVALID: { status: 500, retry: false, doc: 'Configuration (environment or config files) is invalid.' },
  CFG_DATA_DIR_LOCKED: { status: 409, retry: false, doc: 'Another process (the running service, or a tool) holds the PGlite data directory; one process at a time.' },
  DEP_DATABASE_DOWN: { status: 503, retry: true, doc: 'The database could not be reached.' },
  DEP_BROKER_DOWN: { status: 503, retry: true, doc: 'The message broker could not be reached.' },
  INT_UNEXPECTED: { status: 500, retry: true, doc: 'An unexpected internal error (INT_ means internal, never intake).' },
  BUS_UNROUTABLE: { status: 503, retry: true, doc: 'The broker accepted a message but no queue is bound for its routing key (e.g. an institution queue not yet declared).' },

  // Validation of any input (envelopes, request bodies, messages): the input itself is wrong, never retried
  VAL_NOT_JSON: { status: 400, retry: false, doc: 'The input is not one valid JSON document (syntax error, truncated, two documents, empty).' },
  VAL_NOT_OBJECT: { status: 400, retry: false, doc: 'The input is valid JSON but not a JSON object (e.g. "x", null, an array).' },
  VAL_TOO_LARGE: { status: 413, retry: false, doc: 'The input exceeds its size limit (5 MiB for envelopes, smaller for other request bodies).' },
  VAL_ENCODING: { status: 400, retry: false, doc: 'The input is not valid UTF-8.' },
  VAL_BOM: { status: 400, retry: false, doc: 'The input starts with a byte order mark (JSON text must not, RFC 8259 §8.1).' },
  VAL_TOO_DEEP: { status: 422, retry: false, doc: 'The input nests objects/arrays deeper than the nesting limit.' },
  VAL_STRING_TOO_LONG: { status: 422, retry: false, doc: 'A string (or key) of the input is longer than the string limit.' },
  VAL_ARRAY_TOO_LONG: { status: 422, retry: false, doc: 'An array of the input has more elements than the array limit.' },
  VAL_TOO_MANY_REFERENCES: { status: 422, retry: false, doc: 'The SED carries more institution references than the limit.' },
  VAL_UNSTORABLE_TEXT: { status: 422, retry: false, doc: 'A string holds text the database cannot store: a NUL character (\\u0000) or a lone surrogate (e.g. \\ud800).' },
  VAL_FORBIDDEN_KEY: { status: 422, retry: false, doc: 'A key that can pollute object prototypes (__proto__, constructor, prototype) appears in the input.' },
  VAL_INVALID_PARAMETER: { status: 400, retry: false, doc: 'A path parameter does not have the expected form (bad characters, NUL, invalid UTF-8, out of range).' },
  VAL_SCHEMA_MISMATCH: { status: 422, retry: false, doc: 'The envelope does not match the envelope schema.' },
  VAL_SED_MISMATCH: { status: 422, retry: false, doc: 'The SED body does not match the CDM shape expected for routing.' },
  VAL_UNKNOWN_BUC: { status: 422, retry: false, doc: 'The BUC type is not in the BUC catalogue.' },
  VAL_INCONSISTENT: { status: 422, retry: false, doc: 'Envelope fields contradict each other (id, root key, country prefix).' },

  // Intake (ITK_)
  ITK_ENVELOPE_CONFLICT: { status: 409, retry: false, doc: 'An envelope with this id exists with a different content.' },
  ITK_QUARANTINE_NOT_FOUND: { status: 404, retry: false, doc: 'No quarantined input with this id.' },
  ITK_UNPROCESSABLE: { status: 500, retry: false, doc: 'The input failed a few times for an unexpected reason (not the input, not a dependency); kept in quarantine for review instead of being retried forever.' },
  ITK_QUARANTINE_CLOSED: { status: 409, retry: false, doc: 'The quarantine entry was already re-submitted successfully or dismissed.' },

  // Routing
  RTE_NO_MATCH: { status: 422, retry: false, doc: 'No rule matched (should not happen: the table ends with FALLBACK).' },
  RTE_RULESET_INVALID: { status: 422, retry: false, doc: 'A rule table or directory version is invalid.' },
  RTE_VERSION_CONFLICT: { status: 409, retry: false, doc: 'The rule table changed since the version the change was based on.' },
  RTE_VERSION_NOT_FOUND: { status: 404, retry: false, doc: 'No rule table or directory version with this number.' },
  RTE_INSTITUTION_NOT_FOUND: { status: 404, retry: false, doc: 'No such institution in the directory.' },
  // Security review #21 (sec-a): bounded costly work, forged inputs
  RTE_SIMULATION_LIMIT: { status: 422, retry: false, doc: 'A draft simulation reached its time limit (SIMULATION_TIME_LIMIT_MS) or its memory limit and was stopped: simulate over a shorter period or a smaller draft.' },
  VAL_UNSUPPORTED_ENCODING: { status: 415, retry: false, doc: 'A request body in another charset than UTF-8, or compressed (Content-Encoding other than identity): JSON bodies are sent as plain UTF-8.' },
  AUTH_TOKEN_EXPIRED: { status: 401, retry: false, doc: 'The machine token is past its expiry (TOKEN_LIFETIME_DAYS, or expiresInDays at its creation): an admin issues a new one.' },
  RTE_SIMULATION_BUSY: { status: 429, retry: false, doc: 'A simulation of the same person is still running, or the most simulations the service runs at once (SIMULATION_MAX_CONCURRENT) are; Retry-After says when to try again.' },

  // Cases, triage, forwarding
  CAS_NOT_FOUND: { status: 404, retry: false, doc: 'No such case.' },
  TRI_NOT_IN_TRIAGE: { status: 409, retry: false, doc: 'The case is not waiting in triage.' },
  TRI_CLAIMED: { status: 409, retry: false, doc: 'Another operator holds the claim on this case in triage (claim.by, claim.until beside the error).' },
  CAS_NOT_FORWARDED: { status: 409, retry: false, doc: 'Only a forwarded case can be re-assigned.' },
  CAS_NOT_RETURNED: { status: 409, retry: false, doc: 'Only a returned case can be reopened.' },
  CAS_SAME_INSTITUTION: { status: 409, retry: false, doc: 'The case is already forwarded to this institution.' },
  FWD_TARGET_INVALID: { status: 422, retry: false, doc: 'The target institution is unknown or not valid at the case receipt time.' },
  FWD_NOT_FOUND: { status: 404, retry: false, doc: 'No such forward (or not visible to this institution).' },
  FWD_ALREADY_ACKNOWLEDGED: { status: 409, retry: false, doc: 'The forward was already acknowledged differently.' },
  FWD_PUBLISH_FAILED: { status: 503, retry: true, doc: 'The broker did not confirm the forward.' },
  TRI_UNDO_UNAVAILABLE: { status: 409, retry: false, doc: 'No forward of the case is held for undo any more (the undo window ended, it was undone, or the case changed since); `why` beside the error.' },
  TRI_UNDO_FORBIDDEN: { status: 403, retry: false, doc: 'Only the operator who forwarded the case from triage can undo it (decidedBy beside the error).' },
  // The forward carried out in RINA (X007, CONTRACT §7)
  FWD_RINA_NOT_FOUND: { status: 404, retry: false, doc: 'The forward has no X007 in RINA (its case did not come through RINA, or it did not change the route).' },
  FWD_RINA_NOT_FAILED: { status: 409, retry: false, doc: 'Only a failed X007 can be retried (its state in the details).' },

  // RINA adapter, events in (RIN_): CONTRACT §7
  RIN_EVENT_INVALID: { status: 422, retry: false, doc: 'The RINA document event does not match its schema (schemas/rina-event.schema.json); it is kept in quarantine.' },
  RIN_CASE_NOT_FOUND: { status: 404, retry: false, doc: 'RINA has no such case (the CPI answered 404).' },
  RIN_NOT_CONFIGURED: { status: 404, retry: false, doc: 'This service has no RINA configured (RINA_URL is not set): the RINA endpoints are not served.' },
  RIN_CPI_UNAVAILABLE: { status: 503, retry: true, doc: 'RINA\'s CPI did not answer (down, timeout, login refused); try again later.' },

  // Learning loop
  LRN_NO_MANUAL_DECISION: { status: 409, retry: false, doc: 'The case has no operator decision to propose a rule from (and no institution was named).' },

  // Help desk
  HDK_TICKET_NOT_FOUND: { status: 404, retry: false, doc: 'No such ticket.' },
  HDK_INVALID_TRANSITION: { status: 409, retry: false, doc: 'The action is not allowed in the ticket state.' },
  HDK_POLICY_INVALID: { status: 422, retry: false, doc: 'An SLA policy or calendar is invalid.' },
  HDK_COUNTRY_FORBIDDEN: { status: 403, retry: false, doc: "A counterpart desk's help-desk token names another country than the one asked for (open, list)." },

  // Reports
  RPT_PERIOD_INVALID: { status: 400, retry: false, doc: 'The report period is not a month YYYY-MM or a year YYYY.' },
  RPT_PERIOD_IN_FUTURE: { status: 422, retry: false, doc: 'The report period has not started yet.' },
  RPT_VERSION_NOT_FOUND: { status: 404, retry: false, doc: 'No stored report version for this period (and number).' },
  RPT_REGENERATE_TOO_SOON: { status: 429, retry: false, doc: 'The report of this period was generated less than REPORT_REGENERATE_MIN_SECONDS ago; Retry-After says when it may be regenerated.' },
  RPT_FORMAT_INVALID: { status: 400, retry: false, doc: 'Unknown report format or CSV separator (format json, csv or html; separator , or ;).' },
  RPT_RENDER_LIMIT: { status: 503, retry: false, doc: 'A report\'s CSV or HTML rendering reached its time limit (REPORT_RENDER_TIME_LIMIT_MS) or its memory limit and was stopped; the stored report is intact: ask again later, or as JSON.' },
  RPT_BUSY: { status: 429, retry: false, doc: 'A report of the same person is still being produced, the same period is being regenerated, or the most reports the service produces at once (REPORT_MAX_CONCURRENT) are; Retry-After says when to try again.' },

  // Sessions, passwords and counterpart desks (issues #20, #21)
  AUTH_LOGIN_MEDIA_TYPE: { status: 415, retry: false, doc: 'A login must be sent as application/json (a form or text/plain body is refused: no login from another site).' },
  AUTH_CROSS_SITE: { status: 403, retry: false, doc: 'A login from another site (Origin or Sec-Fetch-Site says so) is refused: no login CSRF.' },
  ACC_PASSWORD_WEAK: { status: 422, retry: false, doc: 'The new password is refused by the password policy; `reason` says why (too-short, contains-username, common, repetitive, guessable).' },
  HDK_COUNTERPART_FORBIDDEN: { status: 403, retry: false, doc: "A counterpart desk's help-desk token may only add external comments and reopen; the other actions are the French desk's." },
  HDK_MESSAGE_REQUIRED: { status: 422, retry: false, doc: 'A response to the requester needs a message (an empty response would stop the first-response clock and send nothing).' },
  HDK_SLA_START_INVALID: { status: 422, retry: false, doc: 'slaStartAt is before the receipt of the case\'s SED, or further back than HELPDESK_SLA_START_MAX_DAYS_BACK days.' },
} as const satisfies Record<string, { status: number; retry: boolean; doc: string }>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * Codes once in the catalogue and taken out. A retired code is never given a new meaning: quarantine rows, dead
 * letters, reports and other systems may still carry it (test/shared/error-catalogue.test.ts keeps this list).
 */
export const RETIRED_ERROR_CODES: Readonly<Record<string, string>> = Object.freeze({
  REQ_MALFORMED_JSON: 'merged into VAL_NOT_JSON (the same failure on a request body or an envelope)',
  REQ_TOO_LARGE: 'merged into VAL_TOO_LARGE',
  INT_ENVELOPE_CONFLICT: 'renamed ITK_ENVELOPE_CONFLICT (INT_ means internal; intake is ITK_)',
  INT_QUARANTINE_NOT_FOUND: 'renamed ITK_QUARANTINE_NOT_FOUND',
});

/**
 * The failure classes, in one place (STYLE: one bad message never stops the consumer):
 * - `input`: the input itself is wrong (parse, size, depth, text, schema, semantics): deterministic, never retried;
 *   quarantined (intake), answered 4xx (HTTP), dead-lettered or quarantined (AMQP) at once;
 * - `dependency`: the database or the broker is not there: transient for the whole process, not for one message;
 *   consumers pause as a whole, HTTP answers 503, nothing is retried per message;
 * - `unexpected`: anything else (a bug, an unforeseen state): retried a small, bounded number of times without
 *   holding a prefetch slot, then quarantined or dead-lettered.
 */
export type FailureClass = 'input' | 'dependency' | 'unexpected';

const DEPENDENCY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['DEP_DATABASE_DOWN', 'DEP_BROKER_DOWN', 'BUS_UNROUTABLE', 'FWD_PUBLISH_FAILED', 'RIN_CPI_UNAVAILABLE']);

export function failureClass(error: unknown): FailureClass {
  if (!isAppError(error)) return 'unexpected';
  return codeClass(error.code);
}

/** The class of a catalogue code (a verdict may name a code without an error). */
export function codeClass(code: ErrorCode): FailureClass {
  if (DEPENDENCY_CODES.has(code)) return 'dependency';
  return ERRORS[code].retry ? 'unexpected' : 'input';
}

/**
 * One problem of an error: where (`path`) and what, in English for machines and logs (`message`) and, when the
 * problem has one, as a stable `code` with its `params` (a JSON Schema keyword such as `required`, or a named
 * check such as `countryPrefix`), from which the console writes it in French or English (issue #20).
 */
export interface ErrorDetail {
  path: string;
  /** In English, for machines and logs (CONTRACT §3). */
  message: string;
  /**
   * A stable problem code, where the problem has one: a JSON Schema keyword (`required`, `enum`…), a named check
   * (`countryPrefix`, `tooLarge`…) or a rule table's `RULE_*`, for clients that say it in their own words.
   */
  code?: string;
  /** The values the problem names (a keyword's parameters, a fact, a date, an id), for the client's sentence. */
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.extra = extra;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  get retryable(): boolean {
    return ERRORS[this.code].retry;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
