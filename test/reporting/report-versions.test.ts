/**
 * Report snapshots on PGlite and PostgreSQL: a regenerated month keeps version 1 unchanged and shows what changed
 * in version 2, stored versions cannot be altered, the HTTP API (formats, versions, roles, errors), and the
 * scheduled run (once per month across runs, the month before, under its job lock).
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { paris, TOKEN } from './seed-month';

const auth = { Authorization: `Bearer ${TOKEN}` };
const ORPHAN = { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } };

describe.each(storageDrivers())('report versions on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  const clock = new FixedClock('2026-01-01T00:00:00Z');

  const send = async (caseId: string, legal: string, orphan = false) => {
    clock.set(new Date(paris(legal).getTime() + 30_000));
    const env = makeEnvelope({ caseId, documentId: `v${caseId}`, legalDeliveryAt: paris(legal).toISOString(), ...(orphan && { person: ORPHAN }) });
    await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(env)).expect(202);
    await svc.routingWorker.drain();
  };

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
    await send('V-1', '2027-03-02T10:00:00');
    await send('V-2', '2027-03-09T10:00:00', true);
  }, 120_000);
  afterAll(async () => {
    await svc?.stop();
    await tdb?.close();
  });

  it('keeps version 1 unchanged and lists the changes in version 2, figure by figure', async () => {
    clock.set(paris('2027-04-01T06:00:00'));
    const v1 = await svc.reports.service.generate({ kind: 'monthly', period: '2027-03', by: 'operator:alice', trigger: 'on-demand' });
    expect([v1.version, v1.cases.forwarded, v1.cases.inTriage, v1.changes]).toEqual([1, 1, 1, []]);

    clock.set(paris('2027-04-02T10:00:00')); // an operator assigns the orphan case after the month closed
    await request(svc.app).post('/api/triage/V-2/assign').set(auth).send({ institutionId: 'FR:CNAVIDF01' }).expect(200);
    const res = await request(svc.app).post('/api/reports/monthly/2027-03').set(auth).expect(201);
    expect(res.headers.location).toBe('/api/reports/monthly/2027-03?version=2');
    expect(res.body).toMatchObject({ version: 2, previousVersion: 1, cases: { forwarded: 2, forwardedAfterTriage: 1, inTriage: 0 } });
    const paths = (res.body.changes as Array<{ path: string; before: unknown; after: unknown }>).map((c) => c.path);
    expect(paths).toEqual(expect.arrayContaining(['cases.forwarded', 'cases.forwardedAfterTriage', 'cases.inTriage', 'cases.transferRate', 'byBucType[P_BUC_01].forwarded']));
    expect(res.body.changes).toContainEqual({ path: 'cases.inTriage', before: 1, after: 0 });
    expect(res.body.changes).toContainEqual({ path: 'byInstitution[FR:CNAVIDF01].cases', before: null, after: 1 });

    const again = await request(svc.app).get('/api/reports/monthly/2027-03?version=1').set(auth).expect(200);
    expect(again.body).toEqual(JSON.parse(JSON.stringify(v1)));
    const latest = await request(svc.app).get('/api/reports/monthly/2027-03').set(auth).expect(200);
    expect(latest.body.version).toBe(2);
    const versions = await request(svc.app).get('/api/reports/monthly/2027-03/versions').set(auth).expect(200);
    expect(versions.body.items.map((v: { version: number; changes: number; generatedBy: string }) => [v.version, v.changes > 0, v.generatedBy]))
      .toEqual([[1, false, 'operator:alice'], [2, true, 'bootstrap']]);
  });

  it('refuses to alter or remove a stored version', async () => {
    await expect(svc.db.query(`UPDATE report_versions SET figures = '{}' WHERE version = 1`)).rejects.toThrow(/immutable/);
    await expect(svc.db.query('DELETE FROM report_versions')).rejects.toThrow(/append-only/);
    await svc.db.query(`UPDATE report_versions SET last_error = 'x' WHERE version = 1`); // the outbox columns may change
  });

  it('serves CSV (BOM, ";" on request) and self-contained HTML, and lists periods', async () => {
    const csv = await request(svc.app).get('/api/reports/monthly/2027-03?format=csv&separator=%3B').set(auth).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain('rapport-mensuel-2027-03-v2.csv');
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain('Taux de transfert;1');
    const html = await request(svc.app).get('/api/reports/monthly/2027-03?format=html&version=1').set(auth).expect(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('Rapport mensuel d’activité — mars 2027');
    expect(html.text).toContain('data-chart="byBucType"');
    const list = await request(svc.app).get('/api/reports').set(auth).expect(200);
    expect(list.body.items[0]).toMatchObject({ kind: 'monthly', period: '2027-03', versions: [{ version: 1 }, { version: 2 }] });
  });

  it('generates a month never asked for on first read, and the yearly report with the year before', async () => {
    const feb = await request(svc.app).get('/api/reports/monthly/2027-02').set(auth).expect(200);
    expect([feb.body.version, feb.body.cases.received]).toEqual([1, 0]);
    const year = await request(svc.app).get('/api/reports/yearly/2027').set(auth).expect(200);
    expect(year.body).toMatchObject({ kind: 'yearly', year: '2027', cases: { received: 2 }, previousYear: { cases: { received: 0 } } });
    expect(year.body.byBucType[0]).toMatchObject({ bucType: 'P_BUC_01', received: 2, previousYearReceived: 0 });
  });

  it('answers bad periods, versions and formats with a clear error', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/reports/monthly/2027-13', 400, 'RPT_PERIOD_INVALID'],
      ['/api/reports/monthly/2099-01', 422, 'RPT_PERIOD_IN_FUTURE'],
      ['/api/reports/monthly/2027-03?version=9', 404, 'RPT_VERSION_NOT_FOUND'],
      ['/api/reports/monthly/2027-03?version=abc', 400, 'REQ_INVALID_QUERY'],
      ['/api/reports/monthly/2027-03?format=pdf', 400, 'RPT_FORMAT_INVALID'],
      ['/api/reports/monthly/2027-03?format=csv&separator=tab', 400, 'RPT_FORMAT_INVALID'],
      ['/api/reports/yearly/27', 400, 'RPT_PERIOD_INVALID'],
      ['/api/reports/monthly/2026-11/versions', 404, 'RPT_VERSION_NOT_FOUND'],
    ];
    for (const [url, status, code] of cases) {
      const res = await request(svc.app).get(url).set(auth);
      expect([url, res.status, res.body.error?.code]).toEqual([url, status, code]);
      expect(res.body.error.details[0].path).toEqual(expect.any(String));
    }
  });

  it('lets operators read and only supervisors (or admins) regenerate', async () => {
    const token = (await request(svc.app).post('/api/admin/tokens').set(auth).send({ role: 'helpdesk' })).body.token as string;
    const desk = { Authorization: `Bearer ${token}` };
    expect((await request(svc.app).get('/api/reports').set(desk)).status).toBe(403);
    expect((await request(svc.app).post('/api/reports/monthly/2027-03').set(desk)).status).toBe(403);
    expect((await request(svc.app).get('/api/reports')).status).toBe(401);
    await svc.access.ensureOperator('olga', 'operator-password-1', 'operator');
    const login = await request(svc.app).post('/api/session').send({ username: 'olga', password: 'operator-password-1' });
    const cookie = login.headers['set-cookie'];
    expect((await request(svc.app).get('/api/reports').set('Cookie', cookie)).status).toBe(200);
    const post = await request(svc.app).post('/api/reports/monthly/2027-03').set('Cookie', cookie).set('x-csrf-token', login.body.csrfToken);
    expect([post.status, post.body.error?.code]).toEqual([403, 'AUTH_FORBIDDEN']);
  });

  it('runs the scheduled report once for the month before, whatever the number of runs', async () => {
    const now = paris('2027-05-01T06:00:00');
    clock.set(now);
    const first = await svc.reports.jobs.monthly(now);
    expect(first).toMatchObject({ ran: true, result: { month: '2027-04', version: 1, trigger: 'scheduled', generatedBy: 'scheduler' } });
    const second = await svc.reports.jobs.monthly(now);
    expect(second).toEqual({ ran: true, result: undefined });
    expect((await svc.reports.service.versions('monthly', '2027-04')).map((v) => v.trigger)).toEqual(['scheduled']);
  });
});
