import { randomBytes } from 'node:crypto';
import { systemClock } from './clock';

/**
 * Opaque, sortable-enough ids with a readable prefix (`fwd_…`, `qtn_…`). The real time only orders them: it is
 * never read back as a date, so tests with a fixed clock still get distinct, increasing ids.
 */
export function newId(prefix: string): string {
  return `${prefix}_${systemClock.now().getTime().toString(36)}${randomBytes(6).toString('hex')}`;
}
