/**
 * docs/errors.md, rendered from the error catalogue (src/shared/errors.ts): every code with its HTTP status, its
 * failure class and what it means, then the retired codes. `npm run docs:errors` writes it;
 * test/docs/errors-doc.test.ts fails when the file is not what the catalogue renders.
 */
import { codeClass, ERRORS, RETIRED_ERROR_CODES, type ErrorCode } from '../../src/shared/errors';

/** The areas of the codes' prefixes, in the order of the catalogue. */
const AREAS: Readonly<Record<string, string>> = {
  REQ: 'requests', AUTH: 'authentication', ACC: 'console accounts', VAL: 'validation', ITK: 'intake', RTE: 'routing',
  CAS: 'cases', TRI: 'triage', FWD: 'forwarding', BUS: 'message bus', HDK: 'help desk', RPT: 'reports', LRN: 'learning',
  RIN: 'RINA', CFG: 'configuration', DEP: 'dependencies', INT: 'internal',
};

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

export function renderErrorsDoc(): string {
  const codes = Object.keys(ERRORS) as ErrorCode[];
  const prefixes = [...new Set(codes.map((c) => c.split('_')[0]))];
  const lines = [
    '<!-- Generated from the ERRORS catalogue of src/shared/errors.ts by `npm run docs:errors`: do not edit by hand. -->',
    '',
    '# Error codes',
    '',
    'Every error has a stable code (`src/shared/errors.ts`, `AREA_WHAT`), carried in the body',
    '`{ "error": { "code", "message", "details" } }` of an HTTP answer, in a quarantine row or in a dead letter\'s',
    '`x-error-code` header. Codes are never renamed or given a new meaning; retired codes are listed at the end.',
    '',
    'The status is the HTTP status of the answer. The class is the failure class of `failureClass()` (one place): an',
    '*input* failure is deterministic (quarantined or dead-lettered at once, 4xx over HTTP, never retried); a',
    '*dependency* failure pauses the AMQP consumers as a whole until the database or the broker answers (503 over',
    'HTTP); an *unexpected* failure is retried a bounded number of times (`AMQP_MAX_ATTEMPTS`) through the retry',
    'queue, then quarantined (intake) or dead-lettered.',
    '',
  ];
  for (const prefix of prefixes) {
    lines.push(`## ${prefix}_: ${AREAS[prefix] ?? prefix.toLowerCase()}`, '', '| code | status | class | meaning |', '|---|---|---|---|');
    for (const code of codes.filter((c) => c.split('_')[0] === prefix)) {
      lines.push(`| \`${code}\` | ${ERRORS[code].status} | ${codeClass(code)} | ${cell(ERRORS[code].doc)} |`);
    }
    lines.push('');
  }
  lines.push('## Retired codes', '', '| code | what became of it |', '|---|---|');
  for (const [code, fate] of Object.entries(RETIRED_ERROR_CODES)) lines.push(`| \`${code}\` | ${cell(fate)} |`);
  lines.push('');
  return lines.join('\n');
}
