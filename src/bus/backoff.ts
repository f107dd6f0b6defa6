/**
 * Capped exponential backoff with jitter: the one delay policy of the bus, used for reconnecting to the broker,
 * re-subscribing a consumer and spacing the retries of a failed message. Pure: randomness is a parameter.
 */
export interface BackoffPolicy {
  /** Delay before the first retry, in milliseconds. */
  initialMs: number;
  /** No delay ever exceeds this, jitter included. */
  maxMs: number;
  /** Growth per attempt (2 doubles the delay). */
  factor: number;
  /** Spread around the base delay, 0–1: 0.2 draws from ±20 %. Keeps many clients from retrying in lockstep. */
  jitter: number;
}

export const DEFAULT_RECONNECT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
});

/**
 * The delay before retry number `attempt` (1 for the first retry).
 * The base grows as initialMs × factor^(attempt−1) and is capped at maxMs / (1 + jitter), so that the jittered
 * value stays spread evenly below maxMs instead of piling up on the cap.
 * @param random a draw in [0, 1), `Math.random` by default; tests pass a fixed value.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const maxMs = Math.max(0, policy.maxMs);
  const n = Math.max(1, Math.floor(attempt));
  const cappedBase = maxMs / (1 + jitter);
  // factor^(n-1) overflows to Infinity for large n; Math.min keeps the result finite.
  const base = Math.min(cappedBase, Math.max(0, policy.initialMs) * Math.max(1, policy.factor) ** (n - 1));
  const offset = base * jitter * (2 * random() - 1);
  return Math.round(Math.min(maxMs, Math.max(0, base + offset)));
}

/** A policy with defaults filled in, so options can override one field only. */
export function backoffPolicy(overrides: Partial<BackoffPolicy> = {}, defaults: BackoffPolicy = DEFAULT_RECONNECT_BACKOFF): BackoffPolicy {
  return { ...defaults, ...overrides };
}
