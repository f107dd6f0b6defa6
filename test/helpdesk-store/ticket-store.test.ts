/**
 * Tickets in the database through the TicketService, on PGlite and PostgreSQL: idempotent creation, every action
 * with its audit event, refused transitions, the SLA of a fixed-date ticket, policy snapshots, lists.
 */
import type { TicketActionRequest } from '../../src/helpdesk/tickets/ticket-request';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Helpdesk } from '../../src/app/helpdesk';
import { FixedClock } from '../../src/shared/clock';
import { capturingLogger } from '../bus/support';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { CONFIG_DIR, counterpartDesk, operator, paris, startTestHelpdesk, ticketBody } from './support';

describe.each(storageDrivers())('help desk storage on %s', (_name, open) => {
  let tdb: TestDatabase;
  let hd: Helpdesk;
  const clock = new FixedClock(paris('2025-05-06T10:00:00'));

  beforeAll(async () => {
    tdb = await open();
    hd = await startTestHelpdesk(tdb.db, clock);
  });
  afterAll(async () => {
    await hd.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set(paris('2025-05-06T10:00:00'));
  });

  const create = (over: Record<string, unknown> = {}, actor = counterpartDesk) => hd.service.create(ticketBody(over), actor, 'counterpart');
  const act = (id: string, body: Record<string, unknown>, actor = operator) => hd.service.act(id, body as unknown as TicketActionRequest, actor);

  it('opens a ticket with a readable id, its created event and the SLA of its policy version (P2, 8 May in between)', async () => {
    const { ticket, created } = await create();
    expect(created).toBe(true);
    expect(ticket.id).toMatch(/^HD2025-\d{6}$/);
    expect(ticket).toEqual(expect.objectContaining({
      state: 'new', source: 'counterpart', counterpartCountry: 'DE', counterpartRef: 'DE-SD-2025-000123', caseId: '4410023',
      priority: 'P2', policyVersion: '2024-05', slaStartAt: '2025-05-06T08:00:00.000Z', createdBy: counterpartDesk.id,
    }));
    // 4 business hours from Tue 10:00 → 14:00; 24 h: Tue 7 h, Wed 8 h, Thu 8 May closed, Fri 8 h, Mon 1 h → Mon 12 May 10:00.
    expect(ticket.sla).toEqual(expect.objectContaining({
      policyVersion: '2024-05', firstResponseDueAt: '2025-05-06T12:00:00.000Z', resolutionDueAt: '2025-05-12T08:00:00.000Z',
      firstResponseBreached: false, resolutionBreached: false, pausedMs: 0,
    }));
    expect(ticket.events.map((e) => e.kind)).toEqual(['created']);
    const [snapshot] = await tdb.db.query<{ version: string; definition: { priorities: { P2: unknown } } }>('SELECT * FROM sla_policy_versions');
    expect(snapshot.version).toBe('2024-05');
    expect(snapshot.definition.priorities.P2).toEqual({ firstResponseHours: 4, resolutionHours: 24 });
  });

  it('starts the clock at an earlier slaStartAt (the SED\'s legal delivery), never later than creation', async () => {
    const early = await create({ counterpartRef: 'A', slaStartAt: '2025-05-05T16:00:00+02:00', priority: 'P1' });
    expect(early.ticket.slaStartAt).toBe('2025-05-05T14:00:00.000Z');
    // 1 business hour Monday 16–17, 1 more Tuesday 09–10: the 2 h response target is due at creation.
    expect(early.ticket.sla.firstResponseDueAt).toBe('2025-05-06T08:00:00.000Z');
    const late = await create({ counterpartRef: 'B', slaStartAt: '2025-05-07T09:00:00+02:00' });
    expect(late.ticket.slaStartAt).toBe('2025-05-06T08:00:00.000Z');
  });

  it('is idempotent on counterpartCountry + counterpartRef, also when the same ticket arrives concurrently', async () => {
    const first = await create();
    clock.set(paris('2025-05-06T11:00:00'));
    const again = await create({ subject: 'resent' });
    expect(again.created).toBe(false);
    expect(again.ticket.id).toBe(first.ticket.id);
    expect(again.ticket.subject).toBe(first.ticket.subject);
    const burst = await Promise.all(Array.from({ length: 5 }, () => create({ counterpartRef: 'BURST-1' })));
    expect(new Set(burst.map((r) => r.ticket.id)).size).toBe(1);
    expect(burst.filter((r) => r.created)).toHaveLength(1);
    const other = await create({ counterpartCountry: 'BE' });
    expect(other.created).toBe(true);
    const [{ n }] = await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets');
    expect(n).toBe(3);
  });

  it('takes every action through the state machine, each recorded with its actor, time and data', async () => {
    const { ticket } = await create();
    const steps: Array<[Record<string, unknown>, string]> = [
      [{ action: 'assign', assignee: 'bob' }, 'new'],
      [{ action: 'respond', message: 'We are looking into it.' }, 'open'],
      [{ action: 'wait', on: 'counterpart', message: 'Please send the P5000.' }, 'waiting-counterpart'],
      [{ action: 'wait', on: 'institution' }, 'waiting-institution'],
      [{ action: 'resume' }, 'open'],
      [{ action: 'comment', message: 'CPAM 59 confirmed by phone.' }, 'open'],
      [{ action: 'resolve', message: 'CPAM de Lille-Douai is competent.' }, 'resolved'],
      [{ action: 'close' }, 'closed'],
      [{ action: 'reopen', message: 'The counterpart disagrees.' }, 'open'],
    ];
    let minutes = 0;
    for (const [body, state] of steps) {
      clock.set(new Date(paris('2025-05-06T10:00:00').getTime() + (minutes += 10) * 60_000));
      const after = await act(ticket.id, body);
      expect([body.action, after.state]).toEqual([body.action, state]);
    }
    const final = await hd.service.get(ticket.id, operator);
    expect(final.assignee).toBe('bob');
    expect(final.firstResponseAt).toBe('2025-05-06T08:20:00.000Z');
    expect(final.resolvedAt).toBeNull();
    expect(final.closedAt).toBeNull();
    expect(final.events.map((e) => [e.kind, e.state])).toEqual([
      ['created', 'new'], ['assign', 'new'], ['respond', 'open'], ['wait', 'waiting-counterpart'], ['wait', 'waiting-institution'],
      ['resume', 'open'], ['comment', 'open'], ['resolve', 'resolved'], ['close', 'closed'], ['reopen', 'open'],
    ]);
    expect(final.events[1]).toEqual(expect.objectContaining({ actor: operator.id, data: { assignee: 'bob', previous: null } }));
    expect(final.events[3]).toEqual(expect.objectContaining({ on: 'counterpart', message: 'Please send the P5000.', visibility: 'external' })); // the question put to the counterpart
    expect(final.events[2]).toEqual(expect.objectContaining({ visibility: 'external', at: '2025-05-06T08:20:00.000Z' }));
    // 10:30–10:40 waiting on the counterpart, 10:40–10:50 on the institution: business time, attributed.
    expect(final.sla.pausedMs).toBe(20 * 60_000);
    expect(final.sla.waitingByParty.counterpart.deskBusinessMs).toBe(10 * 60_000);
    expect(final.sla.waitingByParty.institution.deskBusinessMs).toBe(10 * 60_000);
  });

  it('refuses an action the state does not allow, naming state and action, and records nothing', async () => {
    const { ticket } = await create();
    await expect(act(ticket.id, { action: 'close' })).rejects.toMatchObject({ code: 'HDK_INVALID_TRANSITION', message: 'cannot close a ticket in state new' });
    await expect(act(ticket.id, { action: 'wait', on: 'counterpart' })).rejects.toMatchObject({ code: 'HDK_INVALID_TRANSITION' });
    await expect(act('HD2025-999999', { action: 'respond' })).rejects.toMatchObject({ code: 'HDK_TICKET_NOT_FOUND' });
    await expect(act(ticket.id, { action: 'wait' })).rejects.toMatchObject({ code: 'REQ_INVALID_BODY', details: [expect.objectContaining({ path: '/on' })] });
    const after = await hd.service.get(ticket.id, operator);
    expect(after.state).toBe('new');
    expect(after.events).toHaveLength(1);
  });

  it('keeps the audit trail append-only in the database itself', async () => {
    const { ticket } = await create();
    await expect(tdb.db.query(`UPDATE ticket_events SET actor = 'someone else' WHERE ticket_id = $1`, [ticket.id])).rejects.toThrow(/append-only/);
    await expect(tdb.db.query('DELETE FROM ticket_events WHERE ticket_id = $1', [ticket.id])).rejects.toThrow(/append-only/);
  });

  it('shows internal comments to operators only', async () => {
    const { ticket } = await create();
    await act(ticket.id, { action: 'comment', message: 'Internal: Mr X called.' });
    await act(ticket.id, { action: 'comment', message: 'Sent to CPAM 59.', visibility: 'external' });
    const desk = await hd.service.get(ticket.id, counterpartDesk);
    expect(desk.events.slice(1).map((e) => [e.visibility, e.message])).toEqual([['internal', null], ['external', 'Sent to CPAM 59.']]);
    const op = await hd.service.get(ticket.id, operator);
    expect(op.events[1].message).toBe('Internal: Mr X called.');
  });

  it('measures a ticket with the policy version recorded at its start, even after the configuration is edited', async () => {
    const { ticket } = await create();
    const dir = mkdtempSync(path.join(tmpdir(), 'hd-config-'));
    try {
      cpSync(path.join(CONFIG_DIR, 'calendars.json'), path.join(dir, 'calendars.json'));
      const policy = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sla-policy.json'), 'utf8'));
      policy.versions[0].priorities.P2 = { firstResponseHours: 1, resolutionHours: 2 };
      writeFileSync(path.join(dir, 'sla-policy.json'), JSON.stringify(policy));
      const { logger, lines } = capturingLogger();
      const edited = await startTestHelpdesk(tdb.db, clock, { configDir: dir, logger });
      expect(lines).toContainEqual(expect.objectContaining({
        event: 'helpdesk.policy_edited', policyVersion: '2024-05', fields: ['priorities.P2.firstResponseHours', 'priorities.P2.resolutionHours'],
      }));
      const seen = await edited.service.get(ticket.id, operator);
      expect(seen.sla.firstResponseDueAt).toBe(ticket.sla.firstResponseDueAt);
      expect(seen.sla.resolutionDueAt).toBe(ticket.sla.resolutionDueAt);
      const next = await edited.service.create(ticketBody({ counterpartRef: 'NEW' }), counterpartDesk, 'counterpart');
      expect(next.ticket.sla.firstResponseDueAt).toBe('2025-05-06T12:00:00.000Z');
      await edited.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens one automatic ticket per kind and reference', async () => {
    const req = {
      kind: 'orphan-aged' as const, ref: 'C-1@2025-05-05T08:00:00.000Z', caseId: 'C-1', bucType: 'P_BUC_01', counterpartCountry: 'FR',
      priority: 'P3' as const, subject: 'Case C-1 waiting in triage', description: 'since Monday', origin: { triageReason: 'NO_RULE' },
    };
    const a = await hd.service.openAutomatic(req, operator);
    const b = await hd.service.openAutomatic(req, operator);
    expect([a.created, b.created]).toEqual([true, false]);
    expect(b.ticketId).toBe(a.ticketId);
    const t = await hd.service.get(a.ticketId, operator);
    expect(t).toEqual(expect.objectContaining({ source: 'automatic', category: 'orphan-aged', counterpartRef: null, automatic: expect.objectContaining({ key: `orphan-aged:${req.ref}`, triageReason: 'NO_RULE' }) }));
  });

  it('never logs what people wrote: subjects, descriptions and messages stay out of the logs', async () => {
    const { logger, lines } = capturingLogger();
    const logged = await startTestHelpdesk(tdb.db, clock, { logger });
    const secret = 'Jeanne Dupont née le 1960-01-01';
    const { ticket } = await logged.service.create(ticketBody({ subject: secret, description: secret, priority: 'P1' }), counterpartDesk, 'counterpart');
    await logged.service.act(ticket.id, { action: 'comment', message: secret }, operator);
    await logged.service.create(ticketBody({ subject: secret }), counterpartDesk, 'counterpart');
    await logged.jobs.escalate(paris('2025-05-06T11:30:00'));
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['helpdesk.ticket_created', 'helpdesk.ticket_action', 'helpdesk.ticket_duplicate', 'helpdesk.escalated']));
    expect(lines.find((l) => l.event === 'helpdesk.ticket_created')).toEqual(expect.objectContaining({ ticketId: ticket.id, priority: 'P1', counterpartCountry: 'DE' }));
    expect(JSON.stringify(lines)).not.toMatch(/Jeanne|Dupont|1960/);
    await logged.stop();
  });
});
