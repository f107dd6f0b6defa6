/** POST /api/envelopes is rate-limited per token (INTAKE_RATE_PER_MINUTE): 429 REQ_RATE_LIMITED with Retry-After, nothing stored. */
import request from 'supertest';
import { FixedClock } from '../../src/shared/clock';
import { openPglite, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { bearer, startTestService, type TestService } from './support';

describe('intake rate limit', () => {
  let tdb: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    tdb = await openPglite();
    t = await startTestService(tdb.db, new FixedClock('2026-11-20T10:00:00Z'), { INTAKE_RATE_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await t.svc.stop();
    await tdb.close();
  });

  it('answers 429 with Retry-After past the limit for one token, and keeps counting other tokens apart', async () => {
    const send = (headers: Record<string, string>) => request(t.svc.app).post('/api/envelopes').set(headers).set('Content-Type', 'application/json').send(JSON.stringify(makeEnvelope()));
    for (let i = 0; i < 3; i += 1) expect((await send(bearer)).status).toBe(202);
    const over = await send(bearer);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('REQ_RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const stored = await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM envelopes');
    expect(stored[0].n).toBe(3);
    const other = { Authorization: `Bearer ${(await t.svc.access.issueToken('intake', null, 'test')).token}` };
    expect((await send(other)).status).toBe(202);
    expect((await request(t.svc.app).post('/api/envelopes').send('{}')).status).toBe(401);
  });
});
