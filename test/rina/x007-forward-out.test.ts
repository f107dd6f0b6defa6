/**
 * The forward carried out in RINA (CONTRACT §7 "Forward out", #19), through the whole service on PGlite and
 * PostgreSQL against the RINA simulator: every forward of a case from RINA that changes its route gets exactly one
 * X007 (created from the case's Forward Case action, naming the institution, then sent), automatic or by an
 * operator, reassignments included; a case without the action fails with a ticket and an operator's retry;
 * the CPI down for a while loses nothing; an attempt that died after creating the X007 is not repeated.
 */
import request from 'supertest';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import type { Via } from '../../src/intake/intake-service';
import { loadDirectoryFromConfig, loadRuleTableFromConfig } from '../../src/routing/config-files';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { fillX007 } from '../../src/forwarding/x007';
import { CpiClient } from '../../src/rina/cpi-client';
import { RinaSimulator } from '../../scripts/rina-sim/server';
import { documentEvent } from '../../scripts/rina-sim/sim-cases';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';

const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
/** No residence, no reference: an orphan (triage NO_RULE). */
const ORPHAN = { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } };
const person = (dep: string) => ({
  PersonIdentification: { familyName: 'Martin', forename: 'Paul', dateBirth: '1958-03-02', sex: { value: ['01'] } },
  ResidenceAddress: { town: 'Ville', postalCode: `${dep}000`, country: { value: ['FR'] } },
});

