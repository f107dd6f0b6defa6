/**
 * Loading the shipped defaults from config/ (CONFIG_DIR): the directory CSVs and the rule table. Used at first
 * start (before versions exist in the database), by the CLI tools and by tests. Everything is checked: a bad
 * file stops the start with every problem named, never a half-loaded table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../shared/errors';
import { directoryFromCsv, type Directory } from './directory';
import { loadRuleTable, type RuleTable } from './rule-table';

export const DIRECTORY_FILES = { institutions: 'institutions.csv', territories: 'territories.csv' } as const;
export const RULES_FILE = 'rules.json';

function readConfigFile(configDir: string, file: string): string {
  const full = path.join(configDir, file);
  try {
    return readFileSync(full, 'utf8');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new AppError('CFG_INVALID', `Cannot read the configuration file ${full}: ${message}`, [{ path: full, message }]);
  }
}

export function loadDirectoryFromConfig(configDir: string): Directory {
  return directoryFromCsv(readConfigFile(configDir, DIRECTORY_FILES.institutions), readConfigFile(configDir, DIRECTORY_FILES.territories));
}

/** The rule table of config/rules.json, checked against the schema and (when given) the directory. */
export function loadRuleTableFromConfig(configDir: string, directory?: Directory): RuleTable {
  const text = readConfigFile(configDir, RULES_FILE);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new AppError('RTE_RULESET_INVALID', `${RULES_FILE} is not valid JSON: ${message}`, [{ path: RULES_FILE, message }]);
  }
  return loadRuleTable(json, directory);
}

export function loadRoutingConfig(configDir: string): { directory: Directory; ruleTable: RuleTable } {
  const directory = loadDirectoryFromConfig(configDir);
  return { directory, ruleTable: loadRuleTableFromConfig(configDir, directory) };
}
