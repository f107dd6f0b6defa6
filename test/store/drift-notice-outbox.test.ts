/**
 * The drift notices' outbox (migration 014) on PGlite and PostgreSQL: one open episode per rule whatever the
 * number of checks, two relays never send a notice twice, a failed publish leaves it pending with a later attempt.
 */
import { driftRelayStep, type DriftFinding } from '../../src/learning/drift-watch';
import { NOTIFY_RETRY } from '../../src/shared/backoff';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import type { NoticeBus } from '../../src/shared/notice-relay';
import { PgDriftEpisodes, PgDriftNoticeOutbox } from '../../src/store/drift-notice-repository';
import { storageDrivers, type TestDatabase } from '../helpers/db';

const finding = (ruleId: string): DriftFinding => ({ ruleId, ruleSetVersion: 4, forwards: 30, undone: 9, minForwards: 20, maxUndoneShare: 0.1 });

describe.each(storageDrivers())('drift notice outbox on %s', (_name, open) => {
  let tdb: TestDatabase;
  const clock = new FixedClock('2026-11-20T10:00:00Z');
  beforeAll(async () => {
    tdb = await open();
  }, 120_000);
  afterAll(async () => tdb?.close());

  const rows = () => tdb.db.query<{ rule_id: string; episode: number; notification: string; publish_attempts: number; last_error: string | null }>(
    'SELECT rule_id, episode, notification, publish_attempts, last_error FROM learned_rule_drift_notices ORDER BY rule_id, episode');
  const relay = (owner: string, bus: NoticeBus) => driftRelayStep({ outbox: new PgDriftNoticeOutbox(tdb.db), bus, exchange: 'x', now: () => clock.now(), logger: silentLogger(), owner });

  it('opens one episode per drifting rule, however often it is found drifting', async () => {
    const first = await tdb.db.transaction((tx) => new PgDriftEpisodes(tx).open([finding('LEARNED-A'), finding('LEARNED-B')], clock.now()));
    expect(first.map((n) => [n.ruleId, n.episode])).toEqual([['LEARNED-A', 1], ['LEARNED-B', 1]]);
    const again = await tdb.db.transaction((tx) => new PgDriftEpisodes(tx).open([finding('LEARNED-A'), finding('LEARNED-B')], clock.now()));
    expect(again).toEqual([]);
    expect((await rows()).map((r) => [r.rule_id, r.episode, r.notification])).toEqual([['LEARNED-A', 1, 'pending'], ['LEARNED-B', 1, 'pending']]);
  });

  it('a failed publish stays pending with its error; two relays then send each notice once', async () => {
    const failing = relay('relay-failing', { isConnected: () => true, publish: () => Promise.reject(new Error('no confirm from the broker')) });
    expect(await failing()).toBe(false);
    expect((await rows()).map((r) => [r.notification, r.publish_attempts, r.last_error])).toEqual([
      ['pending', 1, 'no confirm from the broker'], ['pending', 1, 'no confirm from the broker']]);
    clock.set(new Date(clock.now().getTime() + NOTIFY_RETRY.maxMs + 1000));
    const sent: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let publishing: () => void = () => undefined;
    const claimed = new Promise<void>((r) => (publishing = r));
    const slow: NoticeBus = { isConnected: () => true, publish: async (_x, _k, _b, o) => { publishing(); await held; sent.push(o.messageId); } };
    const fast: NoticeBus = { isConnected: () => true, publish: async (_x, _k, _b, o) => void sent.push(o.messageId) };
    const first = relay('relay-1', slow)();
    await claimed; // relay-1 holds its lease and waits for the broker
    await relay('relay-2', fast)(); // everything is leased to relay-1: nothing to claim
    release();
    await first;
    expect(sent.sort()).toEqual(['learned-drift:LEARNED-A:1', 'learned-drift:LEARNED-B:1']);
    expect((await rows()).map((r) => r.notification)).toEqual(['sent', 'sent']);
  });
});
