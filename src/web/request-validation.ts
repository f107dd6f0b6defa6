/**
 * The one validation helper every router uses: request bodies, path parameters and query values are checked here
 * against their expected form *before* they reach a service or SQL, so a hostile value (NUL, invalid UTF-8, a huge
 * number, an object where a string belongs) is a clear 4xx naming the field, never a 500.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DEFAULT_MESSAGE_LIMITS, kindOf, readJsonInput } from '../intake/input-reader';
import { AppError, type ErrorCode } from '../shared/errors';
import { openApiPathOf, openApiRequests } from '../validation/openapi-requests';

/** Body limits per route kind (the envelope route reads its own body: 5 MiB, quarantined when over). */
export const BODY_LIMITS = Object.freeze({ small: 64 * 1024, rules: 6 * 1024 * 1024, envelopeSimulation: 1024 * 1024 });

/**
 * Reads a JSON object body with the intake's bounded reader (size, encoding, depth, lengths, storable text):
 * `"x"` and `null` are "not a JSON object", a broken body "not valid JSON", each with its own code.
 * An empty body is an empty object (DELETE-like POSTs send none). Then the body is checked against the
 * operation's schema in docs/openapi.yaml (compiled once at start): 422 REQ_INVALID_BODY naming each wrong field,
 * before the handler runs; handlers and services receive a body of the documented shape.
 */
export function jsonBody(limit: number = BODY_LIMITS.small): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const raw = await readBodyBytes(req, limit);
      let body: unknown = {};
      if (raw.length > 0) {
        const read = readJsonInput(raw, { ...DEFAULT_MESSAGE_LIMITS, maxBytes: limit }, { what: 'request body' });
        if (!read.ok) throw read.error;
        body = read.value;
      }
      openApiRequests().checkBody(req.method, openApiPathOf(String(req.route?.path)), body);
      req.body = body;
      next();
    } catch (e) {
      next(e);
    }
  };
}

/**
 * The body's bytes, bounded: refused from its Content-Length before a byte is read (the 413 goes out at once and the
 * connection is closed rather than drained), counted while read when the length is not declared; a body in another
 * charset than UTF-8 or compressed (Content-Encoding) is refused before reading too (415, VAL_UNSUPPORTED_ENCODING).
 */
export async function readBodyBytes(req: Request, limit: number): Promise<Buffer> {
  refuseUnreadable(req, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AppError('VAL_TOO_LARGE', `The request body is over the limit of this endpoint (${limit} bytes).`, [{ path: '/', message: `over ${limit} bytes` }]);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The bytes of a body that is kept whatever it is (a rejected input is stored in quarantine: the envelope and RINA
 * event endpoints): a Content-Encoding not read here is refused first (415) unless `encodings: 'keep'` (an
 * envelope is quarantined as it came, never refused); a body declared over `limit` is not read at all (answered at
 * once from its Content-Length: `raw` empty, `truncated`); otherwise up to `limit` + `keepBeyond` bytes are kept and
 * the rest only counted. The caller quarantines what is too large or unreadable.
 */
export async function readKeptBodyBytes(
  req: Request, limit: number, keepBeyond = 0, opts: { encodings: 'refuse' | 'keep' } = { encodings: 'refuse' },
): Promise<{ raw: Buffer; size: number; truncated: boolean }> {
  if (opts.encodings === 'refuse') refuseEncoding(req);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return { raw: Buffer.alloc(0), size: declared, truncated: true };
  const keep = limit + keepBeyond;
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (kept < keep) {
      const part = chunk.subarray(0, keep - kept);
      chunks.push(part);
      kept += part.length;
    }
  }
  return { raw: Buffer.concat(chunks), size, truncated: size > kept };
}

/** What the headers alone tell: a declared length over the limit (413), a charset or Content-Encoding not read here (415). */
export function refuseUnreadable(req: Request, limit: number): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    throw new AppError('VAL_TOO_LARGE', `The request body is ${declared} bytes; the limit of this endpoint is ${limit} bytes.`, [{ path: '/', message: `over ${limit} bytes` }]);
  }
  refuseEncoding(req);
}

/** A charset other than UTF-8 or a Content-Encoding other than identity: 415, before a byte is read. */
function refuseEncoding(req: Request): void {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new AppError('VAL_UNSUPPORTED_ENCODING', `Content-Encoding "${printable(encoding)}" is not accepted: send the JSON uncompressed.`, [{ path: 'content-encoding', message: 'only identity' }]);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(req.headers['content-type'] ?? ''))?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError('VAL_UNSUPPORTED_ENCODING', `The charset "${printable(charset)}" is not accepted: JSON bodies are UTF-8.`, [{ path: 'content-type', message: 'charset must be utf-8' }]);
  }
}

