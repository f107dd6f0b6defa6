/**
 * The boundaries of docs/architecture.md, enforced by dependency-cruiser on the real module graph (.dependency-cruiser.cjs):
 * every import form (import, export … from, require(), import(), package.json subpath imports, type-only imports)
 * is seen. A small fixture tree with one deliberate violation per rule shows that each rule can fail.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const FIXTURE = path.join(__dirname, 'fixtures', 'violations');

interface Violation { rule: string; from: string; to: string }

async function cruise(cwd: string): Promise<{ violations: Violation[]; modules: number }> {
  // depcruise exits non-zero when it finds violations: the JSON report is what we read either way.
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'src', '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 })
    .catch((e: { stdout?: string; stderr?: string }) => {
      if (!e.stdout) throw new Error(`dependency-cruiser failed: ${e.stderr}`);
      return { stdout: e.stdout };
    });
  const report = JSON.parse(stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }>; totalCruised: number } };
  return {
    violations: report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to.replace(/^.*node_modules\//, 'node_modules/') })),
    modules: report.summary.totalCruised,
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ruleNames = (require(CONFIG) as { forbidden: Array<{ name: string }> }).forbidden.map((r) => r.name).sort();

describe('dependency rules (dependency-cruiser)', () => {
  it('finds no violation in src/', async () => {
    const { violations, modules } = await cruise(ROOT);
    expect(modules).toBeGreaterThan(100);
    expect(violations.map((v) => `${v.rule}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 120_000);

  it('fails on a tree with one deliberate violation per rule, and passes what is allowed', async () => {
    const { violations } = await cruise(FIXTURE);
    const found = violations.map((v) => `${v.rule}: ${v.from} → ${v.to.replace(/\/index\.js$|\/esm\/index\.mjs$|\/lib\/index\.js$/, '')}`).sort();
    expect(found).toEqual([
      'adapters-not-to-each-other: src/web/router.ts → src/store/repo.ts',
      'domain-bus-port-types-only: src/forwarding/uses-bus.ts → src/bus/types.ts',
      'domain-layers-from-audit: src/audit/uses-intake.ts → src/intake/accepted.ts',
      'domain-layers-from-cases: src/cases/uses-triage.ts → src/triage/command.ts',
      'domain-layers-from-intake: src/intake/uses-routing.ts → src/routing/rule.ts',
      'domain-layers-from-routing: src/routing/uses-case.ts → src/cases/case-shape.ts',
      'domain-no-infrastructure: src/routing/leaky-require.ts → node_modules/express',
      'domain-not-to-adapters: src/cases/subpath.ts → src/store/queries.ts',
      'domain-not-to-adapters: src/forwarding/uses-bus.ts → src/bus/broker.ts',
      'domain-not-to-adapters: src/intake/reaches-store.ts → src/store/repo.ts',
      'domain-not-to-config: src/intake/uses-config.ts → src/config/entry.ts',
      'no-circular: src/learning/type-a.ts → src/learning/type-b.ts',
      'no-circular: src/triage/first.ts → src/triage/second.ts',
      'no-unresolvable: src/routing/typo.ts → ./does-not-exsit',
      'nobody-imports-the-composition-root: src/routing/uses-app.ts → src/app/root.ts',
      'shared-is-a-leaf: src/shared/leaf.ts → src/routing/rule.ts',
      'shared-no-infrastructure: src/config/leaky.ts → node_modules/pg',
      'simulation-not-shipped: src/web/uses-simulation.ts → src/simulation/traffic.ts',
      'store-no-domain-values: src/store/repo.ts → src/routing/rule.ts',
    ]);
    // Every rule of the configuration is exercised by the fixture, so none of them is vacuous.
    expect([...new Set(violations.map((v) => v.rule))].sort()).toEqual(ruleNames);
    // A domain naming the bus port as a type is allowed; so are a higher domain importing a lower one, and config/
    // importing a domain's type.
    expect(violations.filter((v) => ['src/helpdesk/allowed.ts', 'src/cases/case-shape.ts', 'src/config/entry.ts'].includes(v.from))).toEqual([]);
  }, 120_000);
});
