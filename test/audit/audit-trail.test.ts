import { AuditTrail } from '../../src/audit/audit-trail';
import { FixedClock } from '../../src/shared/clock';
import { PgAuditRepository } from '../../src/store/audit-repository';
import { storageDrivers, type TestDatabase } from '../helpers/db';

describe.each(storageDrivers())('audit trail on %s', (_name, open) => {
  let t: TestDatabase;
  const clock = new FixedClock('2026-11-20T10:00:00Z');
  beforeAll(async () => { t = await open(); });
  afterAll(async () => { await t.close(); });
  beforeEach(async () => { await t.reset(); });

  it('records entries newest first, filters by subject, and pages by id', async () => {
    const audit = new AuditTrail(new PgAuditRepository(t.db), clock);
    await audit.record({ actor: 'operator:alice', action: 'triage.claim', subjectType: 'case', subjectId: '4410023' });
    clock.advance(1000);
    await audit.record({ actor: 'operator:alice', action: 'triage.assign', subjectType: 'case', subjectId: '4410023',
      before: { status: 'triage' }, after: { status: 'forwarded', institutionId: 'FR:CARSATRA1' } });
    await audit.record({ actor: 'operator:bob', action: 'account.disable', subjectType: 'account', subjectId: 'carol' });
    const all = await audit.list({ limit: 10 });
    expect(all.map((e) => e.action)).toEqual(['account.disable', 'triage.assign', 'triage.claim']);
    expect(all[1]).toMatchObject({ before: { status: 'triage' }, after: { status: 'forwarded' }, at: new Date('2026-11-20T10:00:01Z') });
    const forCase = await audit.list({ subjectType: 'case', subjectId: '4410023', limit: 10 });
    expect(forCase).toHaveLength(2);
    const older = await audit.list({ beforeId: all[0].id, limit: 1 });
    expect(older.map((e) => e.action)).toEqual(['triage.assign']);
  });

  it('refuses to change or remove an entry', async () => {
    const audit = new AuditTrail(new PgAuditRepository(t.db), clock);
    await audit.record({ actor: 'system', action: 'x.y', subjectType: 'case', subjectId: '1' });
    await expect(t.db.query(`UPDATE audit_log SET actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect(await audit.list({ limit: 5 })).toHaveLength(1);
  });
});