describe.each(storageDrivers())('X007 in RINA for each forward of a case from RINA, on %s', (_name, open) => {
  let tdb: TestDatabase;
  let svc: Service;
  let sim: RinaSimulator;
  const clock = new FixedClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    sim = new RinaSimulator();
    const url = await sim.start();
    tdb = await open();
    svc = await startService(loadConfig({
      BOOTSTRAP_TOKEN: TOKEN, RINA_URL: url, RINA_USER: 'liaison', RINA_PASSWORD: 'liaison-secret', RINA_MAX_ATTEMPTS: '1', RINA_TIMEOUT_MS: '2000',
    }), { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
    await sim.stop();
  });
  beforeEach(async () => {
    await tdb.reset();
    sim.reset();
    clock.set('2026-11-20T10:00:00Z');
    await svc.routingConfig.seed({ directory: loadDirectoryFromConfig('config'), ruleTable: loadRuleTableFromConfig('config') });
  });

  /** A case in the simulator, and its SED taken in as RINA's (via 'rina'), then routed. */
  const fromRina = async (over: { dep?: string; forwardCase?: boolean; via?: Via } = {}) => {
    // Without a département: an orphan.
    const c = sim.addCase({ bucType: 'P_BUC_01', forwardCase: over.forwardCase });
    const doc = c.documents.find((d) => d.direction === 'IN')!;
    const env = makeEnvelope({ caseId: c.id, documentId: doc.id, person: over.dep === undefined ? ORPHAN : person(over.dep) });
    const r = await svc.intake.receive(Buffer.from(JSON.stringify(env)), over.via ?? ('rina' as Via));
    expect(r.status).toBe('accepted');
    await svc.routingWorker.drain();
    return c.id;
  };
  const jobs = (caseId: string) =>
    tdb.db.query<{ forward_id: string; institution_id: string; state: string; document_id: string | null; last_error: string | null; ticket_id: string | null }>(
      'SELECT forward_id, institution_id, state, document_id, last_error, ticket_id FROM rina_x007 WHERE case_id = $1 ORDER BY created_at, forward_id', [caseId]);
  const relay = () => svc.x007.relay!.drain(10);
  const caseView = async (caseId: string) => (await request(svc.app).get(`/api/cases/${caseId}`).set(auth).expect(200)).body;

  it('creates and sends one X007 naming the institution the case was routed to, and shows it on the forward', async () => {
    const caseId = await fromRina({ dep: '69' });
    const [job] = await jobs(caseId);
    expect(job).toEqual(expect.objectContaining({ institution_id: 'FR:CARSATRA1', state: 'pending' }));
    await relay();
    expect(sim.x007s).toEqual([expect.objectContaining({
      caseId, status: 'sent', institutionToAdd: { institutionID: 'FR:CARSATRA1', institutionName: 'Carsat Rhône-Alpes' },
      institutionToRemove: { institutionID: 'FR:CLEISS0002', institutionName: 'CLEISS' }, reason: ['01'],
    })]);
    const [after] = await jobs(caseId);
    expect(after).toEqual(expect.objectContaining({ state: 'sent', document_id: sim.x007s[0].documentId, last_error: null }));
    const view = await caseView(caseId);
    expect(view.forwards[0].x007).toEqual(expect.objectContaining({ state: 'sent', documentId: sim.x007s[0].documentId, error: null }));
    expect(view.history).toContainEqual(expect.objectContaining({ kind: 'x007-sent', forwardId: job.forward_id, institutionId: 'FR:CARSATRA1', documentId: sim.x007s[0].documentId }));
    // Carried out here: the forward relay sends no liaison.rina instruction for it.
    expect(await svc.x007.outbox.carriedInRina([job.forward_id])).toEqual(new Set([job.forward_id]));
    const metrics = (await request(svc.app).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/liaison_rina_x007_jobs\{state="sent"\} 1/);
    expect(metrics).toMatch(/liaison_rina_x007_sent_total 1/);
  });

  it('from RINA events: routed cases, orphans assigned by an operator and a reassignment each get their X007; /api/rina/status counts them', async () => {
    const cases = Array.from({ length: 8 }, () => sim.addCase({ bucType: 'P_BUC_01' }));
    for (const c of cases) {
      const event = documentEvent(c, c.documents.find((d) => d.direction === 'IN')!, 'RECEIVE_DOCUMENT');
      await request(svc.app).post('/api/rina/events').set(auth).send(event as object).expect(202);
      await request(svc.app).post('/api/rina/events').set(auth).send(event as object).expect(202); // the same event again
    }
    await svc.rina!.worker.drain(50);
    await svc.routingWorker.drain();
    await relay();
    const status = async (caseId: string) => (await caseView(caseId)).status as string;
    const orphans: string[] = [];
    const routed: string[] = [];
    for (const c of cases) ((await status(c.id)) === 'triage' ? orphans : routed).push(c.id);
    expect(orphans.length).toBeGreaterThan(0);
    expect(routed.length).toBeGreaterThan(0);
    for (const id of orphans) await request(svc.app).post(`/api/triage/${id}/assign`).set(auth).send({ institutionId: 'FR:CARSATAU1' }).expect(200);
    const moved = (await caseView(routed[0])).institutionId === 'FR:CARSATSE1' ? 'FR:CARSATNE1' : 'FR:CARSATSE1';
    await request(svc.app).post(`/api/cases/${routed[0]}/reassign`).set(auth).send({ institutionId: moved }).expect(200);
    clock.advance(11_000); // past the operator's undo window (TRIAGE_UNDO_SECONDS): the assignments are released
    await relay();
    // One X007 per forward that changed a case's route, naming its institution, all sent: routed, assigned, reassigned.
    const routes = await tdb.db.query<{ case_id: string; institution_id: string }>('SELECT case_id, institution_id FROM forwards WHERE rina_instruction ORDER BY case_id');
    expect(routes).toHaveLength(cases.length + 1);
    expect(sim.x007s.map((x) => [x.caseId, x.institutionToAdd.institutionID, x.status]).sort())
      .toEqual(routes.map((r) => [r.case_id, r.institution_id, 'sent']).sort());
    const rina = (await request(svc.app).get('/api/rina/status').set(auth).expect(200)).body;
    expect(rina.x007).toEqual(expect.objectContaining({ pending: 0, created: 0, sent: cases.length + 1, failed: 0 }));
  });

  it('never sends a second X007 for a forward: relay rounds again, the same SED again, a second SED of the case', async () => {
    const caseId = await fromRina({ dep: '69' });
    await relay();
    await relay();
    const again = makeEnvelope({ caseId, documentId: sim.cases.get(caseId)!.documents.find((d) => d.direction === 'IN')!.id, person: person('69') });
    expect((await svc.intake.receive(Buffer.from(JSON.stringify(again)), 'rina' as Via)).status).not.toBe('accepted');
    await svc.intake.receive(Buffer.from(JSON.stringify(makeEnvelope({ caseId, documentId: `${caseId}x2`, sedType: 'P5000', person: person('69') }))), 'rina' as Via);
    await svc.routingWorker.drain();
    await relay();
    expect(await jobs(caseId)).toHaveLength(1); // the second SED follows the case's route: no new route, no X007
    expect(sim.x007s).toHaveLength(1);
  });

  it('has no X007 for a case that did not come through RINA', async () => {
    const caseId = await fromRina({ dep: '69', via: 'http' });
    expect(await jobs(caseId)).toEqual([]);
  });

  it('carries out an orphan decided by an operator, then a reassignment as a second X007 to the new institution', async () => {
    const caseId = await fromRina();
    expect((await caseView(caseId)).status).toBe('triage');
    expect(await jobs(caseId)).toEqual([]);
    await request(svc.app).post(`/api/triage/${caseId}/assign`).set(auth).send({ institutionId: 'FR:CARSATAU1', note: 'Clermont' }).expect(200);
    await relay();
    // Held for the operator's undo window: nothing is carried out in RINA before its release.
    expect(sim.x007s).toEqual([]);
    clock.advance(11_000);
    await relay();
    expect(sim.x007s.map((x) => [x.institutionToAdd.institutionID, x.status])).toEqual([['FR:CARSATAU1', 'sent']]);

    await request(svc.app).post(`/api/cases/${caseId}/reassign`).set(auth).send({ institutionId: 'FR:CARSATSE1', note: 'lives in Marseille' }).expect(200);
    await relay();
    expect(sim.x007s.map((x) => [x.institutionToAdd.institutionID, x.status])).toEqual([['FR:CARSATAU1', 'sent'], ['FR:CARSATSE1', 'sent']]);
    expect((await jobs(caseId)).map((j) => [j.institution_id, j.state])).toEqual([['FR:CARSATAU1', 'sent'], ['FR:CARSATSE1', 'sent']]);
  });

  it('never sends the X007 of a forward superseded before it went out', async () => {
    const caseId = await fromRina();
    await request(svc.app).post(`/api/triage/${caseId}/assign`).set(auth).send({ institutionId: 'FR:CARSATAU1', note: 'Clermont' }).expect(200);
    await request(svc.app).post(`/api/cases/${caseId}/reassign`).set(auth).send({ institutionId: 'FR:CARSATSE1', note: 'lives in Marseille' }).expect(200);
    await relay();
    expect(sim.x007s.map((x) => [x.institutionToAdd.institutionID, x.status])).toEqual([['FR:CARSATSE1', 'sent']]);
    expect((await jobs(caseId)).map((j) => j.state)).toEqual(['cancelled', 'sent']);
  });

  it('fails a case without the Forward Case action, with the CPI\'s answer and a ticket; an operator retries it once fixed', async () => {
    const caseId = await fromRina({ dep: '69', forwardCase: false });
    await relay();
    const [job] = await jobs(caseId);
    expect(job.state).toBe('failed');
    expect(job.last_error).toMatch(/Forward Case/);
    expect(job.ticket_id).toEqual(expect.any(String));
    const ticket = (await request(svc.app).get(`/api/tickets/${job.ticket_id}`).set(auth).expect(200)).body;
    expect(ticket).toEqual(expect.objectContaining({ category: 'x007-failed', caseId, priority: 'P2' }));
    const failedView = await caseView(caseId);
    expect(failedView.forwards[0].x007).toEqual(expect.objectContaining({ state: 'failed', ticketId: job.ticket_id }));
    expect(failedView.history).toContainEqual(expect.objectContaining({ kind: 'x007-failed', forwardId: job.forward_id, reason: job.last_error }));
    expect(sim.x007s).toEqual([]);

    // Not failed any more: 409; unknown forward: 404.
    sim.setForwardCase(caseId, true);
    const retried = await request(svc.app).post(`/api/forwards/${job.forward_id}/x007/retry`).set(auth).expect(200);
    expect(retried.body).toEqual(expect.objectContaining({ forwardId: job.forward_id, state: 'pending', error: 'HTTP 404: no Forward Case action on the case' }));
    expect((await request(svc.app).post(`/api/forwards/${job.forward_id}/x007/retry`).set(auth).expect(409)).body.error.code).toBe('FWD_RINA_NOT_FAILED');
    expect((await request(svc.app).post('/api/forwards/fwd_nope/x007/retry').set(auth).expect(404)).body.error.code).toBe('FWD_RINA_NOT_FOUND');
    await relay();
    expect(sim.x007s.map((x) => x.status)).toEqual(['sent']);
    expect((await jobs(caseId))[0].state).toBe('sent');
  });

  const ticket = async (id: string) => (await request(svc.app).get(`/api/tickets/${id}`).set(auth).expect(200)).body;

  it('resolves the x007-failed ticket when a retry of that X007 succeeds (the relay follows what it sent)', async () => {
    const caseId = await fromRina({ dep: '69', forwardCase: false });
    await relay();
    const [job] = await jobs(caseId);
    expect((await ticket(job.ticket_id!)).state).not.toBe('resolved');
    sim.setForwardCase(caseId, true);
    await request(svc.app).post(`/api/forwards/${job.forward_id}/x007/retry`).set(auth).expect(200);
    await relay();
    expect((await jobs(caseId))[0].state).toBe('sent');
    const t = await ticket(job.ticket_id!);
    expect(t.state).toBe('resolved');
    expect(t.events.filter((e: { kind: string }) => e.kind === 'resolve')).toHaveLength(1);
    expect(t.events.at(-1)).toEqual(expect.objectContaining({
      kind: 'resolve', actor: 'system:case-follow-up',
      data: expect.objectContaining({ automatic: true, cause: 'x007-sent', forwardId: job.forward_id, caseId }),
    }));
    expect(t.events.at(-1).message).toContain(`X007 of forward ${job.forward_id}`);
  });

  it('resolves the x007-failed ticket in the pipeline watch when the X007 was sent without the relay following up (a crash between the two)', async () => {
    const caseId = await fromRina({ dep: '69', forwardCase: false });
    await relay();
    const [job] = await jobs(caseId);
    // What a relay that died right after marking the X007 sent leaves behind: the job sent, its ticket still open.
    await tdb.db.query(`UPDATE rina_x007 SET state = 'sent', sent_at = $2 WHERE forward_id = $1`, [job.forward_id, clock.now()]);
    expect((await ticket(job.ticket_id!)).state).not.toBe('resolved');
    await svc.helpdesk.jobs.watchPipeline(clock.now());
    const t = await ticket(job.ticket_id!);
    expect(t.state).toBe('resolved');
    expect(t.events.at(-1).data).toEqual(expect.objectContaining({ cause: 'x007-sent', forwardId: job.forward_id }));
    await svc.helpdesk.jobs.watchPipeline(clock.now()); // nothing more to do: one resolution
    expect((await ticket(job.ticket_id!)).events.filter((e: { kind: string }) => e.kind === 'resolve')).toHaveLength(1);
  });

  it('leaves an x007-failed ticket open while its X007 is still failed', async () => {
    const caseId = await fromRina({ dep: '69', forwardCase: false });
    await relay();
    const [job] = await jobs(caseId);
    await svc.helpdesk.jobs.watchPipeline(clock.now());
    expect((await ticket(job.ticket_id!)).state).not.toBe('resolved');
  });

  it('fails an X007 the CPI refuses, keeping its answer', async () => {
    const caseId = await fromRina({ dep: '69' });
    sim.refuseNextX007(caseId, 400);
    await relay();
    const [job] = await jobs(caseId);
    expect(job.state).toBe('failed');
    expect(job.last_error).toMatch(/^HTTP 400: .*CaseForwarding refused/);
  });

  it('waits while the CPI is down, then sends every X007 once', async () => {
    const cases = [await fromRina({ dep: '69' }), await fromRina({ dep: '13' }), await fromRina({ dep: '63' })];
    sim.goDown(3600);
    await relay();
    for (const id of cases) expect((await jobs(id))[0]).toEqual(expect.objectContaining({ state: 'pending', last_error: expect.stringMatching(/^HTTP 503|no answer/) }));
    expect((await request(svc.app).get('/metrics').expect(200)).text).toMatch(/liaison_rina_x007_failures_total\{final="false"\} 3/);
    sim.up();
    await relay(); // not due yet: backing off
    expect(sim.x007s).toEqual([]);
    clock.advance(60_000);
    await relay();
    expect(sim.x007s.map((x) => x.status)).toEqual(['sent', 'sent', 'sent']);
    expect(new Set(sim.x007s.map((x) => x.caseId))).toEqual(new Set(cases));
  });

  it('sends the X007 an attempt created before it died (not recorded), rather than a second one', async () => {
    const caseId = await fromRina({ dep: '69' });
    // The attempt that died: the X007 created in RINA, the process gone before recording its id.
    const cpi = new CpiClient({ baseUrl: sim.url, user: 'liaison', password: 'liaison-secret', timeoutMs: 2000, maxAttempts: 1, retry: { initialMs: 1, maxMs: 1, factor: 1, jitter: 0 }, clock });
    const rc = await cpi.getCase(caseId);
    const create = rc.actions.find((a) => a.documentType === 'X007' && a.operation === 'Create')!;
    const template = await cpi.getInitialDocument(caseId, create.id);
    await cpi.putActionDocument(caseId, create.id, fillX007(template, {
      institutionToAdd: { id: 'FR:CARSATRA1', name: 'Carsat Rhône-Alpes' }, institutionToRemove: { id: 'FR:CLEISS0002', name: 'CLEISS' },
    }));
    expect(sim.x007s.map((x) => x.status)).toEqual(['created']);
    await relay();
    expect(sim.x007s.map((x) => x.status)).toEqual(['sent']);
    expect((await jobs(caseId))[0]).toEqual(expect.objectContaining({ state: 'sent', document_id: sim.x007s[0].documentId }));
  });
});
