/**
 * Automatic tickets follow their cause (issue #12), through the whole service on PGlite and PostgreSQL: a forward
 * acknowledged after its "not acknowledged" ticket was opened resolves that ticket in the acknowledgement's own
 * transaction; an aged orphan assigned (or returned) resolves its ticket; and the pipeline watch's sweep resolves
 * a ticket whose cause went away without the fact being reported.
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { loadDirectoryFromConfig, loadRuleTableFromConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

/** Lyon resident: forwarded to Carsat Rhône-Alpes. */
const lyon = (caseId: string) => makeEnvelope({ caseId, documentId: `${caseId}d1` });
/** No residence, no reference: triage NO_RULE. */
const orphan = (caseId: string) => makeEnvelope({
  caseId, documentId: `${caseId}d1`,
  person: { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } },
});

describe.each(storageDrivers())('automatic tickets follow their cause on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  const clock = new FixedClock('2026-11-20T10:00:00Z'); // a Friday
  /** Monday 30 Nov: 5 business days after the forwards, more than 16 business hours in triage. */
  const later = new Date('2026-11-30T10:00:00Z');

  beforeAll(async () => {
    tdb = await open();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set('2026-11-20T10:00:00Z');
    await svc.routingConfig.seed({ directory: loadDirectoryFromConfig('config'), ruleTable: loadRuleTableFromConfig('config') });
  });

  const send = async (env: object) => {
    const res = await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(env));
    expect([200, 202]).toContain(res.status);
    await svc.routingWorker.drain();
  };
  /** The pipeline watch on Monday 30 Nov; returns the tickets it opened. */
  const watch = async () => {
    clock.set(later);
    const run = await svc.helpdesk.jobs.watchPipeline(later);
    if (!run.ran) throw new Error('the watch did not run');
    return run.result.map((o) => o.ticketId);
  };
  const ticket = async (id: string) => (await request(svc.app).get(`/api/tickets/${id}`).set(auth).expect(200)).body;
  const forwardsOf = async (caseId: string) =>
    tdb.db.query<{ forward_id: string; institution_id: string }>('SELECT forward_id, institution_id FROM forwards WHERE case_id = $1', [caseId]);

  it.each(['accepted', 'rejected'] as const)('resolves a "forward not acknowledged" ticket when the forward is %s, in the same transaction', async (status) => {
    await send(lyon('C-ACK'));
    const [f] = await forwardsOf('C-ACK');
    const [ticketId] = await watch();
    expect((await ticket(ticketId)).state).toBe('new');

    clock.set('2026-11-30T11:00:00Z');
    const ack = status === 'accepted' ? { status } : { status, reason: 'not competent for this département' };
    await request(svc.app).post(`/api/forwards/${f.forward_id}/ack`).set(auth).send(ack).expect(200);

    const t = await ticket(ticketId);
    expect(t.state).toBe('resolved');
    expect(t.resolvedAt).toBe('2026-11-30T11:00:00.000Z');
    const resolve = t.events[t.events.length - 1];
    expect(resolve).toEqual(expect.objectContaining({
      kind: 'resolve', actor: 'system:case-follow-up',
      data: expect.objectContaining({ automatic: true, cause: 'forwards-acknowledged', [status]: [f.forward_id] }),
    }));
    expect(resolve.message).toContain(`${status} ${f.forward_id}`);
    expect(t.thread).toEqual([]); // an automatic ticket has no counterpart desk to tell
  });

  it('resolves an aged-orphan ticket when the case is assigned, and another when a case is returned', async () => {
    await send(orphan('C-ORPH'));
    await send(orphan('C-BACK'));
    const opened = await watch();
    expect(opened).toHaveLength(2);
    const byCase = new Map<string, string>();
    for (const id of opened) byCase.set((await ticket(id)).caseId, id);

    await request(svc.app).post('/api/triage/C-ORPH/assign').set(auth).send({ institutionId: 'FR:CARSATRA1', note: 'Lyon, per the P5000' }).expect(200);
    const assigned = await ticket(byCase.get('C-ORPH')!);
    expect(assigned.state).toBe('resolved');
    expect(assigned.events.at(-1)).toEqual(expect.objectContaining({
      kind: 'resolve', actor: 'system:case-follow-up', data: expect.objectContaining({ cause: 'case-assigned', institutionId: 'FR:CARSATRA1' }),
    }));
    expect((await ticket(byCase.get('C-BACK')!)).state).toBe('new'); // the other case is still in triage

    await request(svc.app).post('/api/triage/C-BACK/return').set(auth).send({ reason: 'not for France' }).expect(200);
    const returned = await ticket(byCase.get('C-BACK')!);
    expect(returned.state).toBe('resolved');
    expect(returned.events.at(-1).data).toEqual(expect.objectContaining({ cause: 'case-returned', caseId: 'C-BACK' }));
  });

  it('leaves a ticket open while another forward of its group is pending, and resolves it with the last acknowledgement', async () => {
    await send(lyon('C-TWO'));
    await send(makeEnvelope({ caseId: 'C-TWO', documentId: 'C-TWOd2', sedType: 'P5000' }));
    const forwards = await forwardsOf('C-TWO');
    expect(forwards).toHaveLength(2);
    const [ticketId] = await watch();
    await request(svc.app).post(`/api/forwards/${forwards[0].forward_id}/ack`).set(auth).send({ status: 'accepted' }).expect(200);
    expect((await ticket(ticketId)).state).toBe('new');
    await request(svc.app).post(`/api/forwards/${forwards[1].forward_id}/ack`).set(auth).send({ status: 'accepted' }).expect(200);
    expect((await ticket(ticketId)).state).toBe('resolved');
  });

  it('the pipeline watch resolves tickets whose cause went away unreported (a safety net)', async () => {
    await send(lyon('C-MISS'));
    await send(orphan('C-GONE'));
    const opened = await watch();
    expect(opened).toHaveLength(2);
    // Facts no follow-up heard: straight in the tables, as if reported before the help desk was listening.
    await tdb.db.query(`UPDATE forwards SET status = 'accepted', acked_at = $1 WHERE case_id = 'C-MISS'`, [later]);
    await tdb.db.query(`UPDATE cases SET status = 'returned', triage_since = NULL, triage_reason = NULL WHERE case_id = 'C-GONE'`);
    for (const id of opened) expect((await ticket(id)).state).toBe('new');
    await svc.helpdesk.jobs.watchPipeline(later);
    const causes = [];
    for (const id of opened) {
      const t = await ticket(id);
      expect(t.state).toBe('resolved');
      causes.push(t.events.at(-1).data.cause);
    }
    expect(causes.sort()).toEqual(['case-returned', 'forwards-acknowledged']);
    await svc.helpdesk.jobs.watchPipeline(later); // nothing more to do: still one resolution each
    for (const id of opened) expect((await ticket(id)).events.filter((e: { kind: string }) => e.kind === 'resolve')).toHaveLength(1);
  });
});
