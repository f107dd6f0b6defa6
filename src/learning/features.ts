/**
 * The features of a case the learning loop compares: computed from the routing facts (docs/routing.md §1), and
 * deliberately coarse and non-personal. No name, birth date, postcode or PIN is kept: the residence is reduced to
 * its département (or its country when abroad), the French references to their networks, and the French PIN to
 * a keyed hash that can only say "the same person" — never who.
 */
import { createHash, createHmac } from 'node:crypto';
import type { RoutingFacts } from '../routing/facts';

export interface CaseFeatures {
  bucType: string;
  sector: string;
  senderCountry: string;
  /** 'dep:69', 'country:DE' or 'unknown'. */
  residence: string;
  /** Networks of the valid French references, sorted and distinct. */
  refNetworks: string[];
  /** Keyed hash of the French PIN, or null without one. */
  pinHash: string | null;
}

/** Hashes a French PIN under a secret key: HMAC-SHA256, prefixed with the key's fingerprint. */
export interface PinHasher {
  hash(frenchPin: string): string;
}

export function pinHasher(key: string): PinHasher {
  // The fingerprint keeps hashes made under an earlier key from ever matching (and says which key made them).
  const fingerprint = createHash('sha256').update(`pin-hash-key:${key}`).digest('hex').slice(0, 8);
  return { hash: (pin) => `k${fingerprint}:${createHmac('sha256', key).update(pin).digest('hex')}` };
}

export function residenceKey(facts: Pick<RoutingFacts, 'residence'>): string {
  const r = facts.residence;
  if (r?.departement) return `dep:${r.departement}`;
  if (r?.country) return `country:${r.country}`;
  return 'unknown';
}

export function caseFeatures(facts: RoutingFacts, hasher: PinHasher): CaseFeatures {
  return {
    bucType: facts.bucType ?? '',
    sector: facts.sector ?? '',
    senderCountry: facts.senderCountry ?? '',
    residence: residenceKey(facts),
    refNetworks: [...new Set(facts.frenchRefs.flatMap((r) => r.networks))].sort(),
    pinHash: facts.frenchPin ? hasher.hash(facts.frenchPin) : null,
  };
}

/** The residence in words, for a basis sentence ("residence département 69"). */
export function residenceWords(residence: string): string {
  if (residence.startsWith('dep:')) return `residence département ${residence.slice(4)}`;
  if (residence.startsWith('country:')) return `residence in ${residence.slice(8)}`;
  return 'no known residence';
}
