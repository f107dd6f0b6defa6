/**
 * Records the checksum of each new migration in src/store/migrations/checksums.json, once it is ready to be
 * released (committed with it). A recorded migration that changed is refused: write a new migration instead.
 *
 *   npm run migrations:record
 */
import { checkRecord, recordNewMigrations } from '../src/store/migration-record';
import { colour, table } from './lib/cli';

const check = checkRecord();
if (check.changed.length || check.missing.length) {
  console.error(colour.red('Released migrations are append-only; nothing was recorded.'));
  if (check.changed.length) console.error(`Changed since recorded: ${check.changed.join(', ')}: restore them and put the change in a new NNN_name.sql.`);
  if (check.missing.length) console.error(`Recorded but missing: ${check.missing.join(', ')}: restore them.`);
  process.exit(1);
}
const added = recordNewMigrations();
console.log(added.length ? table(added.map((id) => ({ recorded: id })), 'New migrations recorded') : 'Every migration is already recorded.');
