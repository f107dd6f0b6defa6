/**
 * Login throttling with rate-limiter-flexible, counted in the service's database (table rate_limits), so every
 * instance of the service sees the same counters: after LOGIN_MAX_FAILURES_PER_ACCOUNT failed logins within the
 * window the account is throttled for LOGIN_BLOCK_MINUTES, whatever the address; an address failing
 * LOGIN_MAX_FAILURES_PER_ADDRESS times (any usernames) likewise. A successful login clears the account's count.
 */
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../shared/errors';
import type { LoginThrottle } from './access';

/** What RateLimiterPostgres needs of a client: pg's query shape (the store adapts the service's Database). */
export interface RateLimitStoreClient {
  query(q: { text: string; values?: unknown[]; name?: string }): Promise<{ rows: unknown[]; rowCount: number }>;
}

export interface LoginThrottleSettings {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
  blockMinutes: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = { maxFailuresPerAccount: 10, maxFailuresPerAddress: 100, windowMinutes: 15, blockMinutes: 15 };

const isRes = (e: unknown): e is RateLimiterRes => typeof e === 'object' && e !== null && 'msBeforeNext' in e && !(e instanceof Error);

export class SqlLoginThrottle implements LoginThrottle {
  private readonly account: RateLimiterPostgres;
  private readonly address: RateLimiterPostgres;

  constructor(client: RateLimitStoreClient, private readonly settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE) {
    const common = { storeClient: client, storeType: 'client', tableName: 'rate_limits', tableCreated: true, clearExpiredByTimeout: false, duration: settings.windowMinutes * 60, blockDuration: settings.blockMinutes * 60 };
    this.account = new RateLimiterPostgres({ ...common, keyPrefix: 'login-account', points: settings.maxFailuresPerAccount });
    this.address = new RateLimiterPostgres({ ...common, keyPrefix: 'login-address', points: settings.maxFailuresPerAddress });
  }

  async check(username: string, address: string): Promise<void> {
    const [byAccount, byAddress] = await Promise.all([this.account.get(username.toLowerCase()), this.address.get(address)]);
    const blocked = [
      { res: byAccount, max: this.settings.maxFailuresPerAccount, what: 'this account' },
      { res: byAddress, max: this.settings.maxFailuresPerAddress, what: 'this address' },
    ].filter((b) => b.res && b.res.consumedPoints >= b.max);
    if (blocked.length === 0) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(...blocked.map((b) => b.res!.msBeforeNext)) / 1000));
    throw new AppError('AUTH_THROTTLED', `Too many failed logins for ${blocked.map((b) => b.what).join(' and ')}; try again in ${retryAfterSeconds} s.`, [], { retryAfterSeconds });
  }

  async failed(username: string, address: string): Promise<void> {
    await Promise.all([this.consume(this.account, username.toLowerCase()), this.consume(this.address, address)]);
  }

  async succeeded(username: string): Promise<void> {
    await this.account.delete(username.toLowerCase());
  }

  /** Counts one failure; going over the limit is what the next check() reports, not an error here. */
  private async consume(limiter: RateLimiterPostgres, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (e) {
      if (!isRes(e)) throw e;
    }
  }
}
