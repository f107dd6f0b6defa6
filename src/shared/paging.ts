/** List paging (CONTRACT §3): `limit` (default 50, at most 500) and an opaque `cursor`. */
import { AppError } from './errors';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  /** Decoded cursor: the sort key of the last item returned. */
  after?: { at: string; id: string };
}

/**
 * The cursor's sort key is a timestamp unless `textKeys` (lists paged in memory by id): checked here, so a forged
 * cursor never reaches SQL as a failing cast.
 */
export function parsePageRequest(query: Record<string, unknown>, opts: { textKeys?: boolean } = {}): PageRequest {
  const rawLimit = query.limit;
  let limit = 50;
  if (rawLimit !== undefined) {
    limit = typeof rawLimit === 'string' && /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new AppError('REQ_INVALID_QUERY', 'limit must be a whole number from 1 to 500.', [{ path: 'limit', message: `got "${String(rawLimit)}"` }]);
    }
  }
  const cursor = query.cursor;
  if (cursor === undefined || cursor === '') return { limit };
  if (typeof cursor !== 'string' || cursor.length > 1000) {
    throw new AppError('REQ_INVALID_QUERY', 'cursor is not one this service returned.', [{ path: 'cursor', message: 'unreadable cursor' }]);
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const badText = (s: unknown) => typeof s !== 'string' || s.length > 200 || [...s].some((c) => c.charCodeAt(0) < 0x20);
  const badDate = (s: string) => !isRealInstant(s);
  if (!Array.isArray(decoded) || decoded.length !== 2 || badText(decoded[0]) || badText(decoded[1]) || (!opts.textKeys && badDate(decoded[0] as string))) {
    throw new AppError('REQ_INVALID_QUERY', 'cursor is not one this service returned.', [{ path: 'cursor', message: 'unreadable cursor' }]);
  }
  return { limit, after: { at: decoded[0], id: decoded[1] } };
}

/**
 * A UTC instant as this service writes it (toISOString) that names a real moment the database can store: no 31 February,
 * no hour 24, no year 0 (JavaScript rolls those over where PostgreSQL refuses them: a forged cursor was a 500, #21).
 */
export function isRealInstant(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$/.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return day >= 1 && date.getUTCDate() === day && date.getUTCMonth() === month - 1;
}

export function makeCursor(at: Date | string, id: string | number): string {
  return Buffer.from(JSON.stringify([at instanceof Date ? at.toISOString() : at, String(id)])).toString('base64url');
}

/** Given limit+1 rows, the page and its next cursor. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => [Date | string, string | number]): Page<T> {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: more && last ? makeCursor(...key(last)) : null };
}
