/**
 * Released migrations are append-only: each file must match the checksum recorded in the repository
 * (src/store/migrations/checksums.json), and a new file must be recorded (npm run migrations:record) before release.
 * The same check on a copy of the folder, edited, shows it fails.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../../src/store/migrate';
import { checkRecord, readRecord, recordNewMigrations, RECORD_COMMAND, type RecordCheck } from '../../src/store/migration-record';

/** The check as a list of sentences a developer can act on. */
function problems(c: RecordCheck): string[] {
  return [
    ...c.unrecorded.map((id) => `${id}.sql is not recorded: run \`${RECORD_COMMAND}\` and commit src/store/migrations/checksums.json with it`),
    ...c.changed.map((id) => `${id}.sql changed after it was released: restore it and put the change in a new migration`),
    ...c.missing.map((id) => `${id}.sql was released and is gone: restore it`),
  ];
}

describe('migrations are append-only', () => {
  it('every migration file matches its recorded checksum, and every file is recorded', () => {
    expect(Object.keys(readRecord()).length).toBeGreaterThanOrEqual(4);
    expect(problems(checkRecord())).toEqual([]);
  });

  describe('on a copy of the folder', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('fails when a released migration changes, even by a comment', () => {
      appendFileSync(path.join(dir, '002_cases_routing_forwarding.sql'), '\n-- tidied\n');
      expect(problems(checkRecord(dir))).toEqual(['002_cases_routing_forwarding.sql changed after it was released: restore it and put the change in a new migration']);
      expect(recordNewMigrations(dir)).toEqual([]); // the recorder refuses to paper over it
      expect(problems(checkRecord(dir))).toHaveLength(1);
    });

    it('fails on an unrecorded file, saying how to record it; recording makes it pass', () => {
      writeFileSync(path.join(dir, '099_example.sql'), 'CREATE TABLE example (id text PRIMARY KEY);\n');
      expect(problems(checkRecord(dir))).toEqual([`099_example.sql is not recorded: run \`npm run migrations:record\` and commit src/store/migrations/checksums.json with it`]);
      expect(recordNewMigrations(dir)).toEqual(['099_example']);
      expect(problems(checkRecord(dir))).toEqual([]);
    });

    it('fails when a released migration is deleted', () => {
      rmSync(path.join(dir, '001_intake.sql'));
      expect(problems(checkRecord(dir))).toEqual(['001_intake.sql was released and is gone: restore it']);
    });
  });
});
