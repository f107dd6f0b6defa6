/**
 * Reading fields of a request or message body, saying exactly what is wrong: a missing field is "is required",
 * a field of the wrong type (`{"note": {"a": 1}}`, `{"institutionId": {"$ne": 1}}`) is "must be a string (got an
 * object)", never silently dropped nor reported as missing.
 */
import { AppError } from './errors';

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The body as an object (a body that is not one was refused by the reader already; this is the last guard). */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('VAL_NOT_OBJECT', `The body is not a JSON object (got ${kind(body)}).`, [{ path: '/', message: `must be a JSON object, got ${kind(body)}` }]);
  }
  return body as Record<string, unknown>;
}

/** A required, non-blank string field, trimmed and cut to `max`. */
export function requiredText(body: unknown, name: string, max = 2000): string {
  const v = bodyObject(body)[name];
  if (v === undefined || v === null || (typeof v === 'string' && !v.trim())) {
    throw new AppError('REQ_INVALID_BODY', `${name} is required.`, [{ path: `/${name}`, message: 'is required but missing' }]);
  }
  if (typeof v !== 'string') throw wrongType(name, v);
  return v.trim().slice(0, max);
}

/** An optional string field: undefined/null when absent, an error when present with another type. */
export function optionalText(body: unknown, name: string, max = 2000): string | null {
  const v = bodyObject(body)[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw wrongType(name, v);
  const t = v.trim();
  return t ? t.slice(0, max) : null;
}

function wrongType(name: string, v: unknown): AppError {
  return new AppError('REQ_INVALID_BODY', `${name} must be a string (got ${kind(v)}).`, [{ path: `/${name}`, message: `must be a string, got ${kind(v)}` }]);
}
