/** stableStringify: the same content gives the same text whatever the key order; the text is the content. */
import fc from 'fast-check';
import { stableStringify } from '../../src/shared/json';

/** The text built piece by piece (the first implementation): the reference the fast one must equal. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
}

/** The same value with the keys of every object in reverse order. */
function reversed(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(reversed);
  const o = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(o).reverse().map((k) => [k, reversed(o[k])]));
}

describe('stableStringify', () => {
  test('equals the reference, ignores key order, and parses back to the same value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const text = stableStringify(v);
      expect(text).toBe(reference(v));
      expect(stableStringify(reversed(v))).toBe(text);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
    }), { numRuns: 500 });
  });

  test('a "__proto__" key read from JSON stays a key', () => {
    const v = JSON.parse('{"b":1,"__proto__":{"x":2},"a":[{"d":1,"c":2}]}');
    expect(stableStringify(v)).toBe('{"__proto__":{"x":2},"a":[{"c":2,"d":1}],"b":1}');
  });
});
