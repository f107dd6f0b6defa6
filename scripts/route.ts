/**
 * Routes one envelope file with the shipped configuration (or a draft table) and prints the decision and its
 * trace. No side effects: nothing is stored or forwarded.
 *
 *   npm run route -- envelope.json [--rules draft-rules.json] [--config ./config]
 */
import { readFileSync } from 'node:fs';
import { loadBucTypes } from '../src/config/catalogue';
import type { Envelope } from '../src/intake/envelope';
import { loadRoutingConfig } from '../src/routing/config-files';
import { routeEnvelope } from '../src/routing/evaluate';
import { loadRuleTable } from '../src/routing/rule-table';
import { isAppError } from '../src/shared/errors';
import { EnvelopeValidator } from '../src/validation/envelope-validator';
import { colour, parseFlags, table } from './lib/cli';
import { serviceConfig } from './lib/config';

const flags = parseFlags(process.argv.slice(2), {
  rules: { help: 'a draft rule table (JSON) instead of config/rules.json' },
  config: { default: serviceConfig().configDir, help: 'configuration folder' },
  'case-route': { help: 'pretend the case was already forwarded to this institution (affinity)' },
});

try {
  const file = flags._;
  if (!file) throw new Error('usage: npm run route -- <envelope.json> [--rules draft.json]');
  const envelope = JSON.parse(readFileSync(file, 'utf8')) as Envelope;
  new EnvelopeValidator({ bucTypes: loadBucTypes(flags.config!) }).check(envelope);
  const { directory, ruleTable } = loadRoutingConfig(flags.config!);
  const table0 = flags.rules ? loadRuleTable(JSON.parse(readFileSync(flags.rules, 'utf8')), directory) : ruleTable;
  const { decision } = routeEnvelope(envelope, { ruleTable: table0, directory, caseRoute: flags['case-route'] ?? null });
  console.log(table(decision.trace.map((s) => ({
    rule: s.ruleId,
    result: s.matched ? colour.green('DECIDES') : s.skipped ? colour.dim('skipped') : 'no',
    why: s.matched ? (s.explanation ?? '') : (s.skipped ?? s.failed ?? ''),
  })), `Trace for ${envelope.envelopeId} (${envelope.bucType}/${envelope.sedType})`));
  const outcome = decision.outcome === 'forward' ? colour.green(`forward to ${decision.institutionId}`) : colour.yellow(`triage ${decision.reason}`);
  console.log(`\n${colour.bold('Decision:')} ${outcome} by ${decision.ruleId}\n${decision.explanation}`);
} catch (e) {
  console.error(colour.red(`route: ${(e as Error).message}`));
  if (isAppError(e)) for (const d of e.details) console.error(`  ${d.path}: ${d.message}`);
  process.exit(1);
}
