/**
 * Every problem of a rejected input carries a stable code and its parameters beside the English message, so the
 * console writes it in French or English from its catalogue (issue #20): JSON Schema keywords from ajv, the
 * envelope's cross-field checks and the bounded reader's limits.
 */
import { DEFAULT_INPUT_LIMITS } from '../../src/intake/input-limits';
import { readJsonInput } from '../../src/intake/input-reader';
import { AppError, type ErrorDetail } from '../../src/shared/errors';
import { EnvelopeValidator } from '../../src/validation/envelope-validator';
import { describeErrors, validatorFor } from '../../src/validation/schemas';
import { makeEnvelope } from '../helpers/envelopes';

const validator = new EnvelopeValidator({ bucTypes: new Set(['P_BUC_01']) });

function problems(envelope: unknown): { code: string; details: ErrorDetail[] } {
  try {
    validator.check(envelope);
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, details: e.details };
    throw e;
  }
  throw new Error('the envelope was accepted');
}

describe('problem codes of a rejected input', () => {
  it('names the additional key a closed object refuses, and the key whose name breaks a pattern', () => {
    const extra = describeErrors([{ keyword: 'additionalProperties', instancePath: '/sender', schemaPath: '#', params: { additionalProperty: 'nickname' } }]);
    expect(extra).toEqual([{ path: '/sender', message: 'has an unexpected key "nickname"', code: 'additionalProperties', params: { additionalProperty: 'nickname' } }]);
    const badName = describeErrors([{ keyword: 'pattern', instancePath: '/sed', schemaPath: '#', params: { pattern: '^P' }, propertyName: 'X1', data: 'X1' }]);
    expect(badName).toEqual([expect.objectContaining({ code: 'pattern', params: { pattern: '^P', value: '"X1"', propertyName: 'X1' } })]);
  });

  it('names each schema problem by its keyword, with the parameters the sentence needs', () => {
    const env = makeEnvelope({ bucType: 'P_BUC_01' }) as unknown as Record<string, unknown>;
    const { code, details } = problems({ ...env, envelopeId: undefined, sedType: 42 });
    expect(code).toBe('VAL_SCHEMA_MISMATCH');
    expect(details).toEqual(expect.arrayContaining([
      { path: '/envelopeId', message: 'is required but missing', code: 'required', params: { missingProperty: 'envelopeId' } },
      expect.objectContaining({ path: '/sedType', code: 'type', params: expect.objectContaining({ type: 'string', value: '42' }) }),
    ]));
    // Every detail has a code: none is left to its English message only.
    expect(details.filter((d) => !d.code)).toEqual([]);
  });

  it('gives enum, pattern and format their values, and a keyword it does not know its own parameters', () => {
    const validate = validatorFor('envelope.schema.json', ['sed.schema.json']);
    const env = makeEnvelope() as unknown as Record<string, unknown>;
    validate({ ...env, legalDeliveryAt: 'yesterday', sender: { institutionId: 'DE:DRV0000001', country: 'XX' } });
    const details = describeErrors(validate.errors);
    expect(details).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/legalDeliveryAt', code: 'format', params: { format: 'date-time', value: '"yesterday"' } })]));
    expect(details.map((d) => d.code)).toEqual(expect.arrayContaining(['format', 'pattern']));
    for (const d of details) expect(Object.values(d.params ?? {}).every((v) => typeof v === 'string' || typeof v === 'number')).toBe(true);
    const unknown = describeErrors([{ keyword: 'multipleOf', instancePath: '/n', schemaPath: '#', params: { multipleOf: 5 }, message: 'must be multiple of 5' }]);
    expect(unknown).toEqual([{ path: '/n', message: 'must be multiple of 5', code: 'multipleOf', params: { multipleOf: 5 } }]);
  });

  it('names the cross-field checks: country prefix, SED root key, unknown BUC type', () => {
    const env = makeEnvelope({ bucType: 'P_BUC_01' });
    const inconsistent = problems({ ...env, sender: { ...env.sender, country: 'FR' } });
    expect(inconsistent.code).toBe('VAL_INCONSISTENT');
    expect(inconsistent.details).toEqual([expect.objectContaining({
      path: '/sender/country', code: 'countryPrefix', params: { country: 'FR', institutionId: env.sender.institutionId, prefix: env.sender.institutionId.slice(0, 2) },
    })]);
    const unknownBuc = problems({ ...env, bucType: 'P_BUC_09' });
    expect(unknownBuc).toEqual({ code: 'VAL_UNKNOWN_BUC', details: [expect.objectContaining({ code: 'unknownBucType', params: { bucType: 'P_BUC_09' } })] });
  });

  it.each([
    ['', 'emptyInput', {}],
    ['{"a":', 'notJson', {}],
    ['[1]', 'type', { type: 'object', value: 'array' }],
    ['{"a":"\\u0000"}', 'unstorableText', { character: '\\u0000' }],
    ['{"__proto__":1}', 'forbiddenKey', { key: '__proto__' }],
  ])('the bounded reader names %j as %s', (text, problem, params) => {
    const r = readJsonInput(Buffer.from(text), DEFAULT_INPUT_LIMITS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.details).toEqual([expect.objectContaining({ code: problem, params })]);
  });
});
