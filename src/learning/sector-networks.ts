/**
 * Which institutions a learned rule may forward a sector's cases to: those of the sector's routing networks
 * (a pension case to a pension fund, not to a CAF). Recovery (R), horizontal (H), miscellaneous (M) and
 * administrative (AD) BUCs concern every branch: any French institution but the liaison body itself.
 */
import type { Directory } from '../routing/directory';

const SECTOR_NETWORKS: Readonly<Record<string, readonly string[]>> = {
  P: ['PENSION_GENERAL', 'SPECIAL_PENSION', 'MSA'],
  S: ['SICKNESS_GENERAL', 'SPECIAL_SICKNESS', 'MSA'],
  AW: ['SICKNESS_GENERAL', 'SPECIAL_SICKNESS', 'MSA'],
  FB: ['FAMILY_GENERAL', 'MSA'],
  LA: ['APPLICABLE_LEGISLATION'],
  UB: ['UNEMPLOYMENT'],
};

const NEVER = 'LIAISON';

/** Whether a case of `sector` may be forwarded to the institution by a learned rule. */
export function inSectorNetwork(directory: Directory, institutionId: string, sector: string | null): boolean {
  const networks = directory.institution(institutionId)?.networks ?? [];
  if (networks.length === 0 || networks.includes(NEVER)) return false;
  const allowed = sector === null ? undefined : SECTOR_NETWORKS[sector];
  return allowed === undefined || networks.some((n) => allowed.includes(n));
}
