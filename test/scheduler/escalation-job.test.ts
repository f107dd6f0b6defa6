/**
 * The escalation job with an injected clock, on PGlite and PostgreSQL: one warning, one breach, nothing at night
 * (a threshold crossed at night is raised at the next opening), never twice, also when two runs overlap; the
 * notifications outbox publishes each escalation once and keeps it when the broker fails.
 * Desk Mon–Fri 09:00–17:00 Paris; P1 = 2 h response / 8 h resolution, warning at 75 %.
 */
import type { ConsumerHandle, MessageBus, PublishOptions } from '../../src/bus/types';
import type { Helpdesk } from '../../src/app/helpdesk';
import { FixedClock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';
import { HELPDESK_JOB_NAMES } from '../../src/helpdesk/helpdesk-jobs';
import { JOB_LOCK_SPACE } from '../../src/store/job-lock';
import { waitFor } from '../bus/support';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { counterpartDesk, operator, paris, startTestHelpdesk, ticketBody } from '../helpdesk-store/support';

interface Published {
  exchange: string;
  routingKey: string;
  body: Record<string, unknown>;
  options?: PublishOptions;
}

/** A bus that records what is published, and fails while `down` is set. */
class RecordingBus implements MessageBus {
  readonly names = { helpdesk: 'test.helpdesk', notifications: 'test.notifications', helpdeskOut: 'test.helpdesk-out' };
  readonly published: Published[] = [];
  down = false;
  async publish(exchange: string, routingKey: string, body: Buffer | object, options?: PublishOptions): Promise<void> {
    if (this.down) throw new AppError('DEP_BROKER_DOWN', 'broker down (test)');
    this.published.push({ exchange, routingKey, body: body as Record<string, unknown>, options });
  }
  consume(queue: string): ConsumerHandle {
    return { queue, stop: async () => undefined };
  }
  isConnected(): boolean {
    return true;
  }
}

describe.each(storageDrivers())('escalation job on %s', (driver, open) => {
  let tdb: TestDatabase;
  let hd: Helpdesk;
  const bus = new RecordingBus();
  const clock = new FixedClock(paris('2025-05-06T09:00:00'));

  beforeAll(async () => {
    tdb = await open();
    hd = await startTestHelpdesk(tdb.db, clock, { bus });
  });
  afterAll(async () => {
    await hd.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    bus.published.length = 0;
    bus.down = false;
  });

  const openP1 = async (at: string, ref = 'P1-1') => {
    clock.set(paris(at));
    return (await hd.service.create(ticketBody({ counterpartRef: ref, priority: 'P1' }), counterpartDesk, 'counterpart')).ticket.id;
  };
  const escalateAt = async (at: string) => {
    const now = paris(at);
    clock.set(now);
    const run = await hd.jobs.escalate(now);
    if (!run.ran) throw new Error('the job did not run');
    return run.result.raised.map((r) => r.kind);
  };
  const escalationsOf = async (id: string) => (await hd.service.get(id, operator)).escalations.map((e) => e.kind);

  it('raises one warning at 75 %, one breach after the due instant, and nothing more', async () => {
    const id = await openP1('2025-05-06T09:00:00');
    expect(await escalateAt('2025-05-06T10:29:00')).toEqual([]);
    expect(await escalateAt('2025-05-06T10:30:00')).toEqual(['response-warning']);
    expect(await escalateAt('2025-05-06T10:45:00')).toEqual([]);
    expect(await escalateAt('2025-05-06T11:01:00')).toEqual(['response-breach']);
    expect(await escalateAt('2025-05-06T11:02:00')).toEqual([]);
    const t = await hd.service.get(id, operator);
    expect(t.escalations).toEqual([
      expect.objectContaining({ kind: 'response-warning', at: '2025-05-06T08:30:00.000Z', dueAt: '2025-05-06T09:00:00.000Z', notification: 'sent' }),
      expect.objectContaining({ kind: 'response-breach', at: '2025-05-06T09:01:00.000Z', notification: 'sent' }),
    ]);
    expect(t.events.filter((e) => e.kind === 'escalated').map((e) => [e.actor, e.data?.escalation])).toEqual([
      ['system:escalation', 'response-warning'], ['system:escalation', 'response-breach'],
    ]);
    expect(bus.published.map((p) => [p.exchange, p.routingKey, p.options?.messageId])).toEqual([
      ['test.notifications', 'helpdesk.escalation.response-warning', `${id}:response-warning`],
      ['test.notifications', 'helpdesk.escalation.response-breach', `${id}:response-breach`],
    ]);
    expect(bus.published[1].body).toEqual(expect.objectContaining({ ticketId: id, kind: 'response-breach', priority: 'P1', counterpartCountry: 'DE', dueAt: '2025-05-06T09:00:00.000Z' }));
    expect(JSON.stringify(bus.published)).not.toContain(String(ticketBody().subject));
  });

  it('stays silent at night, on weekends and on holidays, and raises what was crossed at the next opening', async () => {
    const id = await openP1('2025-05-07T15:00:00'); // Wednesday: response due 17:00; Thursday 8 May is a holiday
    expect(await escalateAt('2025-05-07T20:00:00')).toEqual([]);
    expect(await escalateAt('2025-05-08T10:00:00')).toEqual([]);
    expect(await escalateAt('2025-05-10T11:00:00')).toEqual([]);
    expect(await escalateAt('2025-05-09T09:00:00')).toEqual(['response-warning', 'response-breach']);
    expect(await escalationsOf(id)).toEqual(['response-warning', 'response-breach']);
  });

  it('raises nothing for a response given in time and a resolution clock paused below its threshold', async () => {
    const id = await openP1('2025-05-06T09:00:00');
    clock.set(paris('2025-05-06T09:30:00'));
    await hd.service.act(id, { action: 'respond', message: 'Answered' }, operator);
    await hd.service.act(id, { action: 'wait', on: 'counterpart' }, operator);
    // Response stopped in time; resolution paused after 30 min of its 8 h: nothing at all, days later.
    expect(await escalateAt('2025-05-13T10:00:00')).toEqual([]);
    expect(await escalationsOf(id)).toEqual([]);
  });

  it('never raises a threshold twice when two runs overlap', async () => {
    const id = await openP1('2025-05-06T09:00:00');
    const now = paris('2025-05-06T10:31:00');
    clock.set(now);
    const runs = await Promise.all([hd.jobs.escalate(now), hd.jobs.escalate(now), hd.jobs.escalate(now)]);
    const raised = runs.flatMap((r) => (r.ran ? r.result.raised.map((e) => e.kind) : []));
    expect(raised).toEqual(['response-warning']);
    expect(runs.some((r) => r.ran)).toBe(true);
    const t = await hd.service.get(id, operator);
    expect(t.events.filter((e) => e.kind === 'escalated')).toHaveLength(1);
    expect(bus.published).toHaveLength(1);
  });

  it('keeps a notification the broker did not take, and sends it once the broker is back', async () => {
    const id = await openP1('2025-05-06T09:00:00');
    bus.down = true;
    expect(await escalateAt('2025-05-06T10:30:00')).toEqual(['response-warning']);
    expect(bus.published).toHaveLength(0);
    expect((await hd.service.get(id, operator)).escalations[0].notification).toBe('pending');
    bus.down = false;
    await escalateAt('2025-05-06T10:30:01'); // within the retry delay: not yet
    expect(bus.published).toHaveLength(0);
    await escalateAt('2025-05-06T10:31:00');
    expect(bus.published.map((p) => p.routingKey)).toEqual(['helpdesk.escalation.response-warning']);
    expect((await hd.service.get(id, operator)).escalations[0].notification).toBe('sent');
  });

  it('runs on its cron schedule when startHelpdesk is asked to schedule the jobs', async () => {
    const id = await openP1('2025-05-06T09:00:00');
    clock.set(paris('2025-05-06T10:31:00'));
    const scheduled = await startTestHelpdesk(tdb.db, clock, { scheduler: true, settings: { escalationCron: '* * * * * *', pipelineWatchCron: '* * * * * *' } });
    try {
      await waitFor(async () => (await escalationsOf(id)).length > 0, 5000, 'the scheduled escalation');
    } finally {
      await scheduled.stop();
    }
    expect(await escalationsOf(id)).toEqual(['response-warning']);
  });

  if (driver === 'postgres') {
    it('skips the run while another instance holds the job lock', async () => {
      await openP1('2025-05-06T09:00:00');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const other = tdb.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [JOB_LOCK_SPACE, HELPDESK_JOB_NAMES.escalation]);
        locked();
        await held;
      });
      await isLocked;
      const now = paris('2025-05-06T10:31:00');
      expect((await hd.jobs.escalate(now)).ran).toBe(false);
      release();
      await other;
      const after = await hd.jobs.escalate(now);
      expect(after.ran && after.result.raised.map((r) => r.kind)).toEqual(['response-warning']);
    });
  }
});
