/**
 * The reference data the synthetic generator draws from: the 2024 traffic mix (BUCs forwarded by the liaison
 * body, annex 2 of its activity report), the BUC catalogue (which SED starts a BUC, which follow) and the
 * directory (real French institution ids). Loaded from config/ so the project needs nothing outside itself.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadDirectoryFromConfig } from '../routing/config-files';
import { parseCsvRecords } from '../routing/csv';
import type { Directory } from '../routing/directory';

export interface BucMixEntry {
  bucType: string;
  /** Relative frequency (BUCs forwarded in 2024). */
  weight: number;
}

export interface BucSeds {
  starterSeds: string[];
  otherSeds: string[];
}

export interface SyntheticData {
  mix: BucMixEntry[];
  seds: ReadonlyMap<string, BucSeds>;
  directory: Directory;
}

export const TRAFFIC_MIX_FILE = 'traffic-mix-2024.csv';
export const BUC_CATALOGUE_FILE = 'bucs.csv';

// SED codes as the catalogue writes them: P2000, DA003A, U001CB, S053R, P3000_xx. Notes such as "(master)" or "?"
// and ranges such as "P4000-P10000" (their ends are kept) are tolerated.
const SED_CODE = /\b(?:DA\d{3}[A-Z]?|[A-Z]\d{3,5}(?:CB|[A-Z])?(?:_xx)?)\b/g;

export function sedCodes(field: string): string[] {
  return [...new Set(field.match(SED_CODE) ?? [])];
}

export function parseTrafficMix(text: string): BucMixEntry[] {
  return parseCsvRecords(text, ['bucType', 'forwarded2024'])
    .map((r) => ({ bucType: r.bucType.trim(), weight: Number(r.forwarded2024) }))
    .filter((e) => Number.isFinite(e.weight) && e.weight > 0);
}

export function parseBucCatalogue(text: string): Map<string, BucSeds> {
  const seds = new Map<string, BucSeds>();
  for (const r of parseCsvRecords(text, ['bucType', 'starterSeds', 'otherSeds'])) {
    seds.set(r.bucType.trim(), { starterSeds: sedCodes(r.starterSeds), otherSeds: sedCodes(r.otherSeds) });
  }
  return seds;
}

export function loadSyntheticData(configDir: string): SyntheticData {
  const read = (file: string): string => readFileSync(path.join(configDir, file), 'utf8');
  return {
    mix: parseTrafficMix(read(TRAFFIC_MIX_FILE)),
    seds: parseBucCatalogue(read(BUC_CATALOGUE_FILE)),
    directory: loadDirectoryFromConfig(configDir),
  };
}
