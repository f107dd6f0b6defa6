/**
 * The pipeline watch on PGlite and PostgreSQL: a forward unacknowledged for 5 business days opens one ticket, once;
 * a case in triage for 16 business hours opens one ticket per triage episode, once; overlapping runs open nothing twice.
 */
import type { Helpdesk } from '../../src/app/helpdesk';
import { FixedClock } from '../../src/shared/clock';
import type { Sql } from '../../src/store/database';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { operator, paris, startTestHelpdesk } from '../helpdesk-store/support';

/** The minimal rows of a case with one envelope (routing and forwarding are tested elsewhere). */
async function insertCase(db: Sql, caseId: string, status: 'forwarded' | 'triage', at: Date, senderCountry = 'DE'): Promise<number> {
  const envelopeId = `P2000_${caseId}_1`;
  await db.query(
    `INSERT INTO envelopes (envelope_id, case_id, buc_type, sed_type, document_id, document_version, sender_institution_id, sender_country,
       legal_delivery_at, received_at, via, content_sha256, body, state)
     VALUES ($1, $2, 'P_BUC_01', 'P2000', $2, '1', $3, $4, $5, $5, 'http', 'x', '{}', $6)`,
    [envelopeId, caseId, `${senderCountry}:INST0001`, senderCountry, at, status]);
  await db.query(
    `INSERT INTO cases (case_id, buc_type, sender_institution_id, sender_country, status, institution_id, triage_reason, triage_since,
       first_legal_delivery_at, created_at, updated_at)
     VALUES ($1, 'P_BUC_01', $2, $3, $4, $5, $6, $7, $8, $8, $8)`,
    [caseId, `${senderCountry}:INST0001`, senderCountry, status, status === 'forwarded' ? 'FR:CPAM075' : null,
      status === 'triage' ? 'NO_RULE' : null, status === 'triage' ? at : null, at]);
  const [d] = await db.query<{ id: number }>(
    `INSERT INTO decisions (case_id, envelope_id, outcome, institution_id, explanation, decided_at, decided_by)
     VALUES ($1, $2, 'forward', 'FR:CPAM075', 'test', $3, 'router') RETURNING id`, [caseId, envelopeId, at]);
  return Number(d.id);
}

async function insertForward(db: Sql, forwardId: string, caseId: string, decisionId: number, createdAt: Date, status = 'pending'): Promise<void> {
  await db.query(
    `INSERT INTO forwards (forward_id, case_id, envelope_id, institution_id, decision_id, legal_delivery_at, status, created_at,
       rina_instruction, next_attempt_at)
     VALUES ($1, $2, $3, 'FR:CPAM075', $4, $5, $6, $5, false, $5)`,
    [forwardId, caseId, `P2000_${caseId}_1`, decisionId, createdAt, status]);
}

