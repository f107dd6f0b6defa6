/**
 * Login throttling in the service's database (table login_attempts, migration 020), so every instance sees the same
 * counters. Each attempt is counted *before* the password is checked, in one atomic upsert: concurrent tries get
 * distinct counts, so a limit of 10 means at most 10 password checks.
 *
 * - `acct:<username>|<address>`: an account tried from one address. After LOGIN_MAX_FAILURES_PER_ACCOUNT tries in the
 *   window it is blocked for LOGIN_BLOCK_MINUTES; from the 5th failure each next try waits 1, 2, 4… s (progressive
 *   delay). Keyed on the address too, so a stranger elsewhere cannot lock the account's owner out.
 * - `addr:<address>`: any usernames from one address; a success gives its try back, so failures are what count.
 * - the account's failures from every address (operators.failed_logins_since_login): past the account limit an alert
 *   is raised once, and the person is told at the next login.
 */
import type { LoginFailureOutcome, LoginThrottle } from '../access/access';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Database } from './database';

export interface LoginThrottleSettings {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
  blockMinutes: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = { maxFailuresPerAccount: 10, maxFailuresPerAddress: 100, windowMinutes: 15, blockMinutes: 15 };

/** Failures on one account and address before the progressive delay starts. */
const FREE_FAILURES = 4;

interface Counted { tries: number; window_start: Date; not_before: Date }

const accountKey = (username: string, address: string) => `acct:${username.toLowerCase()}|${address}`;
const addressKey = (address: string) => `addr:${address}`;

export class SqlLoginThrottle implements LoginThrottle {
  constructor(private readonly db: Database, private readonly clock: Clock, private readonly settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE) {}

  private get windowMs() {
    return this.settings.windowMinutes * 60_000;
  }

  /** Counts one try on a key (unless it is waiting out a delay) and answers the count and the wait. */
  private async count(key: string, now: Date): Promise<Counted> {
    const windowStart = new Date(now.getTime() - this.windowMs);
    const [row] = await this.db.query<Counted>(
      `INSERT INTO login_attempts (key, tries, failures, window_start, not_before) VALUES ($1, 1, 0, $2, $2)
       ON CONFLICT (key) DO UPDATE SET
         tries = CASE WHEN login_attempts.not_before > $2 THEN login_attempts.tries
                      WHEN login_attempts.window_start <= $3 THEN 1 ELSE login_attempts.tries + 1 END,
         failures = CASE WHEN login_attempts.not_before <= $2 AND login_attempts.window_start <= $3 THEN 0 ELSE login_attempts.failures END,
         window_start = CASE WHEN login_attempts.not_before <= $2 AND login_attempts.window_start <= $3 THEN $2 ELSE login_attempts.window_start END
       RETURNING tries, window_start, not_before`,
      [key, now, windowStart]);
    return row;
  }

  /** Milliseconds before a counted key may try again; 0 when it may try now. */
  private waitOf(c: Counted, max: number, now: Date): number {
    const delay = new Date(c.not_before).getTime() - now.getTime();
    if (delay > 0) return delay;
    if (c.tries > max) return Math.max(1000, new Date(c.window_start).getTime() + this.windowMs - now.getTime());
    return 0;
  }

  async begin(username: string, address: string): Promise<void> {
    const now = this.clock.now();
    const byAccount = await this.count(accountKey(username, address), now);
    const byAddress = await this.count(addressKey(address), now);
    const blocked = [
      { wait: this.waitOf(byAccount, this.settings.maxFailuresPerAccount, now), what: 'this account from this address' },
      { wait: this.waitOf(byAddress, this.settings.maxFailuresPerAddress, now), what: 'this address' },
    ].filter((b) => b.wait > 0);
    if (blocked.length === 0) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(...blocked.map((b) => b.wait)) / 1000));
    throw new AppError('AUTH_THROTTLED', `Too many failed logins for ${blocked.map((b) => b.what).join(' and ')}; try again in ${retryAfterSeconds} s.`, [],
      { retryAfterSeconds, scope: blocked.map((b) => (b.what === 'this address' ? 'address' : 'account-address')) });
  }

  async failed(username: string, address: string, accountExists: boolean): Promise<LoginFailureOutcome> {
    const now = this.clock.now();
    const s = this.settings;
    // The delay after the n-th failure: none for the first few, then doubling; the block once the limit is reached.
    await this.db.query(
      `UPDATE login_attempts SET failures = failures + 1,
         not_before = CASE WHEN failures + 1 >= $3 THEN $2::timestamptz + make_interval(mins => $4)
                           WHEN failures + 1 > $5 THEN $2::timestamptz + make_interval(secs => power(2, failures + 1 - $5 - 1)::int)
                           ELSE not_before END
       WHERE key = $1`,
      [accountKey(username, address), now, s.maxFailuresPerAccount, s.blockMinutes, FREE_FAILURES]);
    await this.db.query(
      `UPDATE login_attempts SET failures = failures + 1,
         not_before = CASE WHEN failures + 1 >= $3 THEN $2::timestamptz + make_interval(mins => $4) ELSE not_before END
       WHERE key = $1`,
      [addressKey(address), now, s.maxFailuresPerAddress, s.blockMinutes]);
    if (!accountExists) return { accountFailures: 0, alert: false };
    const [row] = await this.db.query<{ failed_logins_since_login: number; alerted: boolean }>(
      `UPDATE operators SET failed_logins_since_login = failed_logins_since_login + 1,
         login_alert_at = CASE WHEN failed_logins_since_login + 1 = $2 THEN $3 ELSE login_alert_at END
       WHERE username = $1 RETURNING failed_logins_since_login, failed_logins_since_login = $2 AS alerted`,
      [username, s.maxFailuresPerAccount, now]);
    return { accountFailures: row ? Number(row.failed_logins_since_login) : 0, alert: Boolean(row?.alerted) };
  }

  async succeeded(username: string, address: string): Promise<{ failuresSinceLastLogin: number }> {
    await this.db.query('DELETE FROM login_attempts WHERE key = $1', [accountKey(username, address)]);
    await this.db.query('UPDATE login_attempts SET tries = GREATEST(tries - 1, 0) WHERE key = $1', [addressKey(address)]);
    const [row] = await this.db.query<{ n: number }>(
      `UPDATE operators o SET failed_logins_since_login = 0, login_alert_at = NULL FROM (SELECT failed_logins_since_login AS n FROM operators WHERE username = $1 FOR UPDATE) old
       WHERE o.username = $1 RETURNING old.n`, [username]);
    return { failuresSinceLastLogin: row ? Number(row.n) : 0 };
  }
}
