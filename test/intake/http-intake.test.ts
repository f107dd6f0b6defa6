/**
 * Intake through HTTP, on PGlite and on the real PostgreSQL: accepted, duplicate, every quarantine reason,
 * nothing lost, clear errors with paths.
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';

describe.each(storageDrivers())('HTTP intake on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN }), { db: tdb.db, clock, logger: silentLogger(), listen: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });
  beforeEach(() => tdb.reset());

  const post = (body: string | object) =>
    request(svc.app).post('/api/envelopes').set('Authorization', `Bearer ${TOKEN}`).set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  const count = async (table: string) => (await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('accepts a valid envelope, stores it once with its receipt times and queues it for routing', async () => {
    const env = makeEnvelope();
    const res = await post(env);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ envelopeId: env.envelopeId, status: 'accepted' });
    const [row] = await tdb.db.query<{ legal_delivery_at: Date; received_at: Date; via: string }>(
      'SELECT legal_delivery_at, received_at, via FROM envelopes WHERE envelope_id = $1', [env.envelopeId]);
    expect(row.legal_delivery_at.toISOString()).toBe('2026-11-20T09:14:03.000Z');
    expect(row.received_at.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(row.via).toBe('http');
    expect(await count('work_queue')).toBe(1);
  });

  it('recognises a duplicate: answered 200, counted, not stored twice', async () => {
    const env = makeEnvelope();
    expect((await post(env)).status).toBe(202);
    const again = await post(env);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
    expect(await count('envelopes')).toBe(1);
    expect(await count('work_queue')).toBe(1);
    const [row] = await tdb.db.query<{ duplicates: number }>('SELECT duplicates FROM envelopes');
    expect(row.duplicates).toBe(1);
    expect(await count('quarantine')).toBe(0);
  });

  it('keeps a same-id envelope with different content for review, and answers duplicate', async () => {
    const env = makeEnvelope();
    await post(env);
    const res = await post({ ...env, caseId: 'other-case' });
    expect(res.body.status).toBe('duplicate');
    const rows = await tdb.db.query<{ error_code: string }>('SELECT error_code FROM quarantine');
    expect(rows.map((r) => r.error_code)).toEqual(['ITK_ENVELOPE_CONFLICT']);
  });

  it('answers concurrent deliveries of one envelope with one accepted and the rest duplicate', async () => {
    const env = makeEnvelope();
    const results = await Promise.all(Array.from({ length: 6 }, () => post(env)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(await count('envelopes')).toBe(1);
  });

  const env = makeEnvelope();
  const sedOf = (e: ReturnType<typeof makeEnvelope>) => (e.sed.P2000 as Record<string, Record<string, Record<string, unknown>>>);
  const rejections: Array<[string, () => string | object, number, string, string]> = [
    ['not JSON', () => '{"envelopeId": "P2000_x_1", ', 400, 'VAL_NOT_JSON', '/'],
    ['a JSON array', () => [env], 422, 'VAL_SCHEMA_MISMATCH', '/'],
    ['a missing legalDeliveryAt', () => { const { legalDeliveryAt: _l, ...e } = makeEnvelope(); return e; }, 422, 'VAL_SCHEMA_MISMATCH', '/legalDeliveryAt'],
    ['a legalDeliveryAt without offset', () => makeEnvelope({ legalDeliveryAt: '2026-11-20T09:14:03' }), 422, 'VAL_SCHEMA_MISMATCH', '/legalDeliveryAt'],
    ['a malformed bucType', () => makeEnvelope({ bucType: 'PBUC01' }), 422, 'VAL_SCHEMA_MISMATCH', '/bucType'],
    ['an unknown BUC type', () => makeEnvelope({ bucType: 'P_BUC_99' }), 422, 'VAL_UNKNOWN_BUC', '/bucType'],
    ['a malformed sender institution id', () => makeEnvelope({ sender: { institutionId: 'XX:1', country: 'DE' } }), 422, 'VAL_SCHEMA_MISMATCH', '/sender/institutionId'],
    ['a sender country that contradicts the id', () => makeEnvelope({ sender: { institutionId: 'DE:DRV0000001', country: 'AT' } }), 422, 'VAL_INCONSISTENT', '/sender/country'],
    ['a SED root key that is not the sedType', () => makeEnvelope({ sedType: 'P8000', sed: { P2000: {} } }), 422, 'VAL_INCONSISTENT', '/sed/P2000'],
    ['two SED root keys', () => makeEnvelope({ sed: { P2000: {}, P8000: {} } }), 422, 'VAL_SCHEMA_MISMATCH', '/sed'],
    ['a birth date not in YYYY-MM-DD', () => { const e = makeEnvelope(); sedOf(e).InsuredPerson.PersonIdentification.dateBirth = '14.03.1958'; return e; }, 422, 'VAL_SED_MISMATCH', '/sed/P2000/InsuredPerson/PersonIdentification/dateBirth'],
    ['a sex code outside 01/02/98', () => { const e = makeEnvelope(); sedOf(e).InsuredPerson.PersonIdentification.sex = { value: ['M'] }; return e; }, 422, 'VAL_SED_MISMATCH', '/sed/P2000/InsuredPerson/PersonIdentification/sex/value/0'],
    ['a malformed institution reference deep in the SED', () => { const e = makeEnvelope(); (sedOf(e) as Record<string, unknown>).Extra = { Deep: [{ Institution: { institutionID: 'FR-CPAM75' } }] }; return e; }, 422, 'VAL_SED_MISMATCH', '/sed/P2000/Extra/Deep/0/Institution/institutionID'],
  ];

  it.each(rejections)('quarantines %s with a precise reason and keeps the raw input', async (_case, body, status, code, path) => {
    const payload = body();
    const res = await post(payload);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/\S/);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(res.body.quarantineId).toMatch(/^qtn_/);
    const q = await request(svc.app).get(`/api/quarantine/${res.body.quarantineId}`).set('Authorization', `Bearer ${TOKEN}`);
    expect(q.status).toBe(200);
    expect(q.body.errorCode).toBe(code);
    expect(q.body.raw).toBe(typeof payload === 'string' ? payload : JSON.stringify(payload));
    expect(await count('envelopes')).toBe(0);
  });

  it('quarantines an envelope over 5 MiB with 413', async () => {
    const big = makeEnvelope();
    (big.sed.P2000 as Record<string, unknown>).padding = 'x'.repeat(5 * 1024 * 1024);
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('VAL_TOO_LARGE');
    const [row] = await tdb.db.query<{ size: number }>('SELECT size FROM quarantine');
    expect(row.size).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('lists quarantine newest first with paging', async () => {
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await post(`broken ${i}`);
    }
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const first = await request(svc.app).get('/api/quarantine?limit=2').set(auth);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0].receivedAt > first.body.items[1].receivedAt).toBe(true);
    expect(first.body.items[0]).toEqual(expect.objectContaining({ via: 'http', errorCode: 'VAL_NOT_JSON', size: 8 }));
    const second = await request(svc.app).get(`/api/quarantine?limit=2&cursor=${first.body.nextCursor}`).set(auth);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect((await request(svc.app).get('/api/quarantine?limit=0').set(auth)).status).toBe(400);
  });

  it('refuses intake without a token, with a wrong token, or with a token of another role', async () => {
    expect((await request(svc.app).post('/api/envelopes').send('{}')).status).toBe(401);
    expect((await request(svc.app).post('/api/envelopes').set('Authorization', 'Bearer nope-nope-nope').send('{}')).body.error.code).toBe('AUTH_INVALID');
    const issued = await request(svc.app).post('/api/admin/tokens').set('Authorization', `Bearer ${TOKEN}`).send({ role: 'helpdesk' });
    expect(issued.status).toBe(201);
    const res = await request(svc.app).post('/api/envelopes').set('Authorization', `Bearer ${issued.body.token}`).send(makeEnvelope());
    expect(res.status).toBe(403);
    const intakeToken = (await request(svc.app).post('/api/admin/tokens').set('Authorization', `Bearer ${TOKEN}`).send({ role: 'intake' })).body.token;
    expect((await request(svc.app).post('/api/envelopes').set('Authorization', `Bearer ${intakeToken}`).set('Content-Type', 'application/json').send(JSON.stringify(makeEnvelope()))).status).toBe(202);
  });
});