/** The forms path parameters take. Anything else is refused before a lookup. */
export const PARAM_FORMS = Object.freeze({
  /** Case ids, envelope ids, forward ids, ticket ids, quarantine ids: printable ASCII without separators. */
  id: /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/,
  institutionId: /^[A-Z]{2}:[A-Za-z0-9]{1,20}$/,
  departement: /^(?:\d{2}|2A|2B|97\d)$/,
  month: /^\d{4}-(?:0[1-9]|1[0-2])$/,
  year: /^\d{4}$/,
  username: /^[A-Za-z0-9_.@-]{1,64}$/,
});

export type ParamForm = keyof typeof PARAM_FORMS | 'version';

/** A path parameter of the expected form, else 404 `notFound` (the thing cannot exist) or 400. */
export function pathParam(req: Request, name: string, form: ParamForm, notFound?: ErrorCode): string {
  const value = String(req.params[name] ?? '');
  const ok = form === 'version' ? isVersion(value) : PARAM_FORMS[form].test(value);
  if (ok) return value;
  const shown = printable(value);
  if (notFound) throw new AppError(notFound, `No such ${name} "${shown}".`, [{ path: name, message: `not a valid ${form}` }]);
  throw new AppError('VAL_INVALID_PARAMETER', `The ${name} "${shown}" is not a valid ${form}.`, [{ path: name, message: `not a valid ${form}` }]);
}

/** Versions are whole numbers from 1 that fit a PostgreSQL integer (99999999999999999999 is no version). */
function isVersion(v: string): boolean {
  if (!/^[1-9]\d{0,9}$/.test(v)) return false;
  return Number(v) <= 2_147_483_647;
}

/** A single optional query value: a string (not repeated) matching `pattern`, else 400 naming it. */
export function queryText(req: Request, name: string, pattern: RegExp = /^[\x20-\x7e\u00a0-\uffff]{1,200}$/): string | undefined {
  const raw = (req.query as Record<string, unknown>)[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw new AppError('REQ_INVALID_QUERY', `${name} must be given once, as text.`, [{ path: name, message: `got ${kindOf(raw)}` }]);
  if (!pattern.test(raw) || hasUnsafeText(raw)) {
    throw new AppError('REQ_INVALID_QUERY', `${name} "${printable(raw)}" is not a valid value.`, [{ path: name, message: 'invalid value' }]);
  }
  return raw;
}

/** One of `allowed`, or undefined when absent. */
export function queryEnum<T extends string>(req: Request, name: string, allowed: readonly T[]): T | undefined {
  const v = queryText(req, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new AppError('REQ_INVALID_QUERY', `${name} must be one of ${allowed.join(', ')}.`, [{ path: name, message: `got "${printable(v)}"` }]);
  }
  return v as T;
}

/**
 * In front of every router (before identification): a URL whose path does not decode (invalid UTF-8 such as
 * %FF%FE) or holds NUL/control characters, or a query value that does, is 400 at once, with or without credentials.
 */
export function rejectHostileUrls(req: Request, _res: Response, next: NextFunction): void {
  const rawPath = req.originalUrl.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return next(new AppError('VAL_INVALID_PARAMETER', 'The URL path is not valid percent-encoded UTF-8.', [{ path: 'path', message: 'invalid percent-encoding or UTF-8' }]));
  }
  if (hasUnsafeText(decoded)) return next(new AppError('VAL_INVALID_PARAMETER', 'The URL path holds a NUL or control character.', [{ path: 'path', message: 'control character' }]));
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
  for (const part of query.split('&')) {
    let value: string;
    try {
      value = decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return next(new AppError('REQ_INVALID_QUERY', 'A query value is not valid percent-encoded UTF-8.', [{ path: part.split('=')[0].slice(0, 40), message: 'invalid percent-encoding or UTF-8' }]));
    }
    if (hasUnsafeText(value)) return next(new AppError('REQ_INVALID_QUERY', 'A query value holds a NUL or control character.', [{ path: value.split('=')[0].slice(0, 40), message: 'control character' }]));
  }
  next();
}

/** NUL, other C0 controls, DEL, lone surrogates: nothing a path or filter legitimately holds, and NUL breaks SQL text. */
function hasUnsafeText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/** A value as it may be echoed in a message: printable, short. */
function printable(v: string): string {
  let out = '';
  for (const ch of v.slice(0, 60)) out += ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? '?' : ch;
  return v.length > 60 ? `${out}…` : out;
}

/** Responses that carry personal data must not be kept by a browser or a proxy. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  next();
}
