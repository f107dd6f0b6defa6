/**
 * The help desk API of issue #12 on PGlite and PostgreSQL: help-desk tokens scoped by country (403 for another
 * country in a body or a filter, 404 for another country's ticket), the national desk's unscoped token unchanged,
 * priority changes (event, audit, targets recomputed), list filters (assignee, assigned) validated with keyset
 * paging, `sla.status` and each clock's own status, and the thread's delivery state without a broker.
 */
import request from 'supertest';
import { AccessService } from '../../src/access/access';
import type { Helpdesk } from '../../src/app/helpdesk';
import { AuditTrail } from '../../src/audit/audit-trail';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { PgAccessRepository } from '../../src/store/access-repository';
import { PgAuditRepository } from '../../src/store/audit-repository';
import { accessRouter } from '../../src/web/access-router';
import { createApp } from '../../src/web/app';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { paris, startTestHelpdesk, ticketBody } from '../helpdesk-store/support';

const BOOTSTRAP = 'test-bootstrap-token-0123456789';
const admin = { Authorization: `Bearer ${BOOTSTRAP}` };

describe.each(storageDrivers())('help desk scopes, priorities and lists on %s', (_name, open) => {
  let tdb: TestDatabase;
  let hd: Helpdesk;
  let app: ReturnType<typeof createApp>;
  let audit: AuditTrail;
  const clock = new FixedClock(paris('2025-05-06T10:00:00'));
  let national: Record<string, string>;

  beforeAll(async () => {
    tdb = await open();
    audit = new AuditTrail(new PgAuditRepository(tdb.db), clock);
    hd = await startTestHelpdesk(tdb.db, clock, { audit });
    const access = new AccessService(new PgAccessRepository(tdb.db), clock, BOOTSTRAP);
    app = createApp({ access, logger: silentLogger(), publicRouters: [], routers: [accessRouter(access, false), hd.router] });
  });
  afterAll(async () => {
    await hd.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set(paris('2025-05-06T10:00:00'));
    national = await tokenFor({ role: 'helpdesk' });
  });

  async function tokenFor(body: Record<string, unknown>): Promise<Record<string, string>> {
    const res = await request(app).post('/api/admin/tokens').set(admin).send(body).expect(201);
    return { Authorization: `Bearer ${res.body.token}` };
  }
  const open_ = (body: Record<string, unknown>, headers: Record<string, string>) => request(app).post('/api/tickets').set(headers).send(body);
  const act = (id: string, body: unknown, headers: Record<string, string> = national) => request(app).post(`/api/tickets/${id}/actions`).set(headers).send(body as object);
  const list = (query: string, headers: Record<string, string> = national) => request(app).get(`/api/tickets${query}`).set(headers);

  describe('help-desk tokens scoped by country', () => {
    it('issues a counterpart desk\'s token naming its country, and refuses a country that is not an EESSI code or a role that takes none', async () => {
      const ok = await request(app).post('/api/admin/tokens').set(admin).send({ role: 'helpdesk', country: 'DE' });
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual(expect.objectContaining({ role: 'helpdesk', country: 'DE', token: expect.any(String) }));
      const bad = await request(app).post('/api/admin/tokens').set(admin).send({ role: 'helpdesk', country: 'GR' });
      expect(bad.status).toBe(422);
      expect(bad.body.error).toEqual(expect.objectContaining({ code: 'REQ_INVALID_BODY', details: [expect.objectContaining({ path: '/country' })] }));
      const intake = await request(app).post('/api/admin/tokens').set(admin).send({ role: 'intake', country: 'DE' });
      expect(intake.status).toBe(422);
      expect(intake.body.error.details[0].path).toBe('/country');
    });

    it('lets the German desk open, list, read and act on German tickets only: 403 for another country, 404 for its tickets', async () => {
      const de = await tokenFor({ role: 'helpdesk', country: 'DE' });
      const mine = await open_(ticketBody({ counterpartRef: 'DE-1' }), de).expect(201);
      const italian = await open_(ticketBody({ counterpartCountry: 'IT', counterpartRef: 'IT-1' }), national).expect(201);
      const asIt = await open_(ticketBody({ counterpartCountry: 'IT', counterpartRef: 'IT-2' }), de);
      expect(asIt.status).toBe(403);
      expect(asIt.body.error).toEqual(expect.objectContaining({ code: 'HDK_COUNTRY_FORBIDDEN', message: expect.stringContaining('for DE') }));
      expect((await open_(ticketBody({ counterpartCountry: 'FR', counterpartRef: 'FR-1' }), de)).status).toBe(403);

      const listed = await list('', de).expect(200);
      expect(listed.body.items.map((t: { id: string }) => t.id)).toEqual([mine.body.id]);
      expect((await list('?counterpartCountry=DE', de)).body.items).toHaveLength(1);
      const other = await list('?counterpartCountry=IT', de);
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('HDK_COUNTRY_FORBIDDEN');

      const read = await request(app).get(`/api/tickets/${italian.body.id}`).set(de);
      expect(read.status).toBe(404);
      expect(read.body.error.code).toBe('HDK_TICKET_NOT_FOUND');
      const acted = await act(italian.body.id, { action: 'resolve' }, de);
      expect(acted.status).toBe(404);
      expect((await request(app).get(`/api/tickets/${italian.body.id}`).set(national)).body.state).toBe('new');
      const own = await act(mine.body.id, { action: 'comment', message: 'Any news?', visibility: 'external' }, de);
      expect(own.status).toBe(200);
      expect(own.body.thread).toEqual([]); // the German desk is the counterpart: nothing echoed back to it
      expect((await act(mine.body.id, { action: 'comment', message: 'On it', visibility: 'external' }, national)).body.thread).toHaveLength(1);
    });

    it('keeps the national desk\'s token without a country seeing and acting on every country, as before', async () => {
      const de = await open_(ticketBody({ counterpartRef: 'DE-1' }), national).expect(201);
      await open_(ticketBody({ counterpartCountry: 'IT', counterpartRef: 'IT-1' }), national).expect(201);
      expect((await list('', national)).body.items).toHaveLength(2);
      expect((await act(de.body.id, { action: 'resolve' }, national)).status).toBe(200);
    });
  });

  describe('priority changes', () => {
    it('records a priority change as an event with from/to, audits it, and recomputes the targets from the kept policy version', async () => {
      const { body: t } = await open_(ticketBody({ priority: 'P3' }), national).expect(201);
      expect(t.sla.firstResponseTargetMs).toBe(8 * 3_600_000);
      clock.set(paris('2025-05-06T11:00:00'));
      const res = await act(t.id, { action: 'priority', priority: 'P1', message: 'The German desk says the pension is stopped.' });
      expect(res.status).toBe(200);
      expect(res.body.priority).toBe('P1');
      expect(res.body.sla).toEqual(expect.objectContaining({
        priority: 'P1', policyVersion: '2024-05', firstResponseTargetMs: 2 * 3_600_000, firstResponseDueAt: '2025-05-06T10:00:00.000Z',
      }));
      expect(res.body.events.at(-1)).toEqual(expect.objectContaining({ kind: 'priority', data: { from: 'P3', to: 'P1' }, state: 'new' }));
      expect(res.body.thread).toEqual([]); // a priority change is not told to the counterpart
      const [entry] = await audit.list({ subjectType: 'ticket', subjectId: t.id, limit: 10 });
      expect(entry).toEqual(expect.objectContaining({
        action: 'ticket.priority', actor: expect.stringMatching(/^token:tok_/), before: { priority: 'P3' }, after: { priority: 'P1' },
      }));
      const again = await act(t.id, { action: 'priority', priority: 'P1' });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('HDK_INVALID_TRANSITION');
      const bad = await act(t.id, { action: 'priority', priority: 'urgent' });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details).toEqual([expect.objectContaining({ path: '/priority' })]);
      expect((await act(t.id, { action: 'respond', priority: 'P2' })).status).toBe(422);
      await act(t.id, { action: 'resolve' }).expect(200);
      expect((await act(t.id, { action: 'priority', priority: 'P4' })).status).toBe(409);
    });
  });

  describe('ticket lists for the console', () => {
    it('filters by state, priority, country and assignee (repeated or comma-separated), refuses unknown values, pages by keyset', async () => {
      const ids: string[] = [];
      for (const [i, over] of [{ priority: 'P1' }, { priority: 'P2', counterpartCountry: 'IT' }, { priority: 'P3' }, { priority: 'P4' }].entries()) {
        clock.set(paris(`2025-05-06T10:0${i}:00`));
        ids.push((await open_(ticketBody({ counterpartRef: `R-${i}`, ...over }), national).expect(201)).body.id);
      }
      await act(ids[0], { action: 'respond', message: 'Answered' }).expect(200);
      await act(ids[2], { action: 'assign', assignee: 'bob' }).expect(200);
      const ofList = async (q: string) => (await list(q).expect(200)).body.items.map((t: { id: string }) => t.id);
      expect(await ofList('?state=open')).toEqual([ids[0]]);
      expect(await ofList('?state=open&state=new&priority=P1&priority=P3')).toEqual([ids[2], ids[0]]);
      expect(await ofList('?priority=P1,P2')).toEqual([ids[1], ids[0]]);
      expect(await ofList('?counterpartCountry=IT')).toEqual([ids[1]]);
      expect(await ofList('?assignee=bob')).toEqual([ids[2]]);
      expect(await ofList('?assigned=false')).toEqual([ids[3], ids[1], ids[0]]);
      expect(await ofList('?assigned=true&priority=P3,P4')).toEqual([ids[2]]);
      expect(await ofList('?assigned=true&assignee=bob')).toEqual([ids[2]]);
      for (const q of ['?state=bogus', '?priority=P9', '?counterpartCountry=XX', '?assignee=a&assignee=b', '?assigned=maybe', '?assigned=false&assignee=bob', '?limit=0', '?cursor=nope']) {
        const res = await list(q);
        expect([q, res.status, res.body.error.code]).toEqual([q, 400, 'REQ_INVALID_QUERY']);
      }
      const first = await list('?limit=3').expect(200);
      expect(first.body.items.map((t: { id: string }) => t.id)).toEqual([ids[3], ids[2], ids[1]]);
      const second = await list(`?limit=3&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body.items.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
      expect(second.body.nextCursor).toBeNull();
    });

    it('gives every ticket sla.status: on-time, warning at the escalation threshold, breached', async () => {
      const { body: t } = await open_(ticketBody({ priority: 'P1' }), national).expect(201); // response due 12:00, warning at 75 % = 11:30
      const statusAt = async (local: string) => {
        clock.set(paris(local));
        const [item] = (await list('')).body.items;
        const one = (await request(app).get(`/api/tickets/${t.id}`).set(national)).body;
        expect(one.sla.status).toBe(item.sla.status);
        return item.sla.status;
      };
      expect(await statusAt('2025-05-06T11:29:00')).toBe('on-time');
      expect(await statusAt('2025-05-06T11:30:00')).toBe('warning');
      expect(await statusAt('2025-05-06T12:00:01')).toBe('breached');
      await act(t.id, { action: 'respond', message: 'Answered' }).expect(200);
      expect(await statusAt('2025-05-06T12:10:00')).toBe('breached'); // a late response stays late
    });

    it('colours each clock apart: sla.status is the worse of firstResponseStatus and resolutionStatus', async () => {
      // P1 opened Tue 6 May 10:00: response due 12:00 (warning from 11:30), resolution due Wed 7 May 10:00 (8 h, warning from Tue 16:00).
      const { body: t } = await open_(ticketBody({ priority: 'P1' }), national).expect(201);
      const clocksAt = async (local: string) => {
        clock.set(paris(local));
        const { sla } = (await request(app).get(`/api/tickets/${t.id}`).set(national).expect(200)).body;
        const [item] = (await list('')).body.items;
        expect([item.sla.firstResponseStatus, item.sla.resolutionStatus]).toEqual([sla.firstResponseStatus, sla.resolutionStatus]);
        return [sla.firstResponseStatus, sla.resolutionStatus, sla.status];
      };
      const rows: Array<[string, string, string[]]> = [
        ['only the response clock in warning', '2025-05-06T11:45:00', ['warning', 'on-time', 'warning']],
        ['answered in time: the response clock is on time for good', '2025-05-06T15:00:00', ['on-time', 'on-time', 'on-time']],
        ['the resolution clock alone in warning after 7 of its 8 hours', '2025-05-07T09:00:00', ['on-time', 'warning', 'warning']],
        ['paused, the resolution clock keeps its warning', '2025-05-07T09:05:00', ['on-time', 'warning', 'warning']],
        ['the resolution clock breached (due 10:05 after the 5-minute pause), the response clock still on time', '2025-05-07T10:05:01', ['on-time', 'breached', 'breached']],
      ];
      for (const [name, at, expected] of rows) {
        if (name.startsWith('answered')) {
          clock.set(paris('2025-05-06T11:50:00'));
          await act(t.id, { action: 'respond', message: 'Answered' }).expect(200);
        }
        if (name.startsWith('paused')) {
          clock.set(paris('2025-05-07T09:01:00'));
          await act(t.id, { action: 'wait', on: 'institution' }).expect(200);
        }
        if (name.startsWith('the resolution clock breached')) {
          clock.set(paris('2025-05-07T09:06:00'));
          await act(t.id, { action: 'resume' }).expect(200);
        }
        expect([name, await clocksAt(at)]).toEqual([name, expected]);
      }
    });
  });

  describe('the thread without a broker', () => {
    it('records every external reply of a counterpart ticket with delivery "none", and nothing for an FR ticket', async () => {
      const { body: de } = await open_(ticketBody(), national).expect(201);
      await act(de.id, { action: 'respond', message: 'We are on it.' }).expect(200);
      await act(de.id, { action: 'comment', message: 'note to self' }).expect(200); // internal by default
      const waited = await act(de.id, { action: 'wait', on: 'counterpart', message: 'Which SED?' }).expect(200);
      expect(waited.body.events.at(-1)).toEqual(expect.objectContaining({ kind: 'wait', visibility: 'external', message: 'Which SED?' }));
      expect(waited.body.thread).toEqual([
        expect.objectContaining({ direction: 'out', event: 'response', message: 'We are on it.', delivery: { state: 'none', attempts: 0, sentAt: null } }),
        expect.objectContaining({ direction: 'out', event: 'information-request', message: 'Which SED?', delivery: expect.objectContaining({ state: 'none' }) }),
      ]);
      const { body: fr } = await open_(ticketBody({ counterpartCountry: 'FR', counterpartRef: 'FR-CPAM-1' }), national).expect(201);
      expect((await act(fr.id, { action: 'respond', message: 'Done' }).expect(200)).body.thread).toEqual([]);
    });
  });
});
