/**
 * The notice outboxes (help-desk escalations, report.ready) under the generic notice relay, on PGlite and
 * PostgreSQL: no lock, transaction or connection is held while the broker confirms (a write on the same rows and
 * a new ticket go through meanwhile; before the leases this hung on PGlite's one connection), two relays never
 * send a notice twice, a dead relay's expired lease is taken over, a failed publish leaves the notice pending
 * with a later next attempt, and a ticket's warning goes out before its breach.
 */
import type { Helpdesk } from '../../src/app/helpdesk';
import { escalationRelayStep } from '../../src/helpdesk/sla/escalation-notices';
import { reportRelayStep } from '../../src/reporting/report-notices';
import { NOTIFY_RETRY } from '../../src/shared/backoff';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import type { NoticeBus, NoticeOutbox } from '../../src/shared/notice-relay';
import { PgReportOutbox } from '../../src/store/report-version-repository';
import { PgEscalationOutbox } from '../../src/store/ticket-pipeline-repository';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { counterpartDesk, paris, startTestHelpdesk, ticketBody } from '../helpdesk-store/support';

const LEASE_MS = 30_000;

/** A bus that records each confirmed messageId, after running `onPublish` (the broker's confirm wait). */
class HookedBus implements NoticeBus {
  readonly published: string[] = [];
  started = 0;
  onPublish?: (messageId: string) => Promise<void>;
  isConnected(): boolean {
    return true;
  }
  async publish(_exchange: string, _routingKey: string, _body: object, opts: { messageId: string }): Promise<void> {
    this.started += 1;
    await this.onPublish?.(opts.messageId);
    this.published.push(opts.messageId);
  }
}

/** Rejects when `p` takes longer than `ms` (a lock held by the relay would make it hang). */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

interface OutboxRow {
  id: string; notification: string; lease_owner: string | null; publish_attempts: number; next_attempt_at: Date; last_error: string | null;
}

