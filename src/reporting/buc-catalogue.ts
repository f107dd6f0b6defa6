/** BUC titles for the report tables (config/bucs.csv: French title, sector), as in annex 2 of the activity report. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsvRows } from '../routing/csv';
import { AppError } from '../shared/errors';

export interface BucCatalogue {
  title(bucType: string): string;
}

export function bucCatalogueFromCsv(text: string): BucCatalogue {
  const [header, ...rows] = parseCsvRows(text);
  const at = (name: string) => header.indexOf(name);
  const [id, fr, en] = [at('bucType'), at('titleFr'), at('titleEn')];
  if (id < 0 || (fr < 0 && en < 0)) throw new AppError('CFG_INVALID', 'bucs.csv needs the columns bucType and titleFr (or titleEn).');
  const titles = new Map(rows.map((r) => [r[id], (fr >= 0 && r[fr]) || (en >= 0 ? r[en] : '') || r[id]]));
  return { title: (bucType) => titles.get(bucType) ?? bucType };
}

export function loadBucCatalogue(configDir: string): BucCatalogue {
  const file = path.join(configDir, 'bucs.csv');
  try {
    return bucCatalogueFromCsv(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('CFG_INVALID', `Cannot read the BUC catalogue ${file}: ${(e as Error).message}.`);
  }
}

/** A BUC type as the run-time catalogue holds it (intake's, editable in the console). */
export interface LiveBucEntry {
  bucType: string;
  titleFr: string;
  titleEn: string;
}

/**
 * Titles from the run-time catalogue first (a BUC type added in the console has its title in the reports), then
 * the configuration file's, then the code itself.
 */
export function withLiveTitles(file: BucCatalogue, live: { list(): readonly LiveBucEntry[] }): BucCatalogue {
  return {
    title: (bucType) => {
      const e = live.list().find((x) => x.bucType === bucType);
      return e?.titleFr || e?.titleEn || file.title(bucType);
    },
  };
}
