/**
 * Routes an envelope and prints the decision and its trace, with the rule table and directory **in force** (the
 * service's database: DATABASE_URL or DATA_DIR), or a draft table. No side effects: nothing is stored or forwarded.
 *
 *   npm run route -- envelope.json            a file
 *   npm run route -- P2000_7f3a…_1            a stored envelope (by envelope id)
 *   npm run route -- 4410023                  every stored envelope of a case (by case id)
 *   [--rules draft-rules.json] [--shipped yes: config/ files instead of the database] [--case-route FR:…]
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadBucTypes } from '../src/config/catalogue';
import type { Envelope } from '../src/intake/envelope';
import { loadRoutingConfig } from '../src/routing/config-files';
import { routeEnvelope } from '../src/routing/evaluate';
import { loadRuleTable } from '../src/routing/rule-table';
import { isAppError } from '../src/shared/errors';
import { PgCaseQueries } from '../src/store/case-queries';
import { EnvelopeValidator } from '../src/validation/envelope-validator';
import { colour, parseFlags, table } from './lib/cli';
import { serviceConfig } from './lib/config';
import { openStore } from './lib/open-store';

const flags = parseFlags(process.argv.slice(2), {
  rules: { help: 'a draft rule table (JSON) instead of the table in force' },
  config: { default: serviceConfig().configDir, help: 'configuration folder (BUC catalogue; with --shipped, the tables)' },
  shipped: { help: 'yes: route with the shipped config/ files, not the database' },
  'case-route': { help: 'pretend the case was already forwarded to this institution (affinity; default: the stored route)' },
});

async function main(): Promise<void> {
  const arg = flags._;
  if (!arg) throw new Error('usage: npm run route -- <envelope.json | envelope id | case id> [--rules draft.json]');
  const fromFile = existsSync(arg);
  const store = flags.shipped === 'yes' && fromFile ? undefined : await openStore();
  try {
    const cfg = store ? await store.routingConfig.current() : { ...loadRoutingConfig(flags.config!), ruleSetVersion: 0, directoryVersion: 0 };
    const queries = store ? new PgCaseQueries(store.db) : undefined;
    const envelopes: Envelope[] = fromFile ? [JSON.parse(readFileSync(arg, 'utf8')) as Envelope] : await queries!.storedEnvelopes(arg);
    if (envelopes.length === 0) throw new Error(`no file, stored envelope or case "${arg}"${store ? ` in ${store.where}` : ''}`);
    const ruleTable = flags.rules ? loadRuleTable(JSON.parse(readFileSync(flags.rules, 'utf8')), cfg.directory) : cfg.ruleTable;
    const validator = new EnvelopeValidator({ bucTypes: loadBucTypes(flags.config!) });
    const versions = flags.rules ? `draft ${flags.rules}` : store ? `rule table v${cfg.ruleSetVersion}, directory v${cfg.directoryVersion} (in force)` : 'shipped config/';
    for (const envelope of envelopes) {
      validator.check(envelope);
      const caseRoute = flags['case-route'] ?? (queries ? await queries.caseRoute(envelope.caseId) : null);
      const { decision } = routeEnvelope(envelope, { ruleTable, directory: cfg.directory, caseRoute });
      console.log(table(decision.trace.map((s) => ({
        rule: s.ruleId,
        result: s.matched ? colour.green('DECIDES') : s.skipped ? colour.dim('skipped') : 'no',
        why: s.matched ? (s.explanation ?? '') : (s.skipped ?? s.failed ?? ''),
      })), `Trace for ${envelope.envelopeId} (${envelope.bucType}/${envelope.sedType}), ${versions}`));
      const outcome = decision.outcome === 'forward' ? colour.green(`forward to ${decision.institutionId}`) : colour.yellow(`triage ${decision.reason}`);
      console.log(`\n${colour.bold('Decision:')} ${outcome} by ${decision.ruleId}\n${decision.explanation}\n`);
    }
  } finally {
    await store?.db.close();
  }
}

main().catch((e) => {
  console.error(colour.red(`route: ${(e as Error).message}`));
  if (isAppError(e)) for (const d of e.details) console.error(`  ${d.path}: ${d.message}`);
  process.exit(1);
});
