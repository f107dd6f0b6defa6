/**
 * The one backoff formula of the service (src/shared/backoff.ts), as tables: the formula on a small policy, then
 * every named policy its callers use (the bus's reconnects, the routing stage, forwards, replies, notices).
 */
import {
  backoffDelay, backoffPolicy, DEFAULT_RECONNECT_BACKOFF, nextAttemptAt, NOTIFY_RETRY, PUBLISH_RETRY, REPLY_RETRY, STAGE_RETRY, type BackoffPolicy,
} from '../../src/shared/backoff';

const noJitter: BackoffPolicy = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0 };
const mid = (): number => 0.5; // a draw in the middle: no offset
const low = (): number => 0; // the lowest draw: −jitter
const high = (): number => 0.999999; // the highest draw: +jitter

describe('backoffDelay', () => {
  it.each([
    ['first retry waits the initial delay', 1, 100],
    ['second retry doubles it', 2, 200],
    ['fourth retry', 4, 800],
    ['fifth retry is capped', 5, 1_000],
    ['the hundredth retry stays at the cap (no overflow)', 100, 1_000],
    ['a huge attempt number stays finite and capped', 1e6, 1_000],
    ['attempt 0 is treated as the first', 0, 100],
  ])('%s', (_name, attempt, expected) => {
    expect(backoffDelay(attempt, noJitter, mid)).toBe(expected);
  });

  it('spreads the delay by ±jitter around the base', () => {
    const policy = { ...noJitter, jitter: 0.2 };
    expect(backoffDelay(2, policy, mid)).toBe(200);
    expect(backoffDelay(2, policy, low)).toBe(160);
    expect(backoffDelay(2, policy, high)).toBe(240);
  });

  it('never exceeds maxMs, jitter included, and stays spread below the cap', () => {
    const policy = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };
    const atCapHigh = backoffDelay(50, policy, high);
    const atCapLow = backoffDelay(50, policy, low);
    expect(atCapHigh).toBeLessThanOrEqual(30_000);
    expect(atCapHigh).toBeGreaterThan(29_000);
    // the spread survives at the cap: clients that all failed together do not retry together
    expect(atCapLow).toBe(Math.round((30_000 / 1.2) * 0.8));
  });

  it('grows monotonically until the cap with a fixed draw', () => {
    const delays = Array.from({ length: 12 }, (_, i) => backoffDelay(i + 1, DEFAULT_RECONNECT_BACKOFF, mid));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    expect(delays[0]).toBe(500);
    expect(delays[delays.length - 1]).toBe(25_000); // 30 s / 1.2, the jitter-free base at the cap
  });

  it('with the real random source stays within bounds', () => {
    for (let i = 0; i < 1_000; i++) {
      const d = backoffDelay(3, { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0.5 });
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(600);
    }
  });

  it('clamps nonsensical policies instead of returning negative or NaN delays', () => {
    expect(backoffDelay(3, { initialMs: -5, maxMs: 1_000, factor: 0.5, jitter: 7 }, high)).toBe(0);
    expect(backoffDelay(3, { initialMs: 100, maxMs: 1_000, factor: 0.5, jitter: -1 }, high)).toBe(100);
  });
});

describe('the named policies (no jitter: spread by their own timestamps)', () => {
  it.each([
    ['a reply: first retry after 1 s', REPLY_RETRY, 1, 1_000],
    ['a reply: second after 2 s', REPLY_RETRY, 2, 2_000],
    ['a reply: fifth after 16 s', REPLY_RETRY, 5, 16_000],
    ['a reply: ninth after 256 s', REPLY_RETRY, 9, 256_000],
    ['a reply: tenth capped at 5 min', REPLY_RETRY, 10, 300_000],
    ['a reply: retried for ever, at 5 min', REPLY_RETRY, 1_000, 300_000],
    ['a reply: attempt 0 is the first', REPLY_RETRY, 0, 1_000],
    ['a forward: first retry after 2 s', PUBLISH_RETRY, 1, 2_000],
    ['a forward: capped at 5 min', PUBLISH_RETRY, 20, 300_000],
    ['a notice: first retry after 5 s', NOTIFY_RETRY, 1, 5_000],
    ['a notice: capped at 10 min', NOTIFY_RETRY, 20, 600_000],
    ['a routing stage item: first retry after 1 s', STAGE_RETRY, 1, 1_000],
    ['a routing stage item: capped at 5 min', STAGE_RETRY, 30, 300_000],
  ])('%s', (_name, policy, attempt, expected) => {
    // The draw does not matter without jitter: any draw gives the same delay.
    expect(backoffDelay(attempt, policy, low)).toBe(expected);
    expect(backoffDelay(attempt, policy, high)).toBe(expected);
    expect(nextAttemptAt(new Date('2026-01-05T10:00:00Z'), attempt, policy).getTime()).toBe(Date.parse('2026-01-05T10:00:00Z') + expected);
  });
});

describe('backoffPolicy', () => {
  it('overrides single fields of the defaults', () => {
    expect(backoffPolicy({ maxMs: 5_000 })).toEqual({ ...DEFAULT_RECONNECT_BACKOFF, maxMs: 5_000 });
  });
});
