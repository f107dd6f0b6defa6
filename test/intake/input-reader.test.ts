/** The bounded reader: every limit its own code, no input can blow the stack, BOM/UTF-8/NUL/surrogates refused. */
import fc from 'fast-check';
import { DEFAULT_INPUT_LIMITS, LIMIT_CODES } from '../../src/intake/input-limits';
import { readJsonInput } from '../../src/intake/input-reader';
import { FUZZ_SEED } from '../helpers/hostile';

const limits = { ...DEFAULT_INPUT_LIMITS, maxBytes: 1000, maxDepth: 5, maxStringLength: 13, maxArrayLength: 3, maxInstitutionReferences: 2 };
const read = (s: string | Buffer) => readJsonInput(Buffer.isBuffer(s) ? s : Buffer.from(s), limits);
const code = (s: string | Buffer) => {
  const r = read(s);
  return r.ok ? 'ok' : r.error.code;
};

describe('readJsonInput', () => {
  it.each([
    ['{"a":1}', 'ok'],
    ['{"a":[[[[1]]]]}', 'ok'],
    ['{"a":[[[[[1]]]]]}', 'VAL_TOO_DEEP'],
    ['{"a":"0123456789abc"}', 'ok'],
    ['{"a":"0123456789abcd"}', 'VAL_STRING_TOO_LONG'],
    ['{"0123456789abcd":1}', 'VAL_STRING_TOO_LONG'],
    ['{"a":[1,2,3]}', 'ok'],
    ['{"a":[1,2,3,4]}', 'VAL_ARRAY_TOO_LONG'],
    ['{"a":[[1,2],[3],{"b":[1,2,3]}]}', 'ok'],
    ['{"a":[{"institutionID":"x"},{"institutionId":"y"}]}', 'ok'],
    ['{"a":[{"institutionID":"x"},{"institutionId":"y"},{"institutionID":"z"}]}', 'VAL_TOO_MANY_REFERENCES'],
    ['{"a":"x\\u0000"}', 'VAL_UNSTORABLE_TEXT'],
    ['{"a\\u0000":1}', 'VAL_UNSTORABLE_TEXT'],
    ['{"a":"\\ud800"}', 'VAL_UNSTORABLE_TEXT'],
    ['{"a":"\\udc00x"}', 'VAL_UNSTORABLE_TEXT'],
    ['{"a":"\\ud83d\\ude00"}', 'ok'],
    ['{"__proto__":{}}', 'VAL_FORBIDDEN_KEY'],
    ['{"a":{"constructor":{}}}', 'VAL_FORBIDDEN_KEY'],
    ['{"a":1', 'VAL_NOT_JSON'],
    ['{}{}', 'VAL_NOT_JSON'],
    ['', 'VAL_NOT_JSON'],
    ['"x"', 'VAL_NOT_OBJECT'],
    ['null', 'VAL_NOT_OBJECT'],
    ['[1]', 'VAL_NOT_OBJECT'],
  ])('%s → %s', (input, expected) => {
    expect(code(input)).toBe(expected);
  });

  it('refuses BOMs and invalid UTF-8 with their own codes, and oversize input before reading it', () => {
    expect(code(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('VAL_BOM');
    expect(code(Buffer.from([0xff, 0xfe, 0x7b, 0x00]))).toBe('VAL_BOM');
    expect(code(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]))).toBe('VAL_ENCODING');
    const r = read(Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])); // an encoded surrogate is not UTF-8
    expect(!r.ok && r.error.message).toMatch(/offset 3/);
    expect(code(Buffer.alloc(1001, 0x20))).toBe('VAL_TOO_LARGE');
    expect(readJsonInput(Buffer.from('{}'), limits, { size: 5000, truncated: true }).ok).toBe(false);
  });

  it('names every limit with its own code', () => {
    expect(new Set(Object.values(LIMIT_CODES)).size).toBe(Object.keys(LIMIT_CODES).length);
  });

  it('never throws and never blows the stack, whatever the bytes (property, seeded)', () => {
    const deep = fc.integer({ min: 1, max: 200_000 }).map((d) => Buffer.from(`${'['.repeat(d)}${']'.repeat(d)}`));
    const mixed = fc.array(fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', '1', 'a', ' ', '\\u0000', '\\ud800'), { maxLength: 3000 }).map((a) => Buffer.from(a.join('')));
    const any = fc.oneof(deep, mixed, fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')));
    fc.assert(fc.property(any, (bytes) => {
      const r = readJsonInput(bytes, { ...DEFAULT_INPUT_LIMITS, maxDepth: 64 });
      // An accepted value is an object JSON.parse agrees with, within the depth limit.
      if (r.ok) expect(JSON.parse(bytes.toString('utf8'))).toEqual(r.value);
      else expect(r.error.code).toMatch(/^VAL_/);
    }), { seed: FUZZ_SEED, numRuns: 400 });
  });
});
