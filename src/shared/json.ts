/**
 * JSON with keys sorted at every level: the same content always gives the same text (content hashes).
 * Native JSON.stringify does the writing; the replacer only hands it objects whose keys are in order (a copy
 * when they are not), about twice as fast as building the text piece by piece. An object whose keys look like
 * array indexes cannot be copied in order (JavaScript puts such keys first, in numeric order): the rare value
 * holding one is written piece by piece.
 */
export function stableStringify(value: unknown): string {
  try {
    return JSON.stringify(value, sortedKeys) ?? 'null';
  } catch (e) {
    if (e === INDEX_KEYS) return pieceByPiece(value);
    throw e;
  }
}

const INDEX_KEYS = Symbol('index-like keys');
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

function sortedKeys(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i += 1) inOrder = keys[i - 1] <= keys[i];
  if (inOrder) return v;
  if (keys.some((k) => INDEX_KEY.test(k))) throw INDEX_KEYS;
  // No prototype: a key "__proto__" (JSON.parse makes one) stays a plain key.
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of keys.sort()) out[k] = o[k];
  return out;
}

function pieceByPiece(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(pieceByPiece).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => `${JSON.stringify(k)}:${pieceByPiece(obj[k])}`).join(',')}}`;
}
