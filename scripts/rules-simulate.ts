/**
 * Replays stored envelopes through a draft rule table and reports what would change, by rule and institution.
 *
 *   npm run rules:simulate -- --draft draft-rules.json [--since 2026-01-01] [--examples 10]
 */
import { readFileSync } from 'node:fs';
import { compareTables } from '../src/pipeline/draft-comparison';
import { loadRuleTable } from '../src/routing/rule-table';
import { isAppError } from '../src/shared/errors';
import { storedEnvelopesSince } from '../src/store/routing-config-repository';
import type { Envelope } from '../src/intake/envelope';
import { bar, colour, parseFlags, progress, table } from './lib/cli';
import { openStore } from './lib/open-store';

const flags = parseFlags(process.argv.slice(2), {
  draft: { help: 'the draft rule table (JSON, same shape as config/rules.json)' },
  since: { default: '1970-01-01', help: 'replay envelopes with legalDeliveryAt on or after this date' },
  examples: { default: '10', help: 'how many changed decisions to show' },
});

async function main(): Promise<void> {
  if (!flags.draft) throw new Error('usage: npm run rules:simulate -- --draft <rules.json> [--since DATE]');
  const { db, routingConfig, where } = await openStore();
  try {
    const cfg = await routingConfig.current();
    const draft = loadRuleTable(JSON.parse(readFileSync(flags.draft, 'utf8')), cfg.directory);
    console.log(colour.dim(`Database: ${where}; table in force: version ${cfg.ruleSetVersion}`));
    const envelopes: Envelope[] = [];
    for await (const e of storedEnvelopesSince(db, new Date(flags.since!))) envelopes.push(e);
    const p = progress('replaying', envelopes.length);
    const report = compareTables((function* () { for (const [i, e] of envelopes.entries()) { p.tick(i + 1); yield e; } })(), cfg.ruleTable, draft, cfg.directory, Number(flags.examples));
    p.end();
    const share = (n: number) => (report.envelopes ? n / report.envelopes : 0);
    console.log(table([
      { table: `in force (v${cfg.ruleSetVersion})`, automatic: report.automaticBefore, share: `${(share(report.automaticBefore) * 100).toFixed(1)}%`, '': bar(share(report.automaticBefore)) },
      { table: 'draft', automatic: report.automaticAfter, share: `${(share(report.automaticAfter) * 100).toFixed(1)}%`, '': bar(share(report.automaticAfter)) },
    ], `Automatic routing over ${report.envelopes} envelopes since ${flags.since}`));
    console.log(`\n${report.changed ? colour.yellow(`${report.changed} decision(s) would change`) : colour.green('No decision would change')}\n`);
    console.log(table(report.byRule.map((r) => ({ rule: r.ruleId, before: r.before, after: r.after, delta: r.after - r.before })), 'By rule'));
    console.log(table(report.byTarget.map((r) => ({ target: r.target, before: r.before, after: r.after, delta: r.after - r.before })), '\nBy institution / triage reason'));
    console.log(table(report.examples.map((x) => ({
      envelope: x.envelopeId, buc: x.bucType,
      before: `${x.before.ruleId} → ${x.before.institutionId ?? x.before.reason}`, after: `${x.after.ruleId} → ${x.after.institutionId ?? x.after.reason}`,
    })), '\nExamples'));
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  console.error(colour.red(`rules:simulate: ${(e as Error).message}`));
  if (isAppError(e)) for (const d of e.details.slice(0, 20)) console.error(`  ${d.path}: ${d.message}`);
  process.exit(1);
});
