/**
 * Turns raw bytes into a JSON value without ever trusting them: the size, the encoding (UTF-8, no BOM), the
 * nesting depth, the string and array lengths are checked by a bounded, iterative scan *before* JSON.parse, so no
 * input can exhaust the stack or the memory of the walks that follow; then the text the database cannot store
 * (NUL, lone surrogates), prototype-polluting keys and the number of institution references are checked on the
 * parsed value. Every refusal is an AppError of the input class (VAL_*), with the path where it was found.
 */
import { AppError, type ErrorCode } from '../shared/errors';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from './input-limits';

/** Limits for small JSON messages and request bodies (replies, tickets, API bodies): same checks, 1 MiB. */
export const DEFAULT_MESSAGE_LIMITS: Readonly<InputLimits> = Object.freeze({ ...DEFAULT_INPUT_LIMITS, maxBytes: 1024 * 1024 });

export type ReadResult = { ok: true; value: unknown } | { ok: false; error: AppError };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What the one detail of a refusal says as a code and parameters, for the console's catalogue (issue #20). */
type Problem = [code: string, params?: Record<string, string | number>];

function refuse(code: ErrorCode, message: string, path = '/', detail = message, [problem, params = {}]: Problem = [code]): ReadResult {
  return { ok: false, error: new AppError(code, message, [{ path, message: detail, code: problem, params }]) };
}

/** Reads one JSON document; `size` is the size announced or counted when `raw` was cut short. */
export function readJsonInput(raw: Buffer, limits: InputLimits, opts: { size?: number; truncated?: boolean; what?: string; object?: boolean } = {}): ReadResult {
  const what = opts.what ?? 'input';
  const size = opts.size ?? raw.length;
  if (size > limits.maxBytes || opts.truncated) {
    return refuse('VAL_TOO_LARGE', `The ${what} is ${size} bytes; the limit is ${limits.maxBytes} bytes. Attachments are not carried in envelopes.`, '/', `${size} bytes exceeds ${limits.maxBytes}`, ['tooLarge', { size, limit: limits.maxBytes }]);
  }
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    return refuse('VAL_BOM', `The ${what} starts with a UTF-8 byte order mark (EF BB BF); JSON text must not (RFC 8259 §8.1). Send the bytes without it.`, '/', undefined, ['byteOrderMark', { encoding: 'UTF-8' }]);
  }
  if (raw.length >= 2 && ((raw[0] === 0xfe && raw[1] === 0xff) || (raw[0] === 0xff && raw[1] === 0xfe))) {
    return refuse('VAL_BOM', `The ${what} starts with a UTF-16 byte order mark; JSON must be UTF-8 without BOM.`, '/', undefined, ['byteOrderMark', { encoding: 'UTF-16' }]);
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    const at = firstInvalidUtf8(raw);
    return refuse('VAL_ENCODING', `The ${what} is not valid UTF-8 (first invalid byte at offset ${at}).`, '/', `invalid UTF-8 at byte ${at}`, ['invalidUtf8', { offset: at }]);
  }
  const scanned = scanStructure(text, limits);
  if (scanned) return scanned;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = text.trim() === '' ? 'it is empty' : (e as Error).message;
    return refuse('VAL_NOT_JSON', `The ${what} is not one valid JSON document: ${reason}.`, '/', reason, [text.trim() === '' ? 'emptyInput' : 'notJson']);
  }
  if (opts.object !== false && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    return refuse('VAL_NOT_OBJECT', `The ${what} is valid JSON but not a JSON object (got ${got}).`, '/', `must be a JSON object, got ${got}`, ['type', { type: 'object', value: type }]);
  }
  return checkValue(value, limits) ?? { ok: true, value };
}

/** A JSON value's kind in words, for messages ("a string", "an array", "null"). */
export function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * One pass over the text, outside strings counting nesting and array elements, inside strings counting
 * characters. Iterative and O(n): it cannot overflow the stack. It does not judge the syntax (JSON.parse does).
 */
