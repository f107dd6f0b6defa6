/** docs/errors.md is what `npm run docs:errors` renders from the error catalogue today (src/shared/errors.ts). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderErrorsDoc } from '../../scripts/lib/errors-doc';
import { ERRORS, RETIRED_ERROR_CODES } from '../../src/shared/errors';

const committed = readFileSync(path.join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');

describe('docs/errors.md', () => {
  it('is what the catalogue renders (run `npm run docs:errors` after changing src/shared/errors.ts)', () => {
    expect(committed).toBe(renderErrorsDoc());
  });

  it('has one row per code, with its status, and one per retired code', () => {
    for (const [code, e] of Object.entries(ERRORS)) expect(committed).toContain(`| \`${code}\` | ${e.status} |`);
    for (const code of Object.keys(RETIRED_ERROR_CODES)) expect(committed).toContain(`| \`${code}\` |`);
  });
});
