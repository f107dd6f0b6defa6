/**
 * fast-check arbitraries of hostile intake inputs: valid envelopes mutated the ways a broken adapter or an attacker
 * would (deep nesting, huge strings and arrays, wrong types, prototype-pollution keys, invalid UTF-8, NUL and lone
 * surrogates, BOMs, truncated JSON, two documents in one body), plus random JSON and random bytes.
 */
import fc from 'fast-check';
import { makeEnvelope } from './envelopes';

/** Seed of the fuzz runs: FUZZ_SEED to replay a failure, else fixed so that CI is reproducible. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261201);

export type Hostile = { kind: string; body: Buffer };

const valid = (n: number) => makeEnvelope({ caseId: `C-FUZZ-${n}`, documentId: `fuzz${n}` });

function setDeep(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let at: Record<string, unknown> = obj;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
}

const PATHS: string[][] = [
  ['envelopeId'], ['caseId'], ['bucType'], ['sedType'], ['sender'], ['sender', 'institutionId'], ['receiver', 'country'],
  ['legalDeliveryAt'], ['sed'], ['sed', 'P2000', 'InsuredPerson', 'PersonIdentification', 'familyName'],
  ['sed', 'P2000', 'InsuredPerson', 'PersonIdentification', 'dateBirth'], ['sed', 'P2000', 'Extra'],
];

const wrongValue = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }), fc.constant({ $ne: 1 }), fc.string({ maxLength: 30 }),
);

const bytes = (s: string) => Buffer.from(s, 'utf8');

/** One hostile input; `n` keeps the envelope ids of different samples apart. */
export function hostileInput(n: number): fc.Arbitrary<Hostile> {
  const json = () => JSON.stringify(valid(n));
  return fc.oneof(
    fc.integer({ min: 65, max: 20_000 }).map((depth) => ({ kind: 'deep', body: bytes(json().replace('"sed":{', `"sed":{"Deep":${'['.repeat(depth)}${']'.repeat(depth)},`)) })),
    fc.integer({ min: 65_537, max: 400_000 }).map((len) => ({ kind: 'huge-string', body: bytes(json().replace('"Dupontel"', `"${'x'.repeat(len)}"`)) })),
    fc.integer({ min: 10_001, max: 30_000 }).map((len) => ({ kind: 'huge-array', body: bytes(json().replace('"sed":{', `"sed":{"Many":[${Array(len).fill('1').join(',')}],`)) })),
    fc.integer({ min: 501, max: 1500 }).map((refs) => ({ kind: 'many-refs', body: bytes(json().replace('"sed":{', `"sed":{"Refs":[${Array(refs).fill('{"institutionID":"FR:CPAM75"}').join(',')}],`)) })),
    fc.tuple(fc.constantFrom(...PATHS), wrongValue).map(([path, value]) => {
      const e = valid(n) as unknown as Record<string, unknown>;
      setDeep(e, path, value);
      return { kind: `wrong-type:${path.join('.')}`, body: bytes(JSON.stringify(e)) };
    }),
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom('', '"sender":', '"sed":{"P2000":')).map(([key]) => ({
      kind: `pollution:${key}`, body: bytes(json().replace('"sed":{', `"sed":{"${key}":{"polluted":true},`)),
    })),
    fc.tuple(fc.nat(), fc.constantFrom([0xff], [0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80])).map(([at, bad]) => {
      const b = bytes(json());
      const i = at % b.length;
      return { kind: 'invalid-utf8', body: Buffer.concat([b.subarray(0, i), Buffer.from(bad), b.subarray(i)]) };
    }),
    fc.constantFrom('\\u0000', '\\ud800', '\\udfff', '\\ud83d', 'a\\u0000b').map((esc) => ({ kind: `unstorable:${esc}`, body: bytes(json().replace('"Dupontel"', `"Dupon${esc}tel"`)) })),
    fc.constantFrom([0xef, 0xbb, 0xbf], [0xfe, 0xff], [0xff, 0xfe]).map((bom) => ({ kind: 'bom', body: Buffer.concat([Buffer.from(bom), bytes(json())]) })),
    fc.nat().map((at) => {
      const b = bytes(json());
      return { kind: 'truncated', body: b.subarray(0, at % (b.length - 1)) };
    }),
    fc.constantFrom('', ' ', '\n', '{}').map((sep) => ({ kind: 'two-documents', body: bytes(`${json()}${sep}${sep === '{}' ? '' : json()}`) })),
    fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: 'random-json', body: bytes(JSON.stringify(v) ?? 'null') })),
    fc.uint8Array({ maxLength: 200 }).map((a) => ({ kind: 'random-bytes', body: Buffer.from(a) })),
    fc.constantFrom('"x"', 'null', '42', 'true', '[]', '""').map((s) => ({ kind: 'not-an-object', body: bytes(s) })),
  );
}

/** A healthy envelope, as bytes. */
export function healthy(n: number): Hostile {
  return { kind: 'healthy', body: bytes(JSON.stringify(makeEnvelope({ caseId: `C-OK-${n}`, documentId: `ok${n}` }))) };
}
