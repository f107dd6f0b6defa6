/**
 * The error catalogue docs/architecture.md asks for: every code documented (in the catalogue and in docs/errors.md), and domain code
 * that throws only catalogue errors. The import boundaries and cycles are dependency-cruiser's
 * (dependency-rules.test.ts); SQL, clock and size checks are in source-rules.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ERRORS } from '../../src/shared/errors';

const SRC = path.join(__dirname, '..', '..', 'src');
/** Adapters and the composition root may throw the errors of the libraries they wrap; domain code may not. */
const NOT_DOMAIN = /^(web|bus|store|scheduler|app)\/|^main\.ts$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? files(full) : f.endsWith('.ts') ? [full] : [];
  });
}
const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');

describe('error catalogue', () => {
  it('documents every error code, in the catalogue and in docs/errors.md', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[A-Z]{3,4}_[A-Z_]+$/);
      expect(e.doc.length).toBeGreaterThan(10);
      expect(doc).toContain(`\`${code}\``);
    }
  });

  it('throws only catalogue errors from domain code', () => {
    const offenders = files(SRC).filter((f) => !NOT_DOMAIN.test(rel(f)))
      .filter((f) => /throw new (Error|TypeError|RangeError)\(/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(offenders).toEqual([]);
  });
});
