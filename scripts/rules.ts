/**
 * The versioned rule table from the command line: show, history, publish a new version (with author and reason).
 *
 *   npm run rules -- show [--version N]
 *   npm run rules -- history
 *   npm run rules -- publish --file rules.json --reason "why" [--author name] [--based-on N]
 *   npm run rules -- publish-directory --institutions institutions.csv --territories territories.csv --reason "why"
 *   npm run rules -- directory-history
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { directoryFromCsv } from '../src/routing/directory';
import { isAppError } from '../src/shared/errors';
import { colour, parseFlags, table } from './lib/cli';
import { openStore } from './lib/open-store';

const flags = parseFlags(process.argv.slice(2), {
  version: { help: 'version to show (default: in force)' },
  file: { help: 'rule table to publish (JSON)' },
  reason: { help: 'why this change (required to publish)' },
  author: { default: userInfo().username || 'cli', help: 'who publishes (default: your login)' },
  'based-on': { help: 'refuse to publish if the table (or directory) in force is no longer this version' },
  institutions: { help: 'institutions CSV to publish (same columns as config/institutions.csv)' },
  territories: { help: 'territories CSV to publish (same columns as config/territories.csv)' },
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
    } else if (command === 'publish-directory') {
      if (!flags.institutions || !flags.territories || !flags.reason) throw new Error('publish-directory needs --institutions, --territories and --reason');
      const directory = directoryFromCsv(readFileSync(flags.institutions, 'utf8'), readFileSync(flags.territories, 'utf8'));
      const meta = await routingConfig.publishDirectory(directory.toJSON(), {
        author: `cli:${flags.author}`, reason: flags.reason, basedOnVersion: flags['based-on'] ? Number(flags['based-on']) : undefined,
      });
      console.log(colour.green(`Published directory version ${meta.version} (${directory.institutions.length} institutions, ${directory.territories.length} territories).`));
    } else if (command === 'directory-history') {
      const versions = await routingConfig.listVersions('directory');
      console.log(table(versions.map((v) => ({ version: v.version, at: v.createdAt.toISOString(), author: v.author, reason: v.reason })), 'Directory versions'));
    } else {
      throw new Error(`unknown command "${command}": show, history, publish, publish-directory or directory-history`);
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
