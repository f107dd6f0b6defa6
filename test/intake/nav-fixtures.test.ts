/**
 * Real EESSI fixtures written outside this project (NAV, Norway): every one is either accepted or quarantined
 * with a precise reason, as sent and wrapped in an envelope. None crashes intake.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { openPglite, type TestDatabase } from '../helpers/db';

const DIR = path.join(__dirname, '..', 'fixtures', 'nav');
const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

/** Expected outcome when a fixture's SED is wrapped in a valid envelope (file name: BUC__SED__shape__origin). */
const WRAPPED: Record<string, { status: 'accepted' | 'quarantined'; code?: string; path?: string }> = {
  'AD__X005__nav-format__ep-eux.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'H_BUC_01__H001__nav-format__ep-eux.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'H_BUC_07__H070__nav-format__journalforing.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'LA_BUC_01__A001__nav-format__melosys.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'LA_BUC_04__A009__nav-format__melosys.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'M_BUC_03a__M051__nav-format__journalforing.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'P_BUC_01__P2000__nav-format__ep-eux.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'P_BUC_05__P8000__nav-format__ep-eux.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'R_BUC_02__R005__nav-format-cdm44__ep-eux.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  // Hand-made CDM mocks with sex "M" instead of 01/02/98.
  'UB_BUC_04__U020_Child__cdm-native__eux-pdf.json': { status: 'quarantined', code: 'VAL_SED_MISMATCH', path: '/sed/U020_Child/IndividualClaim/Person/PersonIdentification/sex/value/0' },
  'UB_BUC_04__U020_Master__cdm-native__eux-pdf.json': { status: 'accepted' },
  'ENVELOPE__RINA-case__P_BUC_05__ep-eux.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
  'ENVELOPE__SedHendelse__P_BUC_01_P2000__journalforing.json': { status: 'quarantined', code: 'VAL_SCHEMA_MISMATCH', path: '/sed' },
};

function wrap(file: string, body: unknown): object {
  const [buc, sed] = file.split('__');
  const bucType = buc === 'AD' ? 'AD_BUC_01' : buc === 'ENVELOPE' ? 'P_BUC_01' : buc;
  const rootKey = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body)[0] : 'P2000';
  const sedType = /^[A-Z]{1,2}\d{3,5}/.exec(rootKey)?.[0] ?? (/^[A-Z]{1,2}\d{3,5}/.exec(sed)?.[0] ?? 'P2000');
  return {
    envelopeId: `${sedType}_${file.replace(/[^A-Za-z0-9]/g, '')}_1`, caseId: `nav-${buc}`, bucType, sedType, documentId: file.replace(/[^A-Za-z0-9]/g, ''),
    documentVersion: '1', sender: { institutionId: 'NO:NAVT003', name: 'NAV', country: 'NO' }, receiver: { institutionId: 'FR:CLEISS0002', country: 'FR' },
    legalDeliveryAt: '2026-11-20T09:14:03+01:00', sed: body,
  };
}

describe('NAV fixtures through intake', () => {
  let tdb: TestDatabase;
  let svc: Service;

  beforeAll(async () => {
    tdb = await openPglite();
    svc = await startService(loadConfig({}), { db: tdb.db, clock: new FixedClock('2026-11-20T10:00:00Z'), logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  it('has an expectation for every fixture', () => {
    expect(Object.keys(WRAPPED).sort()).toEqual(fixtures);
  });

  it.each(fixtures)('%s as sent is quarantined as not being an envelope', async (file) => {
    const raw = readFileSync(path.join(DIR, file));
    const r = await svc.intake.receive(raw, 'amqp');
    expect(r.status).toBe('quarantined');
    if (r.status !== 'quarantined') return;
    expect(r.error.code).toBe('VAL_SCHEMA_MISMATCH');
    expect(r.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/envelopeId', '/legalDeliveryAt']));
  });

  it.each(fixtures)('%s wrapped in an envelope: accepted or quarantined with a precise reason', async (file) => {
    const body = JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
    const r = await svc.intake.receive(Buffer.from(JSON.stringify(wrap(file, body))), 'http');
    const want = WRAPPED[file];
    if (want.status === 'accepted') {
      expect(r.status).toBe('accepted');
      return;
    }
    expect(r.status).toBe('quarantined');
    if (r.status !== 'quarantined') return;
    expect(r.error.code).toBe(want.code);
    expect(r.error.details.map((d) => d.path)).toContain(want.path);
    expect(r.error.message).toMatch(/problem\(s\), first at \//);
  });
});
