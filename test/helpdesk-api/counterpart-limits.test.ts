/**
 * Issue #21 (security review) and #20 (help desk), on PGlite and PostgreSQL: a counterpart desk's token acts only as
 * the counterpart (external comments and reopening), a requested slaStartAt is bounded (future, too far back, before
 * the SED's receipt), the token list shows a help-desk token's country, a response needs a message, and the ticket
 * list searches subject and counterpart reference and sorts by the next due time.
 */
import request from 'supertest';
import { AccessService } from '../../src/access/access';
import type { Helpdesk } from '../../src/app/helpdesk';
import { AccountService } from '../../src/access/accounts';
import { AuditTrail } from '../../src/audit/audit-trail';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { PgAccessRepository } from '../../src/store/access-repository';
import { PgAuditRepository } from '../../src/store/audit-repository';
import { accessRouter } from '../../src/web/access-router';
import { adminRouter } from '../../src/web/admin-router';
import { createApp } from '../../src/web/app';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { paris, startTestHelpdesk, ticketBody } from '../helpdesk-store/support';

const BOOTSTRAP = 'test-bootstrap-token-0123456789';
const admin = { Authorization: `Bearer ${BOOTSTRAP}` };

describe.each(storageDrivers())('counterpart desks and ticket rules on %s', (_name, open) => {
  let tdb: TestDatabase;
  let hd: Helpdesk;
  let app: ReturnType<typeof createApp>;
  const clock = new FixedClock(paris('2025-05-06T10:00:00'));
  let national: Record<string, string>;
  let de: Record<string, string>;

  beforeAll(async () => {
    tdb = await open();
    const audit = new AuditTrail(new PgAuditRepository(tdb.db), clock);
    hd = await startTestHelpdesk(tdb.db, clock, { audit });
    const repo = new PgAccessRepository(tdb.db);
    const access = new AccessService(repo, clock, BOOTSTRAP);
    const accounts = new AccountService(repo, clock, audit);
    app = createApp({ access, logger: silentLogger(), publicRouters: [], routers: [accessRouter(access, false), adminRouter({ access, accounts, audit }), hd.router] });
  });
  afterAll(async () => {
    await hd.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set(paris('2025-05-06T10:00:00'));
    national = await tokenFor({ role: 'helpdesk' });
    de = await tokenFor({ role: 'helpdesk', country: 'DE', label: 'DE desk' });
  });

  async function tokenFor(body: Record<string, unknown>): Promise<Record<string, string>> {
    const res = await request(app).post('/api/admin/tokens').set(admin).send(body).expect(201);
    return { Authorization: `Bearer ${res.body.token}` };
  }
  const open_ = (body: Record<string, unknown>, headers: Record<string, string> = national) => request(app).post('/api/tickets').set(headers).send(body);
  const act = (id: string, body: unknown, headers: Record<string, string> = national) => request(app).post(`/api/tickets/${id}/actions`).set(headers).send(body as object);

  it('counterpart token acts as the French desk: only external comments and reopen are allowed (HDK_COUNTERPART_FORBIDDEN)', async () => {
    const t = (await open_(ticketBody({ counterpartRef: 'DE-1' }), de).expect(201)).body;
    for (const body of [
      { action: 'respond', message: 'Answered' }, { action: 'resolve', message: 'Done' }, { action: 'wait', on: 'institution' },
      { action: 'priority', priority: 'P1' }, { action: 'assign', assignee: 'mallory' },
    ]) {
      const res = await act(t.id, body, de);
      expect([body.action, res.status, res.body.error?.code]).toEqual([body.action, 403, 'HDK_COUNTERPART_FORBIDDEN']);
    }
    const internal = await act(t.id, { action: 'comment', message: 'psst', visibility: 'internal' }, de);
    expect([internal.status, internal.body.error.code]).toEqual([403, 'HDK_COUNTERPART_FORBIDDEN']);
    const comment = await act(t.id, { action: 'comment', message: 'Any news?' }, de).expect(200);
    expect(comment.body.events.at(-1)).toEqual(expect.objectContaining({ kind: 'comment', visibility: 'external' }));
    // Nothing stopped the first-response clock, nothing changed priority or assignee.
    const seen = (await request(app).get(`/api/tickets/${t.id}`).set(national).expect(200)).body;
    expect(seen).toEqual(expect.objectContaining({ state: 'new', priority: 'P2', assignee: null }));
    expect(seen.sla.firstResponseAt ?? null).toBeNull();
    // Reopening what the French desk resolved is the counterpart's right.
    await act(t.id, { action: 'respond', message: 'Here is the answer' }).expect(200);
    await act(t.id, { action: 'resolve', message: 'Solved' }).expect(200);
    expect((await act(t.id, { action: 'reopen', message: 'Not solved for us' }, de).expect(200)).body.state).toBe('open');
    expect((await act(t.id, { action: 'close' }, de)).status).toBe(403);
  });

  it('slaStartAt is bounded: never later than creation, not more than 30 days back, not before the receipt of the case\'s SED', async () => {
    const future = await open_(ticketBody({ counterpartRef: 'DE-F', slaStartAt: '2025-05-07T10:00:00Z' }), de).expect(201);
    expect(future.body.slaStartAt).toBe(future.body.createdAt);
    const ancient = await open_(ticketBody({ counterpartRef: 'DE-A', slaStartAt: '2001-01-01T00:00:00Z' }), de);
    expect([ancient.status, ancient.body.error.code]).toEqual([422, 'HDK_SLA_START_INVALID']);
    expect(ancient.body.error.message).toMatch(/30 days back/);
    const ok = await open_(ticketBody({ counterpartRef: 'DE-OK', caseId: 'no-such-case', slaStartAt: '2025-05-01T08:00:00Z' }), de).expect(201);
    expect(ok.body.slaStartAt).toBe('2025-05-01T08:00:00.000Z');
    // A stored case received on 2025-05-05: an SLA starting before that receipt is refused.
    await tdb.db.query(
      `INSERT INTO cases (case_id, buc_type, status, sender_institution_id, sender_country, first_legal_delivery_at, created_at, updated_at)
       VALUES ('case-recv', 'S_BUC_19', 'triage', 'DE:1234', 'DE', '2025-05-05T09:00:00Z', '2025-05-05T09:00:00Z', '2025-05-05T09:00:00Z')`).catch(async () => {
      const cols = await tdb.db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'cases' AND table_schema = current_schema() AND is_nullable = 'NO'");
      throw new Error(`cases needs ${cols.map((c) => c.column_name).join(', ')}`);
    });
    const early = await open_(ticketBody({ counterpartRef: 'DE-E', caseId: 'case-recv', slaStartAt: '2025-05-04T09:00:00Z' }), de);
    expect([early.status, early.body.error.code]).toEqual([422, 'HDK_SLA_START_INVALID']);
    expect(early.body.error.message).toMatch(/before the receipt/);
    await open_(ticketBody({ counterpartRef: 'DE-L', caseId: 'case-recv', slaStartAt: '2025-05-05T10:00:00Z' }), de).expect(201);
  });

  it('token list hides a help-desk token\'s country: it now shows it', async () => {
    const listed = await request(app).get('/api/admin/tokens').set(admin).expect(200);
    const byLabel = Object.fromEntries(listed.body.items.map((t: { label: string | null; country: string | null }) => [t.label ?? 'national', t.country]));
    expect(byLabel).toEqual({ 'DE desk': 'DE', national: null });
  });

  it('"Répondre" with an empty message does not stop the first-response clock: 422 HDK_MESSAGE_REQUIRED', async () => {
    const t = (await open_(ticketBody({ counterpartRef: 'DE-R' })).expect(201)).body;
    for (const body of [{ action: 'respond' }, { action: 'respond', message: null }]) {
      const res = await act(t.id, body);
      expect([res.status, res.body.error.code, res.body.error.details[0].path]).toEqual([422, 'HDK_MESSAGE_REQUIRED', '/message']);
    }
    expect((await act(t.id, { action: 'respond', message: '   ' })).status).toBe(422); // blank is no message either
    expect((await request(app).get(`/api/tickets/${t.id}`).set(national)).body.state).toBe('new');
    expect((await act(t.id, { action: 'respond', message: 'We forwarded it to CPAM Rhône.' }).expect(200)).body.state).toBe('open');
  });

  it('searches tickets by words of the subject or the counterpart reference, and sorts by next due time', async () => {
    const a = (await open_(ticketBody({ counterpartRef: 'DE-SD-7781', priority: 'P4', subject: 'Pension of a frontier worker' })).expect(201)).body;
    clock.advance(60_000);
    const b = (await open_(ticketBody({ counterpartRef: 'DE-SD-1200', priority: 'P1', subject: 'Which CPAM for this S072?' })).expect(201)).body;
    clock.advance(60_000);
    const c = (await open_(ticketBody({ counterpartRef: 'DE-SD-5000', priority: 'P3', subject: '50%_discount? literally' })).expect(201)).body;
    await act(b.id, { action: 'respond', message: 'On it' }).expect(200); // b's first-response clock stops; its resolution clock runs
    const ids = async (q: string) => (await request(app).get(`/api/tickets${q}`).set(national).expect(200)).body.items.map((t: { id: string }) => t.id);
    expect(await ids('?q=frontier%20PENSION')).toEqual([a.id]);
    expect(await ids('?q=7781')).toEqual([a.id]);
    expect(await ids('?q=cpam%20s072')).toEqual([b.id]);
    expect(await ids('?q=50%25_')).toEqual([c.id]); // % and _ are literal
    expect(await ids('?q=nothing-like-this')).toEqual([]);
    const due = await ids('?sort=due');
    const dueAt = async (id: string) => {
      const s = (await request(app).get(`/api/tickets/${id}`).set(national)).body.sla;
      return s.firstResponseAt ? s.resolutionDueAt : s.firstResponseDueAt;
    };
    const times = await Promise.all(due.map(dueAt));
    expect([...times].sort()).toEqual(times);
    expect(await ids('')).toEqual([c.id, b.id, a.id]); // the API's default stays newest first
    // Keyset paging in due order gives every ticket once.
    const first = await request(app).get('/api/tickets?sort=due&limit=2').set(national).expect(200);
    const second = await request(app).get(`/api/tickets?sort=due&limit=2&cursor=${first.body.nextCursor}`).set(national).expect(200);
    expect([...first.body.items, ...second.body.items].map((t: { id: string }) => t.id)).toEqual(due);
    expect((await request(app).get('/api/tickets?sort=oldest').set(national)).status).toBe(400);
  });
});
