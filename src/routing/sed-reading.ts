/**
 * Tolerant readers for the CDM/CPI JSON shape of a SED. Senders differ in small ways (a coded value as
 * {"value":["FR"]} or a bare "FR", a single object where the CDM says list), and routing must read all of them
 * without ever throwing: an odd shape yields "unknown", and the rules decide what unknown means.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A leaf as trimmed text (numbers accepted, the CDM writes numbers as strings); null when absent or empty. */
export function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** A coded value: {"value": ["FR"]}, {"value": "FR"}, ["FR"] or a bare "FR" → "FR". */
export function coded(v: unknown): string | null {
  if (isObject(v)) return coded(v.value);
  if (Array.isArray(v)) return v.length > 0 ? text(v[0]) : null;
  return text(v);
}

/** The object itself, or the first object of a list (a section sent as a one-element list). */
export function firstObject(v: unknown): JsonObject | null {
  if (isObject(v)) return v;
  if (Array.isArray(v)) return (v.find(isObject) as JsonObject | undefined) ?? null;
  return null;
}

/** Every object of a list, or the single object when the sender did not wrap it in a list. */
export function objects(v: unknown): JsonObject[] {
  if (isObject(v)) return [v];
  if (Array.isArray(v)) return v.filter(isObject);
  return [];
}

/**
 * The SED root section: the key equal to sedType, else a variant key (P3000_FR for P3000), else the only key.
 */
export function sedRoot(sed: unknown, sedType: string | null): JsonObject | null {
  if (!isObject(sed)) return null;
  if (sedType !== null && isObject(sed[sedType])) return sed[sedType] as JsonObject;
  const keys = Object.keys(sed);
  if (sedType !== null) {
    const variant = keys.find((k) => k.startsWith(`${sedType}_`) && isObject(sed[k]));
    if (variant !== undefined) return sed[variant] as JsonObject;
  }
  return keys.length === 1 ? firstObject(sed[keys[0]]) : null;
}

/** Deeper than any real SED (about 15 levels); a pathological body is read down to here and no further. */
const MAX_DEPTH = 100;

/** Every distinct value of an `institutionID` key anywhere below `root`, in document order. */
export function institutionIdsIn(root: unknown): string[] {
  const found = new Set<string>();
  collectInstitutionIds(root, found, 0);
  return [...found];
}

function collectInstitutionIds(node: unknown, found: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) collectInstitutionIds(item, found, depth + 1);
    return;
  }
  for (const key of Object.keys(node)) {
    const value = (node as JsonObject)[key];
    if (key === 'institutionID' || key === 'institutionId') {
      const id = text(value);
      if (id !== null) found.add(id);
    } else {
      collectInstitutionIds(value, found, depth + 1);
    }
  }
}
