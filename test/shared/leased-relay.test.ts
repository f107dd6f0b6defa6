/**
 * The one outbox relay (src/shared/leased-relay.ts), as a table: what one round does with a claimed batch,
 * depending on what delivery does to each row and on the relay's order. The outbox here is an in-memory table
 * with the port's semantics (leases by owner); the store's statements are tested on PGlite and PostgreSQL in
 * test/store/notice-outboxes.test.ts and through the relays' own tests.
 */
import { REPLY_RETRY, type BackoffPolicy } from '../../src/shared/backoff';
import { leasedRelayStep, type LeasedOutbox } from '../../src/shared/leased-relay';
import { capturingLogger } from '../bus/support';

interface Row {
  id: string;
  attempts: number;
  state: 'pending' | 'sent' | 'abandoned';
  nextAttemptAt: number;
  owner?: string;
  error?: string;
}

const T0 = Date.parse('2026-03-02T09:00:00Z');
const RETRY: BackoffPolicy = REPLY_RETRY;

class MemoryOutbox implements LeasedOutbox<Row> {
  constructor(public rows: Row[], private readonly stealLeases = false) {}

  async claim(owner: string, now: Date, limit: number): Promise<Row[]> {
    const due = this.rows.filter((r) => r.state === 'pending' && r.nextAttemptAt <= now.getTime() && !r.owner).slice(0, limit);
    for (const r of due) r.owner = this.stealLeases ? 'someone-else' : owner;
    return due.map((r) => ({ ...r }));
  }

  async markDone(owner: string, items: Row[]): Promise<number> {
    const mine = this.rows.filter((r) => items.some((i) => i.id === r.id) && r.owner === owner);
    for (const r of mine) Object.assign(r, { state: 'sent', owner: undefined, attempts: r.attempts + 1 });
    return mine.length;
  }

  async markFailed(owner: string, failures: Array<{ item: Row; nextAttemptAt: Date; error: string }>): Promise<void> {
    for (const f of failures) {
      const r = this.rows.find((x) => x.id === f.item.id && x.owner === owner);
      if (r) Object.assign(r, { owner: undefined, attempts: r.attempts + 1, nextAttemptAt: f.nextAttemptAt.getTime(), error: f.error });
    }
  }

  async markAbandoned(owner: string, failures: Array<{ item: Row; error: string }>): Promise<void> {
    for (const f of failures) {
      const r = this.rows.find((x) => x.id === f.item.id && x.owner === owner);
      if (r) Object.assign(r, { owner: undefined, state: 'abandoned', attempts: r.attempts + 1, error: f.error });
    }
  }

  async markDeferred(owner: string, items: Row[], until: Date): Promise<void> {
    for (const r of this.rows.filter((x) => items.some((i) => i.id === x.id) && x.owner === owner)) Object.assign(r, { owner: undefined, nextAttemptAt: until.getTime() });
  }
}

const rows = (n: number, attempts = 0): Row[] => Array.from({ length: n }, (_, i) => ({ id: `r${i + 1}`, attempts, state: 'pending', nextAttemptAt: T0 }));
type Outcome = 'ok' | 'fail' | 'final';

interface Case {
  order: 'together' | 'in-order';
  attempts?: number;
  outcomes: Outcome[];
  /** Each row after the round: state, attempts, next attempt (ms after T0). */
  expected: Array<[Row['state'], number, number]>;
  more: boolean;
}

