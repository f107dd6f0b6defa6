/**
 * The versioned rule table from the command line: show, history, publish a new version (with author and reason).
 *
 *   npm run rules -- show [--version N]
 *   npm run rules -- history
 *   npm run rules -- publish --file rules.json --reason "why" [--author name] [--based-on N]
 */
import { readFileSync } from 'node:fs';
import { isAppError } from '../src/shared/errors';
import { colour, parseFlags, table } from './lib/cli';
import { openStore } from './lib/open-store';

const flags = parseFlags(process.argv.slice(2), {
  version: { help: 'version to show (default: in force)' },
  file: { help: 'rule table to publish (JSON)' },
  reason: { help: 'why this change (required to publish)' },
  author: { default: process.env.USER ?? 'cli', help: 'who publishes' },
  'based-on': { help: 'refuse to publish if the table in force is no longer this version' },
});

async function main(): Promise<void> {
  const command = flags._ || 'show';
  const { db, routingConfig } = await openStore();
  try {
    if (command === 'history') {
      const versions = await routingConfig.listVersions('rules');
      console.log(table(versions.map((v) => ({ version: v.version, at: v.createdAt.toISOString(), author: v.author, reason: v.reason })), 'Rule table versions'));
    } else if (command === 'show') {
      const v = flags.version ? await routingConfig.ruleSetVersion(Number(flags.version)) : undefined;
      const cur = await routingConfig.current();
      const rules = v ? v.data : cur.ruleTable;
      console.log(table(rules.rules.map((r) => ({ id: r.id, enabled: r.enabled === false ? 'no' : 'yes', since: r.validFrom ?? '', until: r.validTo ?? '', description: r.description ?? '' })),
        `Rule table version ${v ? v.version : cur.ruleSetVersion}`));
    } else if (command === 'publish') {
      if (!flags.file || !flags.reason) throw new Error('publish needs --file and --reason');
      const meta = await routingConfig.publishRules(JSON.parse(readFileSync(flags.file, 'utf8')), {
        author: `cli:${flags.author}`, reason: flags.reason, basedOnVersion: flags['based-on'] ? Number(flags['based-on']) : undefined,
      });
      console.log(colour.green(`Published rule table version ${meta.version} (${meta.reason}).`));
    } else {
      throw new Error(`unknown command "${command}": show, history or publish`);
    }
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  console.error(colour.red(`rules: ${(e as Error).message}`));
  if (isAppError(e)) for (const d of e.details.slice(0, 20)) console.error(`  ${d.path}: ${d.message}`);
  process.exit(1);
});
