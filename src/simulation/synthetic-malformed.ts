/**
 * Malformed inputs for intake tests: each starts from a good envelope and breaks one thing, the way real
 * senders and adapters do (truncated bodies, missing fields, wrong patterns, contradictions).
 */
import type { Envelope } from '../intake/envelope';
import type { Prng } from './prng';

export interface MalformedInput {
  malformed: true;
  /** The input exactly as intake would receive it (not necessarily JSON). */
  raw: string;
  /** What is wrong with it, for test names and assertions. */
  why: string;
}

type Breakage = { why: string; apply: (e: Record<string, unknown>, rng: Prng) => string };

const asJson = (e: Record<string, unknown>): string => JSON.stringify(e);

const BREAKAGES: readonly Breakage[] = [
  {
    why: 'not JSON: the body is cut short',
    apply: (e, rng) => {
      const text = asJson(e);
      return text.slice(0, rng.int(1, Math.max(1, text.length - 2)));
    },
  },
  {
    why: 'missing field',
    apply: (e, rng) => {
      const field = rng.pick(['caseId', 'sedType', 'legalDeliveryAt', 'sender', 'sed']);
      delete e[field];
      return asJson(e);
    },
  },
  {
    why: 'bucType does not match the BUC pattern',
    apply: (e, rng) => asJson({ ...e, bucType: rng.pick(['P-BUC-01', 'p_buc_01', 'PBUC01', 'P_BUC_1']) }),
  },
  {
    why: 'SED root key differs from sedType',
    apply: (e) => asJson({ ...e, sed: { X999: { sedGVer: '4' }, Other: {} } }),
  },
  {
    why: 'legalDeliveryAt is not RFC 3339 with offset',
    apply: (e, rng) => asJson({ ...e, legalDeliveryAt: rng.pick(['2024-13-40T25:00:00', '30/09/2024 10:00', '2024-09-30T10:00:00']) }),
  },
  {
    why: 'sender country contradicts the institution id',
    apply: (e) => asJson({ ...e, sender: { institutionId: 'DE:DRV0000001', name: 'Deutsche Rentenversicherung', country: 'AT' } }),
  },
];

export function malformedFrom(rng: Prng, envelope: Envelope): MalformedInput {
  const breakage = rng.pick(BREAKAGES);
  const copy = structuredClone(envelope) as unknown as Record<string, unknown>;
  const raw = breakage.apply(copy, rng);
  const why = breakage.why === 'missing field' ? `missing field: ${Object.keys(envelope).find((k) => !raw.includes(`"${k}":`)) ?? '?'}` : breakage.why;
  return { malformed: true, raw, why };
}
