/**
 * The help desk over HTTP (docs/contract.md §3, §5) on PGlite and PostgreSQL: roles, idempotent POST, reads with the
 * SLA, actions and their errors, lists with filters and paging.
 */
import request from 'supertest';
import { AccessService } from '../../src/access/access';
import type { Helpdesk } from '../../src/app/helpdesk';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { PgAccessRepository } from '../../src/store/access-repository';
import { accessRouter } from '../../src/web/access-router';
import { createApp } from '../../src/web/app';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { paris, startTestHelpdesk, ticketBody } from '../helpdesk-store/support';

const BOOTSTRAP = 'test-bootstrap-token-0123456789';

describe.each(storageDrivers())('help desk API on %s', (_name, open) => {
  let tdb: TestDatabase;
  let hd: Helpdesk;
  let app: ReturnType<typeof createApp>;
  let access: AccessService;
  const clock = new FixedClock(paris('2025-05-06T10:00:00'));
  let desk: Record<string, string>;

  beforeAll(async () => {
    tdb = await open();
    hd = await startTestHelpdesk(tdb.db, clock);
    access = new AccessService(new PgAccessRepository(tdb.db), clock, BOOTSTRAP);
    app = createApp({ access, logger: silentLogger(), publicRouters: [], routers: [accessRouter(access, false), hd.router] });
  });
  afterAll(async () => {
    await hd.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set(paris('2025-05-06T10:00:00'));
    desk = { Authorization: `Bearer ${(await access.issueToken('helpdesk', null, 'test')).token}` };
  });

  const post = (body: unknown, headers = desk) => request(app).post('/api/tickets').set(headers).send(body as object);
  const act = (id: string, body: unknown, headers = desk) => request(app).post(`/api/tickets/${id}/actions`).set(headers).send(body as object);

  async function operatorSession(): Promise<Record<string, string>> {
    await access.ensureOperator('alice', 'correct horse battery', 'operator');
    const login = await request(app).post('/api/session').send({ username: 'alice', password: 'correct horse battery' }).expect(201);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    return { Cookie: cookie, 'X-CSRF-Token': login.body.csrfToken };
  }

  it('opens a ticket (201 + Location), then answers 200 with the same ticket for the same counterpart reference', async () => {
    const first = await post(ticketBody());
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe(`/api/tickets/${first.body.id}`);
    expect(first.body).toEqual(expect.objectContaining({ state: 'new', source: 'counterpart', allowedActions: expect.arrayContaining(['respond', 'resolve']) }));
    const again = await post(ticketBody({ description: 'sent twice' }));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await request(app).get('/api/tickets').set(desk)).body.items).toHaveLength(1);
  });

  it('exposes the contract\'s sla object with the right due dates for a fixed-date P2', async () => {
    const { body: created } = await post(ticketBody());
    clock.set(paris('2025-05-06T15:00:00'));
    const res = await request(app).get(`/api/tickets/${created.id}`).set(desk).expect(200);
    expect(res.body.sla).toEqual(expect.objectContaining({
      policyVersion: '2024-05',
      firstResponseDueAt: '2025-05-06T12:00:00.000Z',
      resolutionDueAt: '2025-05-12T08:00:00.000Z',
      firstResponseBreached: true,
      resolutionBreached: false,
      pausedMs: 0,
    }));
    expect(res.body.events).toEqual([expect.objectContaining({ kind: 'created', state: 'new' })]);
    expect(res.body.escalations).toEqual([]);
  });

  it('refuses a body that does not match the ticket schema with 422 and the paths of every problem', async () => {
    const res = await post(ticketBody({ priority: 'P5', counterpartCountry: 'GR', slaStartedAt: '2025-05-06T10:00:00Z' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('REQ_INVALID_BODY');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/', '/counterpartCountry', '/priority']);
    expect((await post('{"not json', { ...desk, 'Content-Type': 'application/json' })).status).toBe(400);
  });

  it('lets helpdesk tokens and operators in, and keeps other roles out', async () => {
    const intake = { Authorization: `Bearer ${(await access.issueToken('intake', null, 'test')).token}` };
    const institution = { Authorization: `Bearer ${(await access.issueToken('institution', 'FR:CPAM075', 'test')).token}` };
    expect((await post(ticketBody(), intake)).status).toBe(403);
    expect((await request(app).get('/api/tickets').set(institution)).status).toBe(403);
    expect((await request(app).get('/api/tickets')).status).toBe(401);
    const op = await operatorSession();
    const res = await post(ticketBody({ counterpartCountry: 'FR', counterpartRef: 'CPAM-75-1' }), op);
    expect(res.status).toBe(201);
    expect(res.body.source).toBe('operator');
    expect(res.body.createdBy).toBe('operator:alice');
    const { 'X-CSRF-Token': _csrf, ...noCsrf } = op;
    expect((await act(res.body.id, { action: 'respond' }, noCsrf)).status).toBe(403);
    const fromInstitution = await post(ticketBody({ counterpartCountry: 'FR', counterpartRef: 'CARSAT-1' }));
    expect(fromInstitution.body.source).toBe('institution');
  });

  it('answers each action with the updated ticket, 409 naming state and action when refused, 422 on a bad body, 404 on an unknown ticket', async () => {
    const { body: t } = await post(ticketBody());
    const respond = await act(t.id, { action: 'respond', message: 'On it.' });
    expect(respond.status).toBe(200);
    expect(respond.body.state).toBe('open');
    expect(respond.body.sla.responseClock).toBe('stopped');
    const wait = await act(t.id, { action: 'wait', on: 'institution' });
    expect(wait.body.state).toBe('waiting-institution');
    const refused = await act(t.id, { action: 'close' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual(expect.objectContaining({ code: 'HDK_INVALID_TRANSITION', message: 'cannot close a ticket in state waiting-institution' }));
    const bad = await act(t.id, { action: 'wait', on: 'nobody', colour: 'red' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/colour', '/on']);
    expect((await act(t.id, { action: 'comment' })).body.error.details).toEqual([{ path: '/message', message: 'is required with "comment"' }]);
    const missing = await act('HD2025-999999', { action: 'respond' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'HDK_TICKET_NOT_FOUND']);
    expect((await request(app).get('/api/tickets/HD2025-999999').set(desk)).status).toBe(404);
    for (const [body, state] of [[{ action: 'resume' }, 'open'], [{ action: 'resolve' }, 'resolved'], [{ action: 'reopen' }, 'open'],
      [{ action: 'assign', assignee: 'bob' }, 'open'], [{ action: 'resolve' }, 'resolved'], [{ action: 'close' }, 'closed']] as const) {
      const res = await act(t.id, body);
      expect([body.action, res.status, res.body.state]).toEqual([body.action, 200, state]);
    }
    expect((await act(t.id, { action: 'comment', message: 'late' })).status).toBe(409);
  });

  it('lists newest first with filters (state, priority, country, case, breached) and cursor paging', async () => {
    const make = async (ref: string, over: Record<string, unknown>, at: string) => {
      clock.set(paris(at));
      return (await post(ticketBody({ counterpartRef: ref, ...over }))).body.id as string;
    };
    const p1 = await make('R1', { priority: 'P1', caseId: 'C-1' }, '2025-05-06T09:00:00');
    const p4 = await make('R2', { priority: 'P4', counterpartCountry: 'BE' }, '2025-05-06T09:10:00');
    const p2 = await make('R3', { priority: 'P2' }, '2025-05-06T09:20:00');
    await act(p2, { action: 'respond', message: 'Answered' });
    clock.set(paris('2025-05-06T11:30:00')); // the P1 has gone 2 h 30 unanswered: breached by time alone
    const ids = async (query: string) => (await request(app).get(`/api/tickets${query}`).set(desk).expect(200)).body.items.map((i: { id: string }) => i.id);
    expect(await ids('')).toEqual([p2, p4, p1]);
    expect(await ids('?priority=P1,P4')).toEqual([p4, p1]);
    expect(await ids('?state=open')).toEqual([p2]);
    expect(await ids('?counterpartCountry=BE')).toEqual([p4]);
    expect(await ids('?caseId=C-1')).toEqual([p1]);
    expect(await ids('?breached=true')).toEqual([p1]);
    expect(await ids('?breached=false')).toEqual([p2, p4]);
    const page1 = (await request(app).get('/api/tickets?limit=2').set(desk)).body;
    expect(page1.items.map((i: { id: string }) => i.id)).toEqual([p2, p4]);
    expect(page1.items[0].sla).toEqual(expect.objectContaining({ policyVersion: '2024-05', firstResponseBreached: false }));
    const page2 = (await request(app).get(`/api/tickets?limit=2&cursor=${page1.nextCursor}`).set(desk)).body;
    expect(page2).toEqual({ items: [expect.objectContaining({ id: p1, sla: expect.objectContaining({ firstResponseBreached: true }) })], nextCursor: null });
    const bad = await request(app).get('/api/tickets?state=pending&limit=0').set(desk);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'REQ_INVALID_QUERY']);
  });
});
