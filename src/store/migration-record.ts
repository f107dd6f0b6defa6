/**
 * The checksums of the released migrations, recorded in the repository (migrations/checksums.json): a migration
 * once released is never edited (the databases that applied it would disagree with the file), only followed by a
 * new one. test/store/migrations-append-only.test.ts compares the files with this record; `npm run
 * migrations:record` adds the new files to it and refuses to change a recorded one.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadMigrations, MIGRATIONS_DIR } from './migrate';

export const RECORD_FILE = 'checksums.json';
export const RECORD_COMMAND = 'npm run migrations:record';

/** Migration id (file name without .sql) → sha256 of its text, the same checksum the migrator stores. */
export type MigrationRecord = Record<string, string>;

export function readRecord(dir = MIGRATIONS_DIR): MigrationRecord {
  const file = path.join(dir, RECORD_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MigrationRecord) : {};
}

export interface RecordCheck {
  /** Files not in the record yet. */
  unrecorded: string[];
  /** Recorded migrations whose file changed since. */
  changed: string[];
  /** Recorded migrations whose file is gone. */
  missing: string[];
}

export function checkRecord(dir = MIGRATIONS_DIR): RecordCheck {
  const record = readRecord(dir);
  const files = loadMigrations(dir);
  const ids = new Set(files.map((m) => m.id));
  return {
    unrecorded: files.filter((m) => !(m.id in record)).map((m) => m.id),
    changed: files.filter((m) => m.id in record && record[m.id] !== m.checksum).map((m) => m.id),
    missing: Object.keys(record).filter((id) => !ids.has(id)),
  };
}

/** Adds the unrecorded migrations to the record; never rewrites a recorded checksum. Returns the ids added. */
export function recordNewMigrations(dir = MIGRATIONS_DIR): string[] {
  const check = checkRecord(dir);
  if (check.changed.length || check.missing.length) return [];
  const record = readRecord(dir);
  for (const m of loadMigrations(dir)) if (!(m.id in record)) record[m.id] = m.checksum;
  const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(path.join(dir, RECORD_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
  return check.unrecorded;
}