describe.each(storageDrivers())('notice outboxes on %s', (_driver, open) => {
  let tdb: TestDatabase;
  let hd: Helpdesk;
  const start = paris('2025-05-06T10:30:00');
  const clock = new FixedClock(start);

  beforeAll(async () => {
    tdb = await open();
    hd = await startTestHelpdesk(tdb.db, clock); // no bus: the only relays are the tests'
  });
  afterAll(async () => {
    await hd?.stop();
    await tdb?.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    clock.set(start);
  });

  const openTicket = async (ref: string) =>
    (await hd.service.create(ticketBody({ counterpartRef: ref, priority: 'P1' }), counterpartDesk, 'counterpart')).ticket.id;

  const raise = (ticketId: string, kind: string, at: Date, nextAttemptAt = at) => tdb.db.query(
    `INSERT INTO ticket_escalations (ticket_id, kind, at, due_at, policy_version, notification, next_attempt_at)
     VALUES ($1, $2, $3, $3, 'test', 'pending', $4)`, [ticketId, kind, at, nextAttemptAt]);

  const escalationRelay = (owner: string, bus: NoticeBus) => escalationRelayStep({
    outbox: new PgEscalationOutbox(tdb.db), bus, exchange: 'test.notifications', clock, logger: silentLogger(), owner, leaseMs: LEASE_MS,
  });

  const deadRelay = async <N>(outbox: NoticeOutbox<N>) => {
    const claimed = await outbox.claim('relay-dead', clock.now(), 10, new Date(clock.now().getTime() + LEASE_MS));
    return { claimed: claimed.length, markSentLate: () => outbox.markSent('relay-dead', claimed, clock.now()) };
  };

  /** Each outbox: how to seed two independent notices (returns their messageIds), its relay, its rows, a write on them. */
  const outboxes: Array<{
    name: string;
    /** A relay that claims everything due, then dies before publishing. */
    deadRelay: () => Promise<{ claimed: number; markSentLate: () => Promise<number> }>;
    seed: () => Promise<string[]>;
    relay: (owner: string, bus: NoticeBus) => () => Promise<boolean>;
    rows: () => Promise<OutboxRow[]>;
    touch: () => Promise<unknown>;
  }> = [
    {
      name: 'helpdesk.escalation',
      deadRelay: () => deadRelay(new PgEscalationOutbox(tdb.db)),
      seed: async () => {
        const ids = [await openTicket('DE-1'), await openTicket('DE-2')];
        for (const id of ids) await raise(id, 'response-warning', start);
        return ids.map((id) => `${id}:response-warning`);
      },
      relay: escalationRelay,
      rows: () => tdb.db.query<OutboxRow>(
        `SELECT ticket_id || ':' || kind AS id, notification, lease_owner, publish_attempts, next_attempt_at, last_error FROM ticket_escalations ORDER BY 1`),
      touch: () => tdb.db.query('UPDATE ticket_escalations SET due_at = due_at'),
    },
    {
      name: 'report.ready',
      deadRelay: () => deadRelay(new PgReportOutbox(tdb.db)),
      seed: async () => {
        for (const version of [1, 2]) {
          await tdb.db.query(
            `INSERT INTO report_versions (kind, period, version, generated_at, generated_by, trigger, figures, content_sha256, notification, next_attempt_at)
             VALUES ('monthly', '2025-04', $1, $2, 'scheduler', 'scheduled', '{}', 'sha', 'pending', $2)`, [version, start]);
        }
        return ['report:monthly:2025-04:v1', 'report:monthly:2025-04:v2'];
      },
      relay: (owner, bus) => reportRelayStep({
        outbox: new PgReportOutbox(tdb.db), bus, exchange: 'test.notifications', now: () => clock.now(), logger: silentLogger(), owner, leaseMs: LEASE_MS,
      }),
      rows: () => tdb.db.query<OutboxRow>(
        `SELECT 'report:' || kind || ':' || period || ':v' || version AS id, notification, lease_owner, publish_attempts, next_attempt_at, last_error
           FROM report_versions ORDER BY 1`),
      touch: () => tdb.db.query('UPDATE report_versions SET next_attempt_at = next_attempt_at'),
    },
  ];

  describe.each(outboxes)('$name', (o) => {
    it('holds no lock, transaction or connection while the broker confirms', async () => {
      const ids = await o.seed();
      const bus = new HookedBus();
      const during: string[] = [];
      let writes = 0;
      bus.onPublish = async (messageId) => {
        // The same rows and another table written while this notice waits for its confirm.
        await within(5000, o.touch());
        await within(5000, openTicket(`DE-WRITE-${(writes += 1)}`));
        during.push(messageId);
      };
      expect(await o.relay('relay-a', bus)()).toBe(true);
      expect(during.sort()).toEqual(ids);
      expect((await o.rows()).map((r) => [r.id, r.notification, r.lease_owner])).toEqual(ids.map((id) => [id, 'sent', null]));
    });

    it('never lets two relays send the same notice', async () => {
      const ids = await o.seed();
      const bus = new HookedBus();
      const confirm = gate();
      bus.onPublish = () => confirm.opened;
      const a = o.relay('relay-a', bus);
      const b = o.relay('relay-b', bus);
      const first = a();
      while (bus.started < ids.length) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await b()).toBe(false); // everything is leased to relay-a
      expect(bus.started).toBe(ids.length);
      confirm.open();
      expect(await first).toBe(true);
      expect(await Promise.all([a(), b()])).toEqual([false, false]);
      expect(bus.published.sort()).toEqual(ids);
    });

    it('lets another relay take over a lease that expired', async () => {
      const ids = await o.seed();
      const dead = await o.deadRelay();
      expect(dead.claimed).toBe(ids.length);
      const bus = new HookedBus();
      const other = o.relay('relay-b', bus);
      expect(await other()).toBe(false);
      clock.advance(LEASE_MS + 1);
      expect(await other()).toBe(true);
      expect(bus.published.sort()).toEqual(ids);
      expect(await dead.markSentLate()).toBe(0); // its lease is gone
      expect((await o.rows()).map((r) => [r.notification, r.publish_attempts])).toEqual(ids.map(() => ['sent', 1]));
    });

    it('leaves a notice whose publish failed pending, released, with a later next attempt', async () => {
      const ids = await o.seed();
      const bus = new HookedBus();
      bus.onPublish = () => Promise.reject(new Error('no confirm from the broker'));
      const relay = o.relay('relay-a', bus);
      expect(await relay()).toBe(false);
      const retryAt = new Date(start.getTime() + NOTIFY_RETRY.initialMs);
      expect(await o.rows()).toEqual(ids.map((id) => ({
        id, notification: 'pending', lease_owner: null, publish_attempts: 1, next_attempt_at: retryAt, last_error: 'no confirm from the broker',
      })));
      bus.onPublish = undefined;
      expect(await relay()).toBe(false); // not due yet
      expect(bus.published).toEqual([]);
      clock.set(retryAt);
      expect(await relay()).toBe(true);
      expect(bus.published.sort()).toEqual(ids);
    });
  });

  describe('a ticket\'s escalations', () => {
    it('go out in order, a warning before its breach, also with two relays', async () => {
      const id = await openTicket('DE-ORDER');
      await raise(id, 'response-breach', start, new Date(start.getTime() - 60_000)); // due first, still second
      await raise(id, 'response-warning', start);
      const bus = new HookedBus();
      const confirm = gate();
      bus.onPublish = () => confirm.opened;
      const a = escalationRelay('relay-a', bus);
      const b = escalationRelay('relay-b', bus);
      const first = a();
      while (bus.started < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await b()).toBe(false); // the breach waits for the warning, leased to relay-a
      confirm.open();
      expect(await first).toBe(true);
      expect(await b()).toBe(true);
      expect(bus.published).toEqual([`${id}:response-warning`, `${id}:response-breach`]);
    });

    it('hold the breach back while its warning waits for a retry', async () => {
      const id = await openTicket('DE-RETRY');
      await raise(id, 'response-warning', start);
      await raise(id, 'response-breach', start);
      const bus = new HookedBus();
      bus.onPublish = () => Promise.reject(new Error('no confirm from the broker'));
      const relay = escalationRelay('relay-a', bus);
      expect(await relay()).toBe(false);
      bus.onPublish = undefined;
      expect(await relay()).toBe(false); // the warning is not due yet, so neither is its breach
      clock.advance(NOTIFY_RETRY.initialMs);
      while (await relay());
      expect(bus.published).toEqual([`${id}:response-warning`, `${id}:response-breach`]);
    });
  });
});
