/**
 * The help desk's storage of issue #12 on PGlite and PostgreSQL: inbound counterpart messages once per message id
 * even when two deliveries race, a resolved ticket reopened by its counterpart, and calendars snapshotted: an edit
 * of calendars.json recorded as a new revision at the next start, measuring only the tickets that start afterwards.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Helpdesk } from '../../src/app/helpdesk';
import { parseInboundMessage } from '../../src/helpdesk/tickets/ticket-request';
import { FixedClock } from '../../src/shared/clock';
import { capturingLogger } from '../bus/support';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { CONFIG_DIR, counterpartDesk, operator, startTestHelpdesk, ticketBody } from './support';

describe.each(storageDrivers())('thread and calendar revisions on %s', (_name, open) => {
  let tdb: TestDatabase;
  let hd: Helpdesk;
  const clock = new FixedClock('2025-11-10T08:00:00Z'); // Monday 10 November, 09:00 in Paris
  let editedDir: string;

  beforeAll(async () => {
    tdb = await open();
    editedDir = mkdtempSync(path.join(tmpdir(), 'helpdesk-config-'));
    cpSync(CONFIG_DIR, editedDir, { recursive: true });
    const file = path.join(editedDir, 'calendars.json');
    const calendars = JSON.parse(readFileSync(file, 'utf8')) as { calendars: Array<{ id: string; extraClosedDays?: string[] }> };
    calendars.calendars.find((c) => c.id === 'FR-desk')!.extraClosedDays = ['2025-11-17']; // the desk closes Monday 17
    writeFileSync(file, JSON.stringify(calendars));
  });
  afterAll(async () => {
    await tdb.close();
    rmSync(editedDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set('2025-11-10T08:00:00Z');
    hd = await startTestHelpdesk(tdb.db, clock);
  });
  afterEach(() => hd.stop());

  const message = (messageId: string, text = 'Here is the P5000.') => ({ counterpartCountry: 'DE', counterpartRef: 'DE-SD-2025-000123', messageId, message: text });

  it('adds a counterpart message once when two deliveries of it race each other', async () => {
    const { ticket } = await hd.service.create(ticketBody(), counterpartDesk, 'counterpart');
    const results = await Promise.all([hd.inbound.receive(message('M-1')), hd.inbound.receive(message('M-1')), hd.inbound.receive(message('M-1'))]);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const view = await hd.service.get(ticket.id, operator);
    expect(view.events.filter((e) => e.kind === 'comment')).toEqual([
      expect.objectContaining({ actor: 'amqp:helpdesk', visibility: 'external', message: 'Here is the P5000.', data: { messageId: 'M-1', via: 'counterpart' } }),
    ]);
    expect(view.thread).toEqual([expect.objectContaining({ direction: 'in', messageId: 'M-1', event: 'comment' })]);
    // Another desk may use the same message id: it is theirs, not the same message.
    await hd.service.create(ticketBody({ counterpartCountry: 'IT', counterpartRef: 'IT-1' }), counterpartDesk, 'counterpart');
    expect((await hd.inbound.receive({ ...message('M-1'), counterpartCountry: 'IT', counterpartRef: 'IT-1' })).duplicate).toBe(false);
  });

  it('reopens a resolved ticket with the counterpart\'s message, and tells the counterpart nothing back', async () => {
    const { ticket } = await hd.service.create(ticketBody(), counterpartDesk, 'counterpart');
    await hd.service.act(ticket.id, { action: 'resolve', message: 'Forwarded.' }, operator);
    clock.advance(3_600_000);
    const r = await hd.inbound.receive(message('M-2', 'The CPAM sent it back to us.'));
    expect(r).toEqual(expect.objectContaining({ duplicate: false, event: 'reopened' }));
    const view = await hd.service.get(ticket.id, operator);
    expect(view.state).toBe('open');
    expect(view.events.slice(-2).map((e) => [e.kind, e.actor])).toEqual([['reopen', 'amqp:helpdesk'], ['comment', 'amqp:helpdesk']]);
    expect(view.thread.map((m) => [m.direction, m.event])).toEqual([['out', 'resolved'], ['in', 'reopened']]);
  });

  it('never logs what the counterpart or the desk wrote: ids, events and outcomes only', async () => {
    const { logger, lines } = capturingLogger();
    const logged = await startTestHelpdesk(tdb.db, clock, { logger });
    try {
      const secret = 'Jean Dupont, né le 01/02/1960, 12 rue de la Paix';
      const { ticket } = await logged.service.create(ticketBody({ subject: secret }), counterpartDesk, 'counterpart');
      await logged.service.act(ticket.id, { action: 'respond', message: secret }, operator);
      await logged.service.act(ticket.id, { action: 'wait', on: 'counterpart', message: secret }, operator);
      await logged.inbound.receive(message('M-SECRET', secret));
      await logged.service.act(ticket.id, { action: 'priority', priority: 'P1', message: secret }, operator);
      const text = JSON.stringify(lines);
      expect(lines.some((l) => l.event === 'helpdesk.message_received' && l.messageId === 'M-SECRET' && l.outcome === 'resumed')).toBe(true);
      for (const fragment of ['Dupont', '1960', 'rue de la Paix']) expect(text).not.toContain(fragment);
    } finally {
      await logged.stop();
    }
  });

  it('refuses a message about a ticket the desk never opened, or one without a message id', async () => {
    await expect(hd.inbound.receive(message('M-3'))).rejects.toMatchObject({ code: 'HDK_TICKET_NOT_FOUND' });
    // The message is checked against its schema where it is received (the liaison.helpdesk handler), before the service.
    let refused: unknown;
    try {
      parseInboundMessage({ counterpartCountry: 'DE', counterpartRef: 'X', message: 'hi' });
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({ code: 'REQ_INVALID_BODY', details: [{ path: '/messageId', message: 'is required but missing' }] });
  });

  it('keeps the calendar revision in force at a ticket\'s start when calendars.json changes mid-month', async () => {
    const before = (await hd.service.create(ticketBody({ priority: 'P3', counterpartRef: 'BEFORE' }), counterpartDesk, 'counterpart')).ticket;
    expect(before.sla.resolutionDueAt).toBe('2025-11-24T16:00:00.000Z'); // 10 desk days, 11 Nov a holiday: Mon 24, 17:00 Paris
    await hd.stop();

    // Wednesday 12 November: the desk decides to close on Monday 17; the service restarts with the edited file.
    clock.set('2025-11-12T11:00:00Z');
    hd = await startTestHelpdesk(tdb.db, clock, { configDir: editedDir });
    const revisions = await tdb.db.query<{ calendar_id: string; revision: number }>(
      `SELECT calendar_id, revision FROM calendar_revisions WHERE calendar_id = 'FR-desk' ORDER BY revision`);
    expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
    clock.set('2025-11-14T08:00:00Z'); // Friday 14, 09:00 Paris
    const after = (await hd.service.create(ticketBody({ priority: 'P3', counterpartRef: 'AFTER' }), counterpartDesk, 'counterpart')).ticket;
    expect(after.sla.resolutionDueAt).toBe('2025-11-28T16:00:00.000Z'); // Mon 17 closed: Fri 28, not Thu 27
    expect((await hd.service.get(before.id, operator)).sla.resolutionDueAt).toBe('2025-11-24T16:00:00.000Z'); // unchanged
    await hd.service.act(before.id, { action: 'respond', message: 'Answered' }, operator);
    expect((await hd.service.get(before.id, operator)).sla.resolutionDueAt).toBe('2025-11-24T16:00:00.000Z');
    expect((await hd.service.get(after.id, operator)).events[0].data).toEqual(expect.objectContaining({
      calendars: { desk: ['FR-desk', 2], counterpart: ['country:DE', 1] },
    }));
    // Starting again with the same file records nothing new.
    await hd.stop();
    hd = await startTestHelpdesk(tdb.db, clock, { configDir: editedDir });
    expect((await tdb.db.query(`SELECT 1 FROM calendar_revisions WHERE calendar_id = 'FR-desk'`)).length).toBe(2);
  });
});
