/**
 * Issue #21, low: "19 answers 500: forged cursors with impossible dates on six lists; rule version numbers above
 * 2^31 in the diff route". A property over every list endpoint (and the routes with path ids beside them): whatever
 * the cursor, limit, filter values or path id, the answer is never a 5xx. Bounded runs, on PGlite and PostgreSQL.
 */
import fc from 'fast-check';
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { TEST_TOKEN } from '../helpers/service-env';

/** Every list of the API, and the routes with a path id, `{id}` where an arbitrary path segment goes. */
const LISTS = [
  '/api/cases', '/api/triage', '/api/quarantine', '/api/tickets', '/api/institutions', '/api/institutions/{id}/forwards',
  '/api/institutions/FR:CARSATRA1/forwards', '/api/territories', '/api/directory/versions', '/api/rules/versions', '/api/bucs',
  '/api/bucs/versions', '/api/admin/accounts', '/api/admin/tokens', '/api/admin/audit', '/api/reports', '/api/reports/monthly/{id}/versions',
  '/api/rules/candidates', '/api/triage/{id}/suggestions',
];
const BY_ID = ['/api/cases/{id}', '/api/tickets/{id}', '/api/quarantine/{id}', '/api/rules/versions/{id}', '/api/rules/versions/{id}/diff/1', '/api/rules/versions/1/diff/{id}', '/api/reports/monthly/{id}'];
/** Filters some list reads (unknown ones are ignored, which is fine too). */
const KEYS = ['limit', 'cursor', 'status', 'state', 'q', 'network', 'validAt', 'errorCode', 'senderCountry', 'bucType', 'institutionId', 'country', 'priority', 'actor', 'action', 'from', 'to', 'since', 'version', 'format', 'age', 'reason', 'subjectType', 'subjectId'];

/** Percent-encodes every byte of the UTF-8 text (lone surrogates included): any string becomes a URL part. */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const b64 = (s: string) => Buffer.from(s).toString('base64url');

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** Instants of the cursor's form with any field out of range: 31 February, hour 24, year 0, month 13, 60 seconds. */
const dateish = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }))
  .map(([y, mo, d, h, mi, s]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}Z`);
const idish = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String), fc.integer().map(String));
const cursor = fc.oneof(
  fc.tuple(dateish, idish).map(([at, id]) => b64(JSON.stringify([at, id]))),
  fc.tuple(idish, idish).map(([a, b]) => b64(JSON.stringify([a, b]))),
  fc.jsonValue({ maxDepth: 2 }).map((v) => b64(JSON.stringify(v))),
  fc.string({ unit: 'binary', maxLength: 60 }).map(pct),
);
const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), dateish, idish, fc.constantFrom('-1', '0', '501', '1e3', '2147483648', '99999999999999999999', 'NaN', '[]'));
const query = fc.tuple(cursor, fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 }))
  .map(([c, q]) => [`cursor=${c}`, ...Object.entries(q).map(([k, v]) => `${k}=${pct(String(v))}`)].join('&'));
const pathId = fc.oneof(idish.map(pct), dateish, fc.constantFrom('2147483648', '99999999999999999999', '%FF%FE', '..%2F..', '2026-13', '0000-00', '9999-12'));

describe.each(storageDrivers())('list endpoints never answer 5xx on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TEST_TOKEN }), { db: tdb.db, clock: new FixedClock('2026-11-20T10:00:00Z'), logger: silentLogger(), listen: false, workers: false });
    await svc.intake.receiveBatch([1, 2, 3].map((i) => ({ raw: Buffer.from(JSON.stringify(makeEnvelope({ caseId: `66${i}` }))), via: 'http' as const })));
    await svc.routingWorker.drain();
  }, 180_000);
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  const get = async (url: string) => {
    const res = await request(svc.app).get(url).set('Authorization', `Bearer ${TEST_TOKEN}`);
    if (res.status >= 500) throw new Error(`GET ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  };

  it.each(LISTS)('forged cursors (impossible dates included), limits and filter values on %s: never a 5xx', async (route) => {
    await fc.assert(fc.asyncProperty(query, pathId, async (q, id) => {
      await get(`${route.replace('{id}', id)}?${q}`);
    }), { numRuns: 25 });
  }, 60_000);

  it.each(BY_ID)('arbitrary path ids on %s: never a 5xx', async (route) => {
    await fc.assert(fc.asyncProperty(pathId, async (id) => {
      await get(route.replace('{id}', id));
    }), { numRuns: 25 });
  }, 60_000);

  it.each([
    ['2026-02-31T10:00:00Z', '/api/quarantine'], ['2026-02-31T10:00:00Z', '/api/cases'], ['2026-01-01T24:00:00Z', '/api/triage'],
    ['0000-01-01T00:00:00Z', '/api/tickets'], ['2026-04-31T00:00:00Z', '/api/institutions/FR:CARSATRA1/forwards'], ['2026-02-30T00:00:00Z', '/api/admin/tokens'],
  ])('a forged cursor with the impossible date %s on %s is 400 REQ_INVALID_QUERY', async (at, route) => {
    const res = await get(`${route}?cursor=${b64(JSON.stringify([at, 'x']))}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('REQ_INVALID_QUERY');
  });

  it('rule version numbers above 2^31 in the diff route are 400 VAL_INVALID_PARAMETER, not 500', async () => {
    for (const url of ['/api/rules/versions/2147483648/diff/1', '/api/rules/versions/1/diff/99999999999999999999']) {
      const res = await get(url);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VAL_INVALID_PARAMETER');
    }
    expect((await get('/api/rules/versions/2147483647/diff/1')).body.error.code).toBe('RTE_VERSION_NOT_FOUND');
  });
});
