/** The error catalogue: codes never reused, retired codes kept out, one meaning per prefix, docs/errors.md in step. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeClass, ERRORS, RETIRED_ERROR_CODES, type ErrorCode } from '../../src/shared/errors';

/** Every code ever retired. Append only: a code listed here must never come back with a new meaning. */
const RETIRED = ['REQ_MALFORMED_JSON', 'REQ_TOO_LARGE', 'INT_ENVELOPE_CONFLICT', 'INT_QUARANTINE_NOT_FOUND'];

describe('error catalogue', () => {
  it('never brings back a retired code', () => {
    for (const code of RETIRED) expect(Object.keys(ERRORS)).not.toContain(code);
    expect(Object.keys(RETIRED_ERROR_CODES).sort()).toEqual([...RETIRED].sort());
  });

  it('keeps INT_ for internal errors only (intake is ITK_)', () => {
    expect(Object.keys(ERRORS).filter((c) => c.startsWith('INT_'))).toEqual(['INT_UNEXPECTED']);
  });

  it('has no two codes for one failure: input failures of any body are VAL_*, not REQ_*', () => {
    const docs = Object.values(ERRORS).map((e) => e.doc.toLowerCase());
    expect(docs.filter((d) => d.includes('not valid json') || d.includes('not one valid json'))).toHaveLength(1);
    expect(docs.filter((d) => d.includes('size limit') || d.includes('exceeds 5 mib'))).toHaveLength(1);
  });

  it('classes every code, and lists retired codes in docs/errors.md', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) expect(['input', 'dependency', 'unexpected']).toContain(codeClass(code));
    expect(codeClass('DEP_DATABASE_DOWN')).toBe('dependency');
    expect(codeClass('VAL_UNSTORABLE_TEXT')).toBe('input');
    expect(codeClass('INT_UNEXPECTED')).toBe('unexpected');
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
    for (const code of RETIRED) expect(doc).toContain(`| \`${code}\` |`);
  });
});
