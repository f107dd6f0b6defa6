/**
 * The trace of logins (issue #21): success, failure, throttling, logout and the alert on an account under attack,
 * each logged and appended to the audit trail with the client address. Never a password; a username only when it
 * names an existing account (a typed unknown username may be a password typed in the wrong field).
 */
import type { AuditTrail } from '../audit/audit-trail';
import { isAppError } from '../shared/errors';
import type { Logger } from '../shared/logger';

export interface LoginFailureOutcome {
  /** Failed logins on the account (any address) since its last successful login; 0 for an unknown account. */
  accountFailures: number;
  /** True once, when they reach the account limit: the alert is raised. */
  alert: boolean;
}

type LoginFailure = 'unknown-account' | 'disabled' | 'wrong-password' | 'wrong-current-password';

const UNKNOWN = '(unknown)';

export class LoginEvents {
  constructor(private readonly audit?: AuditTrail, private readonly logger?: Logger) {}

  async succeeded(username: string, address: string, failuresSinceLastLogin: number): Promise<void> {
    this.logger?.info('login', { event: 'auth.login', account: username, clientIp: address, failuresSinceLastLogin });
    await this.audit?.record({
      actor: `operator:${username}`, action: 'session.login', subjectType: 'account', subjectId: username, sourceIp: address,
      ...(failuresSinceLastLogin > 0 && { data: { failuresSinceLastLogin } }),
    });
  }

  /** `username` only when the account exists. */
  async failed(username: string | undefined, address: string, reason: LoginFailure, outcome?: LoginFailureOutcome): Promise<void> {
    this.logger?.warn('login failed', { event: 'auth.login_failed', ...(username && { account: username }), clientIp: address, reason });
    await this.audit?.record({
      actor: username && reason === 'wrong-current-password' ? `operator:${username}` : 'anonymous', action: 'session.login-failed',
      subjectType: 'account', subjectId: username ?? UNKNOWN, sourceIp: address, data: { reason },
    });
    if (username && outcome?.alert) {
      // Someone, from one address or many, keeps failing on this account: the desk is told, the person at next login.
      this.logger?.warn('account under repeated failed logins', { event: 'auth.account_alert', account: username, clientIp: address, failures: outcome.accountFailures });
      await this.audit?.record({ actor: 'system', action: 'account.login-alert', subjectType: 'account', subjectId: username, sourceIp: address, data: { failures: outcome.accountFailures } });
    }
  }

  async throttled(username: string, address: string, error: unknown, accountExists: boolean): Promise<void> {
    const extra = isAppError(error) ? error.extra : {};
    this.logger?.warn('login throttled', { event: 'auth.login_throttled', ...(accountExists && { account: username }), clientIp: address, retryAfterSeconds: extra.retryAfterSeconds, scope: extra.scope });
    await this.audit?.record({
      actor: 'anonymous', action: 'session.login-throttled', subjectType: 'account', subjectId: accountExists ? username : UNKNOWN, sourceIp: address,
      data: { retryAfterSeconds: extra.retryAfterSeconds, scope: extra.scope },
    });
  }

  async loggedOut(username: string, address: string): Promise<void> {
    this.logger?.info('logout', { event: 'auth.logout', account: username, clientIp: address });
    await this.audit?.record({ actor: `operator:${username}`, action: 'session.logout', subjectType: 'account', subjectId: username, sourceIp: address });
  }
}
