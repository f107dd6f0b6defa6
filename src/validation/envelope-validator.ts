/**
 * Checks one parsed envelope: JSON Schema (envelope + the SED parts routing reads), then the cross-field
 * rules a schema cannot say (country prefix, root key vs sedType, BUC type in the catalogue).
 * Returns the first failing class as an AppError with every problem found in `details`.
 */
import { AppError, type ErrorDetail } from '../shared/errors';
import { describeErrors, validatorFor } from './schemas';

export interface EnvelopeValidatorOptions {
  /** Known BUC types (the catalogue: config/bucs.csv, then its versions edited at run time). */
  bucTypes: { has(bucType: string): boolean };
}

export class EnvelopeValidator {
  private readonly validate = validatorFor('envelope.schema.json', ['sed.schema.json']);

  constructor(private readonly opts: EnvelopeValidatorOptions) {}

  /** Throws AppError (VAL_*) when the envelope cannot be accepted. */
  check(envelope: unknown): void {
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
      throw new AppError('VAL_SCHEMA_MISMATCH', 'The envelope must be a JSON object.', [{ path: '/', message: 'must be an object', code: 'type', params: { type: 'object', value: Array.isArray(envelope) ? 'array' : String(envelope === null ? null : typeof envelope) } }]);
    }
    if (!this.validate(envelope)) {
      const details = describeErrors(this.validate.errors).map((d) =>
        d.path === '/sed' && /key\(s\)/.test(d.message)
          ? { ...d, message: `${d.message}; the SED must be in the CDM/CPI JSON shape, with the SED type as its only root key (e.g. {"P2000": {...}}), not a national format`, params: { ...d.params, hint: 'cdmShape' } }
          : d);
      const sedOnly = details.every((d) => d.path.startsWith('/sed/'));
      throw new AppError(
        sedOnly ? 'VAL_SED_MISMATCH' : 'VAL_SCHEMA_MISMATCH',
        sedOnly
          ? `The SED body does not match the CDM shape routing needs (${details.length} problem(s), first at ${details[0]?.path}: ${details[0]?.message}).`
          : `The envelope does not match the envelope schema (${details.length} problem(s), first at ${details[0]?.path}: ${details[0]?.message}).`,
        details,
      );
    }
    const env = envelope as {
      bucType: string; sedType: string;
      sender: { institutionId: string; country: string }; receiver: { institutionId: string; country: string };
      sed: Record<string, unknown>;
    };
    const problems: ErrorDetail[] = [];
    for (const side of ['sender', 'receiver'] as const) {
      const prefix = env[side].institutionId.slice(0, 2);
      if (prefix !== env[side].country) {
        problems.push({
          path: `/${side}/country`, message: `is "${env[side].country}" but the institution id ${env[side].institutionId} is from "${prefix}"`,
          code: 'countryPrefix', params: { country: env[side].country, institutionId: env[side].institutionId, prefix },
        });
      }
    }
    const rootKey = Object.keys(env.sed)[0];
    if (rootKey !== env.sedType && !rootKey.startsWith(`${env.sedType}_`)) {
      problems.push({
        path: `/sed/${rootKey}`, message: `the SED root key must be the SED type "${env.sedType}" (or a variant such as ${env.sedType}_XX), got "${rootKey}"`,
        code: 'sedRootKey', params: { sedType: env.sedType, rootKey },
      });
    }
    if (problems.length) {
      throw new AppError('VAL_INCONSISTENT', `The envelope contradicts itself: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`, problems);
    }
    if (!this.opts.bucTypes.has(env.bucType)) {
      throw new AppError('VAL_UNKNOWN_BUC', `The BUC type ${env.bucType} is not in the BUC catalogue.`, [
        { path: '/bucType', message: `"${env.bucType}" is not a known BUC type (BUC catalogue: config/bucs.csv)`, code: 'unknownBucType', params: { bucType: env.bucType } },
      ]);
    }
  }
}
