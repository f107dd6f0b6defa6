/**
 * Personal data never reaches a log line: realistic envelopes (accepted, duplicate, quarantined, routed,
 * triaged, assigned) go through the service with a capturing logger, and every line is scanned.
 */
import { Writable } from 'node:stream';
import request from 'supertest';
import winston from 'winston';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { scrubString } from '../../src/shared/redact';
import { openPglite, type TestDatabase } from '../helpers/db';
import { PERSONAL_VALUES, makeEnvelope } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';

describe('log redaction', () => {
  let tdb: TestDatabase;
  let svc: Service;
  const lines: string[] = [];

  beforeAll(async () => {
    tdb = await openPglite();
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const logger = createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream: sink })] });
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN }), { db: tdb.db, clock: new FixedClock('2026-11-20T10:00:00Z'), logger, listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  it('writes no name, birth date, PIN or address in any log line', async () => {
    const post = (body: string) => request(svc.app).post('/api/envelopes').set('Authorization', `Bearer ${TOKEN}`).set('Content-Type', 'application/json').send(body);
    const routed = makeEnvelope({ caseId: 'C-LOG-1' });
    const orphan = makeEnvelope({ caseId: 'C-LOG-2' });
    (orphan.sed.P2000 as Record<string, Record<string, unknown>>).InsuredPerson.ResidenceAddress = { street: '12 rue des Lilas', town: 'Lyon', country: { value: ['ES'] } };
    const invalid = makeEnvelope({ caseId: 'C-LOG-3' });
    (invalid.sed.P2000 as Record<string, Record<string, Record<string, unknown>>>).InsuredPerson.PersonIdentification.dateBirth = '1958-3-14 Marianne Dupontel';
    await post(JSON.stringify(routed));
    await post(JSON.stringify(routed));
    await post(JSON.stringify(orphan));
    await post(JSON.stringify(invalid));
    await post(`{"broken": "Marianne Dupontel 2580375112233 24"`);
    await svc.routingWorker.drain();
    await request(svc.app).post('/api/triage/C-LOG-2/assign').set('Authorization', `Bearer ${TOKEN}`).send({ institutionId: 'FR:CNAVIDF01', note: 'residence Lyon' });
    // Something was logged for each step, and none of it is personal.
    const text = lines.join('');
    expect(text).toContain('intake.accepted');
    expect(text).toContain('intake.duplicate');
    expect(text).toContain('intake.quarantined');
    expect(text).toContain('routing.decided');
    expect(text).toContain('triage.assigned');
    for (const value of PERSONAL_VALUES) expect(text).not.toContain(value);
  });

  it.each([
    ['a spaced NIR', 'NIR 2 58 03 75 112 233 24 here', '2 58 03'],
    ['a compact NIR', 'pin=258037511223324', '258037511223324'],
    ['a bare birth date', 'born 1958-03-14', '1958-03-14'],
    ['a French date', 'né le 14/03/1958', '14/03/1958'],
  ])('scrubs %s from free text', (_n, input, leaked) => {
    expect(scrubString(input)).not.toContain(leaked);
  });

  it('keeps timestamps and ids readable', () => {
    expect(scrubString('legalDeliveryAt 2026-11-20T09:14:03Z case 4410023')).toBe('legalDeliveryAt 2026-11-20T09:14:03Z case 4410023');
  });
});
