/** The CSV reader and the directory built from config/ (institutions.csv, territories.csv). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsvRecords, parseCsvRows } from '../../src/routing/csv';
import { directoryFromCsv, directoryFromData, directoryFromRows, parseInstitutionsCsv, parseTerritoriesCsv, type InstitutionRow } from '../../src/routing/directory';
import { isAppError } from '../../src/shared/errors';
import { CONFIG_DIR, defaultConfig } from './helpers';

describe('CSV (RFC 4180)', () => {
  it.each([
    { name: 'plain', text: 'a,b\n1,2\n', rows: [['a', 'b'], ['1', '2']] },
    { name: 'CRLF and no final newline', text: 'a,b\r\n1,2', rows: [['a', 'b'], ['1', '2']] },
    { name: 'quoted comma', text: 'a,b\n"x, y",2\n', rows: [['a', 'b'], ['x, y', '2']] },
    { name: 'escaped quote', text: 'a\n"say ""hi"""\n', rows: [['a'], ['say "hi"']] },
    { name: 'line break inside quotes', text: 'a,b\n"l1\nl2",2\n', rows: [['a', 'b'], ['l1\nl2', '2']] },
    { name: 'empty fields', text: 'a,b,c\n,,\n', rows: [['a', 'b', 'c'], ['', '', '']] },
    { name: 'quoted empty field on its own line', text: 'a\n""\n', rows: [['a'], ['']] },
    { name: 'blank lines skipped', text: 'a\n\n1\n\n', rows: [['a'], ['1']] },
    { name: 'BOM removed', text: '\ufeffa\n1\n', rows: [['a'], ['1']] },
  ])('$name', ({ text, rows }) => {
    expect(parseCsvRows(text)).toEqual(rows);
  });

  it.each([
    { name: 'unclosed quote', text: 'a\n"oops\nmore\n', required: [], message: /line 2: a quoted field opened here is not closed/ },
    { name: 'quote inside an unquoted field', text: 'a\nx"y\n', required: [], message: /line 2: a quote inside an unquoted field/ },
    { name: 'text after the closing quote', text: 'a\n"x"y\n', required: [], message: /line 2: text after the closing quote/ },
    { name: 'field count differs from header', text: 'a,b\n"multi\nline",2\n1,2,3\n', required: [], message: /line 4: record has 3 fields, the header has 2/ },
    { name: 'missing required column', text: 'a,b\n1,2\n', required: ['id'], message: /line 1: missing column\(s\): id/ },
    { name: 'empty file', text: '', required: [], message: /empty/ },
  ])('rejects $name', ({ text, required, message }) => {
    expect(() => parseCsvRecords(text, required)).toThrow(message);
  });
});

describe('directory from config/', () => {
  const { directory } = defaultConfig();

  it('holds every institution and territory of the reference files, quoted names intact', () => {
    expect(directory.institutions).toHaveLength(244);
    expect(directory.territories).toHaveLength(101);
    expect(directory.institution('FR:CAVIMAC01')?.name).toBe('Caisse d’assurance vieillesse, invalidité et maladie des cultes');
    expect(directory.institution('FR:CAVIMAC01')?.networks).toEqual(['SPECIAL_PENSION', 'SPECIAL_SICKNESS']);
    expect(directory.institution('FR:CARSATSE1')?.departements).toContain('2A');
    expect(directory.territory('2B')).toMatchObject({ pensionFund: 'FR:CARSATSE1', sicknessFund: 'FR:CPAM02B', familyFund: 'FR:CAF02B' });
    expect(directory.territory('59')).toMatchObject({ sicknessFund: null, familyFund: 'FR:CAF059' });
    expect(directory.territory('976')?.familyFund).toBe('FR:CSSM9760');
  });

  it.each([
    { id: 'FR:SENAT0001', at: '2024-11-24', valid: false },
    { id: 'FR:SENAT0001', at: '2024-11-25', valid: true },
    { id: 'FR:SENAT0001', at: '2024-11-24T22:59:59Z', valid: false },
    { id: 'FR:SENAT0001', at: '2024-11-24T23:00:00Z', valid: true },
    { id: 'FR:FTSMI0001', at: '2018-11-30', valid: false },
    { id: 'FR:FTSMI0001', at: '2018-12-01', valid: true },
    { id: 'FR:CPAM075', at: '1999-01-01', valid: true },
    { id: 'FR:UNKNOWN1', at: '2024-01-01', valid: false },
    { id: 'FR:CPAM075', at: 'not a date', valid: false },
  ])('$id valid at $at: $valid', ({ id, at, valid }) => {
    expect(directory.isValidAt(id, at)).toBe(valid);
  });

  it('treats validTo as the last valid day (inclusive)', () => {
    const rows = directory.toJSON();
    const closing = rows.institutions.map((r) => (r.id === 'FR:CPAM075' ? { ...r, validTo: '2024-12-31' } : r));
    const d = directoryFromRows(closing, rows.territories);
    expect(d.isValidAt('FR:CPAM075', '2024-12-31T22:59:59Z')).toBe(true);
    expect(d.validityAt('FR:CPAM075', '2024-12-31T23:00:00Z')).toMatchObject({ valid: false, why: 'FR:CPAM075 is no longer valid at 2025-01-01 (valid until 2024-12-31)' });
  });

  it('round-trips through its JSON form and is immutable', () => {
    const again = directoryFromData(JSON.parse(JSON.stringify(directory.toJSON())));
    expect(again.toJSON()).toEqual(directory.toJSON());
    expect(() => { (directory.institutions as InstitutionRow[]).push(directory.institutions[0]); }).toThrow();
    expect(() => { (directory.institution('FR:CPAM075') as InstitutionRow).name = 'x'; }).toThrow();
    expect(() => { directory.institution('FR:CPAM075')?.networks.push('X'); }).toThrow();
  });

  const read = (file: string) => readFileSync(path.join(CONFIG_DIR, file), 'utf8');

  it.each([
    { name: 'bad id', edit: (r: InstitutionRow[]) => { r[1] = { ...r[1], id: 'CNAV' }; }, path: '/institutions/1/id' },
    { name: 'duplicate id', edit: (r: InstitutionRow[]) => { r.push({ ...r[1] }); }, path: '/institutions/244/id' },
    { name: 'impossible date', edit: (r: InstitutionRow[]) => { r[1] = { ...r[1], validFrom: '2024-02-30' }; }, path: '/institutions/1/validFrom' },
    { name: 'dates in the wrong order', edit: (r: InstitutionRow[]) => { r[1] = { ...r[1], validFrom: '2025-01-01', validTo: '2024-01-01' }; }, path: '/institutions/1/validTo' },
    { name: 'territory fund missing from the directory', edit: (r: InstitutionRow[]) => { r.splice(r.findIndex((x) => x.id === 'FR:CPAM075'), 1); }, path: '/territories/' },
  ])('rejects a directory with a $name, naming the path', ({ edit, path: where }) => {
    const rows = parseInstitutionsCsv(read('institutions.csv'));
    edit(rows);
    try {
      directoryFromRows(rows, parseTerritoriesCsv(read('territories.csv')));
      throw new Error('accepted');
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('RTE_RULESET_INVALID');
      expect(isAppError(e) && e.details.some((d) => d.path.startsWith(where))).toBe(true);
    }
  });

  it('reports a CSV syntax error with the file and line', () => {
    expect(() => directoryFromCsv('id,name,networks,validFrom,validTo\n"FR:X,1,2,3\n', read('territories.csv'))).toThrow(/institutions.csv: line 2: a quoted field/);
  });
});
