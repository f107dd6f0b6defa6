import { randomBytes } from 'node:crypto';

/** Opaque, sortable-enough ids with a readable prefix (`fwd_…`, `qtn_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

