/** The BUC catalogue (config/bucs.csv): which BUC types exist, and their sector. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BucEntry } from '../intake/buc-catalogue';
import { parseCsvRecords } from '../routing/csv';
import { AppError } from '../shared/errors';

export type { BucEntry } from '../intake/buc-catalogue';

/** The whole catalogue file as rows: version 1 of the BUC catalogue kept in the database. */
export function loadBucCatalogue(configDir: string): BucEntry[] {
  const file = path.join(configDir, 'bucs.csv');
  try {
    return parseCsvRecords(readFileSync(file, 'utf8'), ['bucType', 'sector']).map((r) => ({
      bucType: r.bucType.trim(), sector: r.sector.trim(), titleEn: (r.titleEn ?? '').trim(), titleFr: (r.titleFr ?? '').trim(),
      starterSeds: (r.starterSeds ?? '').trim(), otherSeds: (r.otherSeds ?? '').trim(), multilateral: (r.multilateral ?? '').trim() === 'true',
    }));
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('CFG_INVALID', `Cannot read the BUC catalogue ${file}: ${(e as Error).message}.`);
  }
}

export function loadBucTypes(configDir: string): Set<string> {
  const file = path.join(configDir, 'bucs.csv');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('CFG_INVALID', `Cannot read the BUC catalogue ${file}: ${(e as Error).message}.`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines[0]?.startsWith('bucType,')) throw new AppError('CFG_INVALID', `${file} must start with a header whose first column is bucType.`);
  // bucType is the first column and never quoted: no full CSV parsing needed here.
  return new Set(lines.slice(1).map((l) => l.slice(0, l.indexOf(','))));
}
