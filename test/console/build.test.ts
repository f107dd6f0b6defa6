/**
 * The console's build inputs stay honest:
 * - console/src/api/schema.d.ts is what `npm run console:api` generates from docs/openapi.yaml today (an API change
 *   that is not regenerated fails here, and a page that no longer fits the new types fails the typecheck);
 * - a build whose sources did not change is skipped (`npm start` on an unchanged checkout starts in seconds),
 *   and one whose sources changed is redone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureConsoleBuilt } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

describe('console build', () => {
  it('has API types generated from the current docs/openapi.yaml (npm run console:api)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'console-api-'));
    try {
      const out = path.join(dir, 'schema.d.ts');
      const r = spawnSync(bin('openapi-typescript'), ['docs/openapi.yaml', '-o', out], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(0);
      const committed = readFileSync(path.join(ROOT, 'console/src/api/schema.d.ts'), 'utf8');
      if (committed !== readFileSync(out, 'utf8')) {
        throw new Error('console/src/api/schema.d.ts is stale: run `npm run console:api` and fix what the typecheck then reports');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips the build when nothing changed', () => {
    ensureConsoleBuilt();
    const r = spawnSync(process.execPath, ['scripts/build-if-stale.mjs', 'console'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/building/);
  });
});
