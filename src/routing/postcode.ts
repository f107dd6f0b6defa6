/**
 * Residence → département, as docs/routing.md §1 defines it. Only a French address yields a département: many
 * countries use 5-digit postal codes (DE, ES, IT…), so a postcode alone never makes a residence French.
 */

export interface Residence {
  /** ISO-style country code as EESSI writes it; the overseas codes GP, MQ, GF, RE, YT are normalised to FR. */
  country: string | null;
  postalCode: string | null;
  /** 2-digit, 2A/2B or 3-digit (97x/98x) département code; null when unknown. */
  departement: string | null;
}

/** EESSI country codes of overseas départements, which are France for social security. */
export const OVERSEAS_DEPARTEMENT_BY_COUNTRY: Readonly<Record<string, string>> = Object.freeze({
  GP: '971',
  MQ: '972',
  GF: '973',
  RE: '974',
  YT: '976',
});

/**
 * The département of a French 5-digit postal code: 97x../98x.. → first 3 digits; 200..–201.. → 2A;
 * 202..–206.. → 2B; otherwise the first 2 digits. Anything that is not 5 digits (spaces ignored) → null.
 */
export function departementFromPostalCode(postalCode: string | null): string | null {
  if (postalCode === null) return null;
  const code = postalCode.replace(/\s/g, '');
  if (!/^\d{5}$/.test(code)) return null;
  if (code.startsWith('97') || code.startsWith('98')) return code.slice(0, 3);
  if (code.startsWith('20')) {
    const third = code.charCodeAt(2) - 48;
    if (third <= 1) return '2A';
    if (third <= 6) return '2B';
  }
  return code.slice(0, 2);
}

/**
 * Residence facts from an address's country and postal code. For an overseas country code the département is
 * the one the code stands for (the sender's explicit choice), whatever the postcode says.
 */
export function residenceFrom(country: string | null, postalCode: string | null): Residence {
  const cc = country === null ? null : country.trim().toUpperCase() || null;
  const pc = postalCode === null ? null : postalCode.replace(/\s/g, '') || null;
  const overseas = cc === null ? undefined : OVERSEAS_DEPARTEMENT_BY_COUNTRY[cc];
  if (overseas !== undefined) return { country: 'FR', postalCode: pc, departement: overseas };
  return { country: cc, postalCode: pc, departement: cc === 'FR' ? departementFromPostalCode(pc) : null };
}
