/**
 * Finding an institution by what an operator types (issue #20): words in any order, accents and case ignored,
 * each word matching the start of a word of the institution's name, acronym, id (its letter and digit runs too:
 * "CPAM069" → cpam, 069), the départements it covers or their names ("cpam 69", "cpam rhône", "maladie rhône" all
 * find the CPAM of the Rhône). Every word must match. Best first: whole-word matches before prefixes, an exact id
 * or acronym first, then the shorter name, then the id. The index is built once per directory version (pure, in
 * memory: the directory is in memory already, so it behaves the same on PGlite and PostgreSQL).
 */
import type { Directory, InstitutionRow } from './directory';

/** Lower case, accents off, every run of other characters a single space. */
function foldText(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

const words = (s: string): string[] => foldText(s).split(' ').filter((w) => w !== '');

interface Entry {
  row: InstitutionRow;
  /** Words of the name, the départements' names and numbers. */
  words: string[];
  /** Words of the id and acronym (an exact hit there ranks first). */
  keys: string[];
  nameLength: number;
}

const indexes = new WeakMap<Directory, Entry[]>();

function idWords(id: string): string[] {
  const out = words(id);
  for (const w of [...out]) out.push(...(w.match(/[a-z]+|[0-9]+/g) ?? []));
  return out;
}

function indexOf(directory: Directory): Entry[] {
  let entries = indexes.get(directory);
  if (!entries) {
    entries = directory.institutions.map((row) => {
      const places = row.departements.flatMap((d) => [d, ...words(directory.territory(d)?.name ?? '')]);
      return { row, words: [...words(row.name), ...places], keys: [...idWords(row.id), ...words(row.acronym)], nameLength: words(row.name).length };
    });
    indexes.set(directory, entries);
  }
  return entries;
}

/** How well one query word matches: 3 an id/acronym word, 2 a whole word, 1 the start of a word, 0 not at all. */
function wordScore(q: string, e: Entry): number {
  if (e.keys.includes(q)) return 3;
  if (e.words.includes(q)) return 2;
  return e.keys.some((k) => k.startsWith(q)) || e.words.some((w) => w.startsWith(q)) ? 1 : 0;
}

/**
 * The institutions matching `q` (all of them, in id order, when `q` has no word), best first; `keep` filters
 * (network, validity) before ranking.
 */
export function searchInstitutions(directory: Directory, q: string | undefined, keep: (row: InstitutionRow) => boolean = () => true): InstitutionRow[] {
  const query = [...new Set(words(q ?? ''))];
  const entries = indexOf(directory).filter((e) => keep(e.row));
  if (query.length === 0) return entries.map((e) => e.row).sort((a, b) => (a.id < b.id ? -1 : 1));
  const scored: Array<{ e: Entry; score: number }> = [];
  for (const e of entries) {
    let score = 0;
    for (const w of query) {
      const s = wordScore(w, e);
      if (s === 0) {
        score = -1;
        break;
      }
      score += s;
    }
    if (score > 0) scored.push({ e, score });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.e.nameLength - b.e.nameLength || (a.e.row.id < b.e.row.id ? -1 : 1))
    .map((s) => s.e.row);
}