describe('one round of the outbox relay', () => {
  it.each<[string, Case]>([
    ['all delivered together', { order: 'together', outcomes: ['ok', 'ok', 'ok'], expected: [['sent', 1, 0], ['sent', 1, 0], ['sent', 1, 0]], more: true }],
    ['together: a failure is retried on its own after the policy\'s delay', {
      order: 'together', outcomes: ['ok', 'fail', 'ok'], expected: [['sent', 1, 0], ['pending', 1, 1_000], ['sent', 1, 0]], more: false,
    }],
    ['together: the fifth failure of a row waits 16 s', { order: 'together', attempts: 4, outcomes: ['fail'], expected: [['pending', 5, 16_000]], more: false }],
    ['together: a failure no retry can fix is abandoned', { order: 'together', outcomes: ['final', 'ok'], expected: [['abandoned', 1, 0], ['sent', 1, 0]], more: false }],
    ['in order: the rows after a failure are deferred as long, unattempted and uncounted', {
      order: 'in-order', outcomes: ['ok', 'fail', 'ok', 'ok'], expected: [['sent', 1, 0], ['pending', 1, 1_000], ['pending', 0, 1_000], ['pending', 0, 1_000]], more: false,
    }],
    ['in order: all delivered', { order: 'in-order', outcomes: ['ok', 'ok'], expected: [['sent', 1, 0], ['sent', 1, 0]], more: true }],
  ])('%s', async (_name, c) => {
    const outbox = new MemoryOutbox(rows(c.outcomes.length, c.attempts ?? 0));
    const attempted: string[] = [];
    const step = leasedRelayStep<Row>({
      outbox, now: () => new Date(T0), logger: capturingLogger().logger, owner: 'me', leaseMs: 60_000, batchSize: 10, order: c.order,
      deliver: async (r) => {
        attempted.push(r.id);
        const outcome = c.outcomes[Number(r.id.slice(1)) - 1];
        if (outcome !== 'ok') throw Object.assign(new Error(`refused ${r.id}`), { final: outcome === 'final' });
      },
      final: (e) => Boolean((e as { final?: boolean }).final),
      attempts: (r) => r.attempts, retry: RETRY, describe: (r) => ({ id: r.id }), event: 'test.row', noun: 'row',
    });
    expect(await step()).toBe(c.more);
    expect(outbox.rows.map((r) => [r.state, r.attempts, r.nextAttemptAt - T0])).toEqual(c.expected);
    expect(outbox.rows.every((r) => r.owner === undefined)).toBe(true);
    if (c.order === 'in-order') expect(attempted).toEqual(outbox.rows.filter((r) => r.attempts > (c.attempts ?? 0)).map((r) => r.id));
  });

  it('claims nothing while the way out is down', async () => {
    const outbox = new MemoryOutbox(rows(2));
    const step = leasedRelayStep<Row>({
      outbox, now: () => new Date(T0), logger: capturingLogger().logger, owner: 'me', leaseMs: 60_000, batchSize: 10, ready: () => false,
      deliver: async () => undefined, attempts: (r) => r.attempts, retry: RETRY, describe: (r) => ({ id: r.id }), event: 'test.row', noun: 'row',
    });
    expect(await step()).toBe(false);
    expect(outbox.rows.map((r) => r.owner)).toEqual([undefined, undefined]);
  });

  it('logs under the events it is given, counts deliveries and failures, and warns when a lease was lost', async () => {
    const { logger, lines } = capturingLogger();
    const delivered: string[] = [];
    const failed: string[] = [];
    const outbox = new MemoryOutbox(rows(2), true);
    const step = leasedRelayStep<Row>({
      outbox, now: () => new Date(T0), logger, owner: 'me', leaseMs: 60_000, batchSize: 10,
      deliver: async (r) => { if (r.id === 'r2') throw new Error('no confirm'); },
      attempts: (r) => r.attempts, retry: RETRY, describe: (r) => ({ id: r.id }), event: 'test.row',
      events: { sent: 'row.published', failed: 'row.publish-failed', leaseLost: 'row.lease-lost' }, noun: 'row',
      onDelivered: (items) => delivered.push(...items.map((i) => i.id)), onFailed: (fs) => failed.push(...fs.map((f) => f.item.id)),
    });
    await step();
    expect(delivered).toEqual(['r1']);
    expect(failed).toEqual(['r2']);
    expect(lines.map((l) => l.event)).toEqual(['row.lease-lost', 'row.published', 'row.publish-failed']);
    expect(lines[2]).toMatchObject({ id: 'r2', attempts: 1, retryAt: new Date(T0 + 1_000).toISOString(), error: 'no confirm' });
  });
});
