/**
 * Capped exponential backoff with jitter: the one retry/backoff formula of the service. The bus uses it for
 * reconnecting to the broker, re-subscribing a consumer and spacing the retries of a failed message; the pipeline
 * for a failed stage item, an unconfirmed forward, an unconfirmed reply to a counterpart desk and an unconfirmed
 * notice (the named policies below, without jitter: they are spread by their own timestamps); the RINA client and
 * its event worker for their retries. No other module computes a delay. Pure: randomness is a parameter.
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

/** A failed pipeline stage item (routing): 1 s doubling to 5 min. A poison item never blocks the others for long. */
export const STAGE_RETRY: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 1_000, maxMs: 300_000, factor: 2, jitter: 0 });

/** A forward the broker did not confirm: 2 s doubling to 5 min. */
export const PUBLISH_RETRY: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 2_000, maxMs: 300_000, factor: 2, jitter: 0 });

/** A reply to a counterpart desk the broker did not confirm: 1 s doubling to 5 min, retried for ever (never dropped). */
export const REPLY_RETRY: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 1_000, maxMs: 300_000, factor: 2, jitter: 0 });

/** A help-desk notification the broker did not confirm: 5 s doubling to 10 min. */
export const NOTIFY_RETRY: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 5_000, maxMs: 600_000, factor: 2, jitter: 0 });

/** When the next attempt is due after `attempts` failures under `policy` (deterministic for jitter 0). */
export function nextAttemptAt(now: Date, attempts: number, policy: BackoffPolicy, random: () => number = Math.random): Date {
  return new Date(now.getTime() + backoffDelay(attempts, policy, random));
}