function scanStructure(text: string, limits: InputLimits): ReadResult | undefined {
  const elements: number[] = []; // per open container: array element count so far, or -1 for an object
  let inString = false;
  let stringStart = 0;
  let empty = true; // the innermost array has no element yet
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) {
        inString = false;
        if (i - stringStart - 1 > limits.maxStringLength) {
          return refuse('VAL_STRING_TOO_LONG', `A string of the input is ${i - stringStart - 1} characters long (escapes counted as written); the limit is ${limits.maxStringLength}.`, `@${stringStart}`, `string at character ${stringStart} exceeds ${limits.maxStringLength} characters`, ['stringTooLong', { at: stringStart, limit: limits.maxStringLength }]);
        }
      }
      continue;
    }
    if (c === 0x22) {
      inString = true;
      stringStart = i;
      markElement();
    } else if (c === 0x7b || c === 0x5b) {
      markElement();
      elements.push(c === 0x5b ? 0 : -1);
      empty = true;
      if (elements.length > limits.maxDepth) {
        return refuse('VAL_TOO_DEEP', `The input nests objects and arrays more than ${limits.maxDepth} levels deep.`, `@${i}`, `nesting deeper than ${limits.maxDepth} at character ${i}`, ['tooDeep', { at: i, limit: limits.maxDepth }]);
      }
    } else if (c === 0x7d || c === 0x5d) {
      elements.pop();
      empty = false;
    } else if (c === 0x2c) {
      empty = true;
    } else if (c > 0x20) {
      markElement();
    }
    const top = elements[elements.length - 1];
    if (top !== undefined && top > limits.maxArrayLength) {
      return refuse('VAL_ARRAY_TOO_LONG', `An array of the input has more than ${limits.maxArrayLength} elements.`, `@${i}`, `array longer than ${limits.maxArrayLength} elements at character ${i}`, ['arrayTooLong', { at: i, limit: limits.maxArrayLength }]);
    }
  }
  return undefined;

  // The first character of a value opens a new element of the innermost array.
  function markElement(): void {
    if (!empty) return;
    empty = false;
    const last = elements.length - 1;
    if (last >= 0 && elements[last] >= 0) elements[last] += 1;
  }
}

/** A value met by the walk below, with how it was reached (its JSON pointer is built only for a refusal). */
interface Visit { value: unknown; parent: Visit | null; key: string }

function pointer(v: Visit | null): string {
  const keys: string[] = [];
  for (let at = v; at && at.parent; at = at.parent) keys.push(escapePointer(at.key));
  return keys.length ? `/${keys.reverse().join('/')}` : '';
}

/** On the parsed value (depth already bounded): text PostgreSQL cannot store, polluting keys, reference count. */
function checkValue(root: unknown, limits: InputLimits): ReadResult | undefined {
  let references = 0;
  const stack: Visit[] = [{ value: root, parent: null, key: '' }];
  while (stack.length) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      const bad = unstorable(value);
      if (bad) return refuse('VAL_UNSTORABLE_TEXT', `The string at ${pointer(visit) || '/'} holds ${bad}, which the database cannot store.`, pointer(visit) || '/', `holds ${bad}`, ['unstorableText', { character: bad.replace(/^.*\((.*)\)$/, '$1') }]);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) stack.push({ value: value[i], parent: visit, key: String(i) });
      continue;
    }
    for (const key of Object.keys(value)) {
      const child: Visit = { value: (value as Record<string, unknown>)[key], parent: visit, key };
      if (FORBIDDEN_KEYS.has(key)) return refuse('VAL_FORBIDDEN_KEY', `The key "${key}" at ${pointer(child)} is not allowed (it can pollute object prototypes).`, pointer(child), 'forbidden key', ['forbiddenKey', { key }]);
      const bad = unstorable(key);
      if (bad) return refuse('VAL_UNSTORABLE_TEXT', `A key at ${pointer(visit) || '/'} holds ${bad}, which the database cannot store.`, pointer(child), `key holds ${bad}`, ['unstorableKey', { character: bad.replace(/^.*\((.*)\)$/, '$1') }]);
      if ((key === 'institutionID' || key === 'institutionId') && ++references > limits.maxInstitutionReferences) {
        return refuse('VAL_TOO_MANY_REFERENCES', `The input carries more than ${limits.maxInstitutionReferences} institution references.`, pointer(child), `reference number ${references} exceeds ${limits.maxInstitutionReferences}`, ['tooManyReferences', { limit: limits.maxInstitutionReferences }]);
      }
      stack.push(child);
    }
  }
  return undefined;
}

const ANY_SURROGATE = /[\ud800-\udfff]/;

function unstorable(s: string): string | undefined {
  if (s.includes('\u0000')) return 'a NUL character (\\u0000)';
  // Most strings hold no surrogate at all: the simple test first, the pairing check only when one is there.
  const m = ANY_SURROGATE.test(s) ? LONE_SURROGATE.exec(s) : null;
  if (m) return `a lone surrogate (\\u${m[0].charCodeAt(0).toString(16)})`;
  return undefined;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Offset of the first byte that breaks UTF-8 (for the message only). */
function firstInvalidUtf8(raw: Buffer): number {
  let lo = 0;
  let hi = raw.length;
  // Binary search on prefixes: a valid prefix decodes (allowing a cut sequence at its end via stream mode).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return lo;
}