describe.each(storageDrivers())('pipeline watch on %s', (_name, open) => {
  let tdb: TestDatabase;
  let hd: Helpdesk;
  const clock = new FixedClock(paris('2025-05-05T10:00:00'));

  beforeAll(async () => {
    tdb = await open();
    hd = await startTestHelpdesk(tdb.db, clock);
  });
  afterAll(async () => {
    await hd.stop();
    await tdb.close();
  });
  beforeEach(() => tdb.reset());

  const watchAt = async (at: string) => {
    const now = paris(at);
    clock.set(now);
    const run = await hd.jobs.watchPipeline(now);
    if (!run.ran) throw new Error('the job did not run');
    return run.result.map((o) => o.ticketId);
  };
  const tickets = () => tdb.db.query<{ id: string; category: string; case_id: string; priority: string; source: string; origin: Record<string, unknown> }>(
    'SELECT id, category, case_id, priority, source, origin FROM tickets ORDER BY id');

  it('opens one ticket for the unacknowledged forwards of a case, 5 business days after forwarding, once', async () => {
    // Monday 5 May 10:00 + 5 business days, Thursday 8 May closed → Tuesday 13 May 10:00.
    const made = paris('2025-05-05T10:00:00');
    const decision = await insertCase(tdb.db, 'C-FWD', 'forwarded', made);
    await insertForward(tdb.db, 'fwd_a', 'C-FWD', decision, made);
    await insertForward(tdb.db, 'fwd_b', 'C-FWD', decision, new Date(made.getTime() + 60_000));
    const acked = await insertCase(tdb.db, 'C-ACK', 'forwarded', made);
    await insertForward(tdb.db, 'fwd_acked', 'C-ACK', acked, made, 'accepted');

    expect(await watchAt('2025-05-13T09:59:00')).toEqual([]);
    expect(await watchAt('2025-05-13T10:01:00')).toHaveLength(1);
    expect(await watchAt('2025-05-13T10:15:00')).toEqual([]);
    expect(await watchAt('2025-05-20T10:00:00')).toEqual([]);

    const [t] = await tickets();
    expect(t).toEqual(expect.objectContaining({ category: 'forward-unacknowledged', case_id: 'C-FWD', priority: 'P3', source: 'automatic' }));
    expect(t.origin).toEqual({ kind: 'forward-unacknowledged', institutionId: 'FR:CPAM075', forwardIds: ['fwd_a', 'fwd_b'] });
    expect(await tickets()).toHaveLength(1);
    const marked = await tdb.db.query<{ forward_id: string; reminded: boolean }>(
      'SELECT forward_id, reminder_raised_at IS NOT NULL AS reminded FROM forwards ORDER BY forward_id');
    expect(marked).toEqual([{ forward_id: 'fwd_a', reminded: true }, { forward_id: 'fwd_acked', reminded: false }, { forward_id: 'fwd_b', reminded: true }]);
    const [event] = await tdb.db.query<{ kind: string; data: { ticketId: string } }>(`SELECT kind, data FROM case_events WHERE case_id = 'C-FWD'`);
    expect(event).toEqual({ kind: 'ticket-opened', data: expect.objectContaining({ ticketId: t.id, reason: 'forward-unacknowledged' }) });
    const view = await hd.service.get(t.id, operator);
    expect(view.subject).toBe('Case C-FWD: 2 forward(s) to FR:CPAM075 not acknowledged after 5 business days');
    // The P3 clock starts when the ticket is opened: 8 business hours from Tuesday 10:01 → Wednesday 10:01.
    expect(view.sla.firstResponseDueAt).toBe(paris('2025-05-14T10:01:00').toISOString());
  });

  it('opens one ticket per orphan case and triage episode, after 16 business hours', async () => {
    // Monday 10:00 + 16 business hours: Monday 7 h, Tuesday 8 h, Wednesday 1 h → Wednesday 7 May 10:00.
    await insertCase(tdb.db, 'C-ORPH', 'triage', paris('2025-05-05T10:00:00'), 'BE');
    expect(await watchAt('2025-05-07T09:59:00')).toEqual([]);
    const [first] = await watchAt('2025-05-07T10:00:00');
    expect(await watchAt('2025-05-07T10:15:00')).toEqual([]);
    // The case is assigned, bounced, and back in triage: a new episode.
    await tdb.db.query(`UPDATE cases SET triage_since = $1, triage_reason = 'BOUNCED' WHERE case_id = 'C-ORPH'`, [paris('2025-05-09T09:00:00')]);
    expect(await watchAt('2025-05-12T16:59:00')).toEqual([]);
    const [second] = await watchAt('2025-05-12T17:00:00');
    expect(second).not.toBe(first);
    expect(await watchAt('2025-05-13T10:00:00')).toEqual([]);
    const view = await hd.service.get(second, operator);
    expect(view).toEqual(expect.objectContaining({ category: 'orphan-aged', caseId: 'C-ORPH', counterpartCountry: 'BE', priority: 'P3' }));
    expect(view.automatic).toEqual(expect.objectContaining({ triageReason: 'BOUNCED', senderCountry: 'BE' }));
  });

  it('opens nothing twice when runs overlap', async () => {
    await insertCase(tdb.db, 'C-O1', 'triage', paris('2025-05-05T10:00:00'));
    const decision = await insertCase(tdb.db, 'C-F1', 'forwarded', paris('2025-05-05T10:00:00'));
    await insertForward(tdb.db, 'fwd_1', 'C-F1', decision, paris('2025-05-05T10:00:00'));
    const now = paris('2025-05-14T10:00:00');
    clock.set(now);
    const runs = await Promise.all([hd.jobs.watchPipeline(now), hd.jobs.watchPipeline(now), hd.jobs.watchPipeline(now)]);
    expect(runs.flatMap((r) => (r.ran ? r.result : []))).toHaveLength(2);
    expect((await tickets()).map((t) => t.category).sort()).toEqual(['forward-unacknowledged', 'orphan-aged']);
  });
});
