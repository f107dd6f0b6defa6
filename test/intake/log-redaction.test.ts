/**
 * Personal data never reaches a log line: realistic envelopes (accepted, duplicate, quarantined, routed,
 * triaged, assigned) go through the service with a capturing logger, and every line is scanned.
 */
import { Writable } from 'node:stream';
import request from 'supertest';
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
    const logger = createLogger({ level: 'debug', stream: sink });
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

  it('keeps a routed case id of 12 digits whole in the routing line, and still blanks the PINs', async () => {
    lines.length = 0;
    const envelope = makeEnvelope({ caseId: '902345678901' });
    await request(svc.app).post('/api/envelopes').set('Authorization', `Bearer ${TOKEN}`).set('Content-Type', 'application/json').send(JSON.stringify(envelope));
    await svc.routingWorker.drain();
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const accepted = parsed.find((l) => l.event === 'intake.accepted');
    const routed = parsed.find((l) => l.event === 'routing.decided');
    expect(accepted).toMatchObject({ caseId: '902345678901', envelopeId: envelope.envelopeId });
    expect(routed).toMatchObject({ caseId: '902345678901', envelopeId: envelope.envelopeId });
    for (const value of PERSONAL_VALUES) expect(lines.join('')).not.toContain(value);
  });
});

describe('redaction by field name', () => {
  const capture = () => {
    const out: Array<Record<string, unknown>> = [];
    const stream = new Writable({ write(chunk, _enc, cb) { out.push(JSON.parse(String(chunk)) as Record<string, unknown>); cb(); } });
    return { logger: createLogger({ level: 'debug', stream }), out };
  };

  it.each([
    ['a numeric case id of 9+ digits', { caseId: '123456789012' }],
    ['a number as case id', { caseId: 123456789012 }],
    ['an envelope id', { envelopeId: 'FR:CLEISS0002:8812345678:P2000:1' }],
    ['a ticket id', { ticketId: 'T-2026-000123456' }],
    ['a forward id', { forwardId: 'f-550e8400-e29b-41d4-a716-446655440000' }],
    ['an institution id', { institutionId: 'FR:CPAM075' }],
    ['a list of case ids', { caseIds: ['123456789', '987654321012'] }],
  ])('keeps %s unchanged', (_n, fields) => {
    const { logger, out } = capture();
    logger.info('line', { event: 'test.ids', ...fields });
    expect(out[0]).toMatchObject(fields);
  });

  it.each([
    ['a NIR in the message', () => ['case of 1850578006084 refused', {}], '1850578006084'],
    ['a NIR under a free-text field', () => ['line', { note: 'NIR 1 85 05 78 006 084 36' }], '006 084'],
    ['digits under an unknown key', () => ['line', { reference: '185057800608436' }], '185057800608436'],
    ['a spaced number under an id key', () => ['line', { caseId: '1 85 05 78 006 084 36' }], '006 084'],
    ['a name under an id key', () => ['line', { caseId: 'Marianne Dupontel' }], 'Dupontel'],
    ['a PIN field', () => ['line', { pin: '123456789012' }], '123456789012'],
    ['a family name', () => ['line', { familyName: 'Dupontel' }], 'Dupontel'],
    ['a birth date', () => ['line', { dateBirth: '1958-03-14' }], '1958-03-14'],
    ['an address', () => ['line', { residence: { street: '12 rue des Lilas', postalCode: '69003', town: 'Lyon' } }], 'Lilas'],
  ])('still blanks %s', (_n, make, leaked) => {
    const { logger, out } = capture();
    const [message, fields] = make() as [string, Record<string, unknown>];
    logger.warn(message, fields);
    expect(out).toHaveLength(1);
    expect(JSON.stringify(out[0])).not.toContain(leaked);
  });
});
