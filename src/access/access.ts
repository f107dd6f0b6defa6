/**
 * Who may call what. Machine clients hold bearer tokens with one role (intake, institution, helpdesk);
 * people log in to the console with an account of one role (operator, supervisor, agent, admin) and get a
 * server-side session: an HttpOnly cookie and a CSRF token derived from it. BOOTSTRAP_TOKEN holds every scope.
 * Only hashes of tokens and session ids are stored; the CSRF token is never stored at all.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { AuditTrail } from '../audit/audit-trail';
import { LIAISON_BODY_ID } from '../intake/envelope';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { Page, PageRequest } from '../shared/paging';
import { LoginEvents, type LoginFailureOutcome } from './login-events';

export type { LoginFailureOutcome } from './login-events';
import { checkPasswordPolicy } from './password-policy';
import { burnDummyVerification, hashPassword, safeEqual, verifyPassword } from './passwords';


/** The roles a principal can hold (what requireRole checks). */
export const ROLES = ['intake', 'institution', 'helpdesk', 'operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const MACHINE_ROLES: readonly Role[] = ['intake', 'institution', 'helpdesk'];

/** The role of a person's account (TEAM agreement): what each one holds. */
export const ACCOUNT_ROLES = ['operator', 'supervisor', 'agent', 'admin'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
const ACCOUNT_GRANTS: Record<AccountRole, readonly Role[]> = {
  operator: ['operator'],
  supervisor: ['supervisor', 'operator'],
  agent: ['helpdesk'],
  admin: ['admin', 'supervisor', 'operator', 'helpdesk'],
};
export const rolesOfAccount = (role: AccountRole): Role[] => [...ACCOUNT_GRANTS[role]];

export interface Principal {
  kind: 'token' | 'session' | 'bootstrap';
  /** `operator:<username>` (sessions, whatever the role), the token id, or `bootstrap`. */
  id: string;
  /** All the roles this principal holds (bootstrap: all). */
  roles: ReadonlySet<Role>;
  institutionId?: string;
  /** A counterpart desk's help-desk token: its country (EESSI code); it sees that country's tickets only. */
  country?: string;
  username?: string;
  accountRole?: AccountRole;
  csrfToken?: string;
  expiresAt?: Date;
  idleExpiresAt?: Date;
  /** After a reset: only the password change (and the session itself) is allowed until it is done. */
  mustChangePassword?: boolean;
}

export interface TokenRow {
  id: string;
  role: Role;
  institutionId: string | null;
  label: string | null;
  createdAt: Date;
  createdBy: string | null;
  country: string | null;
  revokedAt: Date | null;
  /** Past this the token is refused; null for tokens issued before tokens expired (migration 019). */
  expiresAt: Date | null;
}

export interface AccountRow {
  username: string;
  passwordHash: string;
  role: AccountRole;
  createdAt: Date;
  disabledAt: Date | null;
  mustChangePassword: boolean;
  passwordChangedAt: Date | null;
  lastLoginAt: Date | null;
  bootstrapSecretHash: string | null;
}

export interface SessionRow {
  username: string;
  role: AccountRole;
  mustChangePassword: boolean;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
}

export type AccountPatch = Partial<Pick<AccountRow, 'passwordHash' | 'role' | 'disabledAt' | 'mustChangePassword' | 'passwordChangedAt' | 'lastLoginAt' | 'bootstrapSecretHash'>>;

export interface AccessRepository {
  insertToken(t: { id: string; sha256: string; role: Role; institutionId: string | null; country?: string | null; label: string | null; createdAt: Date; createdBy: string }): Promise<void>;
  tokenBySha256(sha256: string): Promise<TokenRow | undefined>;
  listTokens(page: PageRequest): Promise<Page<TokenRow>>;
  /** Sets revoked_at once; answers the row as it is after (undefined: no such token). */
  revokeToken(id: string, at: Date): Promise<{ before: TokenRow; after: TokenRow } | undefined>;
  upsertOperator(o: { username: string; passwordHash: string; role: AccountRole; createdAt: Date }, onlyIfAbsent: boolean): Promise<void>;
  /** Inserts the account; false when the username is taken. */
  insertAccount(a: Omit<AccountRow, 'disabledAt' | 'passwordChangedAt' | 'lastLoginAt'>): Promise<boolean>;
  operator(username: string): Promise<AccountRow | undefined>;
  listAccounts(): Promise<AccountRow[]>;
  updateAccount(username: string, patch: AccountPatch): Promise<void>;
  countEnabledAdmins(): Promise<number>;
  insertSession(s: { idSha256: string; username: string; createdAt: Date; expiresAt: Date; sourceIp: string | null }): Promise<void>;
  sessionBySha256(idSha256: string): Promise<SessionRow | undefined>;
  touchSession(idSha256: string, at: Date): Promise<void>;
  deleteSession(idSha256: string): Promise<void>;
  deleteSessionsOf(username: string): Promise<void>;
}


/** Login throttling (per account + address, and per address); implemented over the service's database. */
export interface LoginThrottle {
  /** Counts this try *before* the password is checked; throws AUTH_THROTTLED (with retryAfterSeconds) when it must wait. */
  begin(username: string, address: string): Promise<void>;
  failed(username: string, address: string, accountExists: boolean): Promise<LoginFailureOutcome>;
  succeeded(username: string, address: string): Promise<{ failuresSinceLastLogin: number }>;
}

export interface SessionSettings {
  idleMs: number;
  absoluteMs: number;
}

export interface AccessOptions {
  audit?: AuditTrail;
  throttle?: LoginThrottle;
  /** Whether an institution id is in the directory in force (tokens for unknown institutions are refused). */
  institutionKnown?: (institutionId: string) => Promise<boolean>;
  session?: Partial<SessionSettings>;
  /** Lifetime of a machine token when its creation names none (TOKEN_LIFETIME_DAYS; default 365). */
  tokenLifetimeDays?: number;
  /** Where logins, failures, throttling and logouts are logged (never a password, never a typed unknown username). */
  logger?: Logger;
}

export const DEFAULT_SESSION: SessionSettings = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 };
/** Last-seen is written at most this often (an idle session is judged to the minute). */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The CSRF token of a session: derived from the session id, so nothing readable is stored beside its hash. */
export const csrfTokenOf = (sessionId: string) => createHmac('sha256', sessionId).update('liaison-csrf').digest('base64url');

const invalidBody = (path: string, message: string, sentence: string) => new AppError('REQ_INVALID_BODY', sentence, [{ path, message }]);

export interface LoginResult {
  sessionId: string;
  principal: Principal;
  /** Failed logins on the account since its last successful one (the person is told: someone may be trying). */
  failedLoginsSinceLastLogin?: number;
}

export const DEFAULT_TOKEN_LIFETIME_DAYS = 365;

/** An expired machine token is refused with its own code, so its owner knows to ask for a new one (not a typo). */
function refuseExpiredToken(row: TokenRow, now: Date): void {
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) {
    throw new AppError('AUTH_TOKEN_EXPIRED', `The bearer token expired on ${row.expiresAt.toISOString()}: ask an administrator for a new one.`);
  }
}

export class AccessService {
  private readonly session: SessionSettings;
  private readonly events: LoginEvents;

  constructor(
    private readonly repo: AccessRepository,
    private readonly clock: Clock,
    private readonly bootstrapToken?: string,
    private readonly opts: AccessOptions = {},
  ) {
    this.session = { ...DEFAULT_SESSION, ...opts.session };
    this.events = new LoginEvents(opts.audit, opts.logger);
  }

  /**
   * `country` (role helpdesk only, an EESSI country code the caller has checked): the token of that country's
   * desk. A help-desk token without one is the national desk's integration and sees every country.
   */
  async issueToken(
    role: Role, institutionId: string | null, createdBy: string, label: string | null = null, country: string | null = null, expiresInDays?: number,
  ): Promise<{ id: string; token: string; expiresAt: Date }> {
    if (!MACHINE_ROLES.includes(role)) throw invalidBody('/role', `"${role}" is not a machine role`, `role must be one of ${MACHINE_ROLES.join(', ')}`);
    if (role === 'institution') await this.checkInstitution(institutionId);
    if (country !== null && role !== 'helpdesk') throw invalidBody('/country', 'is only allowed with role helpdesk', 'Only a helpdesk token can name a country.');
    const token = `lt_${randomBytes(24).toString('base64url')}`;
    const id = newId('tok');
    const createdAt = this.clock.now();
    const expiresAt = new Date(createdAt.getTime() + (expiresInDays ?? this.opts.tokenLifetimeDays ?? DEFAULT_TOKEN_LIFETIME_DAYS) * 86_400_000);
    const row = { id, sha256: sha256(token), role, institutionId: role === 'institution' ? institutionId : null, country, label, createdAt, createdBy, expiresAt };
    await this.repo.insertToken(row);
    await this.opts.audit?.record({ actor: createdBy, action: 'token.issue', subjectType: 'token', subjectId: id, after: { role, institutionId: row.institutionId, country, label, expiresAt: expiresAt.toISOString() } });
    return { id, token, expiresAt };
  }

  private async checkInstitution(institutionId: string | null): Promise<void> {
    if (!institutionId) throw invalidBody('/institutionId', 'is required for role institution', 'An institution token needs institutionId.');
    if (institutionId === LIAISON_BODY_ID) {
      throw new AppError('ACC_INSTITUTION_UNKNOWN', `${institutionId} is the liaison body itself, not an institution forwards go to.`, [{ path: '/institutionId', message: 'is the liaison body' }]);
    }
    if (this.opts.institutionKnown && !(await this.opts.institutionKnown(institutionId))) {
      throw new AppError('ACC_INSTITUTION_UNKNOWN', `${institutionId} is not in the institution directory in force.`, [{ path: '/institutionId', message: 'is not in the directory' }]);
    }
  }

  listTokens(page: PageRequest): Promise<Page<TokenRow>> {
    return this.repo.listTokens(page);
  }

  async revokeToken(id: string, by: string): Promise<TokenRow> {
    const r = await this.repo.revokeToken(id, this.clock.now());
    if (!r) throw new AppError('ACC_TOKEN_NOT_FOUND', `No token ${id}.`);
    if (!r.before.revokedAt) {
      await this.opts.audit?.record({ actor: by, action: 'token.revoke', subjectType: 'token', subjectId: id, before: { revokedAt: null }, after: { revokedAt: r.after.revokedAt?.toISOString() } });
    }
    return r.after;
  }

  async authenticateBearer(token: string): Promise<Principal> {
    if (this.bootstrapToken && safeEqual(token, this.bootstrapToken)) {
      return { kind: 'bootstrap', id: 'bootstrap', roles: new Set(ROLES) };
    }
    const row = await this.repo.tokenBySha256(sha256(token));
    if (!row || row.revokedAt) throw new AppError('AUTH_INVALID', 'The bearer token is unknown or revoked.');
    refuseExpiredToken(row, this.clock.now());
    return { kind: 'token', id: row.id, roles: new Set([row.role]), institutionId: row.institutionId ?? undefined, country: row.country ?? undefined };
  }

  /** Creates the account if absent (tests and set-up); see AccountService for the managed life cycle. */
  async ensureOperator(username: string, password: string, role: AccountRole): Promise<void> {
    await this.repo.upsertOperator({ username, passwordHash: await hashPassword(password), role, createdAt: this.clock.now() }, true);
  }

  /** Counts the try first (throttle), checks the password, opens a session; each outcome is logged and audited. */
  async login(username: string, password: string, address = 'unknown'): Promise<LoginResult> {
    try {
      await this.opts.throttle?.begin(username, address);
    } catch (e) {
      await this.events.throttled(username, address, e, await this.repo.operator(username).then(Boolean));
      throw e;
    }
    const op = await this.repo.operator(username);
    // The same scrypt work whether the account exists, is disabled or not: no timing oracle on usernames.
    const ok = op && !op.disabledAt ? await verifyPassword(password, op.passwordHash) : (await burnDummyVerification(password), false);
    if (!op || !ok) {
      const outcome = await this.opts.throttle?.failed(username, address, Boolean(op));
      await this.events.failed(op ? username : undefined, address, !op ? 'unknown-account' : op.disabledAt ? 'disabled' : 'wrong-password', outcome);
      throw new AppError('AUTH_INVALID', 'Unknown user or wrong password.');
    }
    const counted = await this.opts.throttle?.succeeded(username, address);
    const result = await this.openSession(op, address);
    await this.events.succeeded(username, address, counted?.failuresSinceLastLogin ?? 0);
    return { ...result, failedLoginsSinceLastLogin: counted?.failuresSinceLastLogin ?? 0 };
  }

  private async openSession(op: AccountRow, address: string): Promise<LoginResult> {
    const sessionId = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.session.absoluteMs);
    await this.repo.insertSession({ idSha256: sha256(sessionId), username: op.username, createdAt: now, expiresAt, sourceIp: address });
    await this.repo.updateAccount(op.username, { lastLoginAt: now });
    const principal = this.sessionPrincipal(sessionId, { username: op.username, role: op.role, mustChangePassword: op.mustChangePassword, createdAt: now, expiresAt, lastSeenAt: now });
    return { sessionId, principal };
  }

  private sessionPrincipal(sessionId: string, s: SessionRow): Principal {
    const idle = new Date(Math.min(s.expiresAt.getTime(), s.lastSeenAt.getTime() + this.session.idleMs));
    return {
      kind: 'session', id: `operator:${s.username}`, roles: new Set(rolesOfAccount(s.role)), username: s.username, accountRole: s.role,
      csrfToken: csrfTokenOf(sessionId), expiresAt: s.expiresAt, idleExpiresAt: idle, mustChangePassword: s.mustChangePassword,
    };
  }

  /** The session's principal; also extends the idle expiry (a session used is a session alive). */
  async authenticateSession(sessionId: string): Promise<Principal> {
    const key = sha256(sessionId);
    const s = await this.repo.sessionBySha256(key);
    const now = this.clock.now().getTime();
    if (!s) throw new AppError('AUTH_INVALID', 'The session is unknown or has ended; log in again.');
    if (s.expiresAt.getTime() <= now || s.lastSeenAt.getTime() + this.session.idleMs <= now) {
      await this.repo.deleteSession(key);
      throw new AppError('AUTH_INVALID', 'The session has expired; log in again.');
    }
    if (now - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.repo.touchSession(key, new Date(now));
      s.lastSeenAt = new Date(now);
    }
    return this.sessionPrincipal(sessionId, s);
  }

  csrfMatches(sessionId: string, presented: string | undefined): boolean {
    return typeof presented === 'string' && safeEqual(presented, csrfTokenOf(sessionId));
  }

  /** Ends the session; `who` (the live session's username) is logged and audited with the address. */
  async logout(sessionId: string, who?: { username: string; address: string }): Promise<void> {
    await this.repo.deleteSession(sha256(sessionId));
    if (who) await this.events.loggedOut(who.username, who.address);
  }

  /**
   * The person's own password change (after a reset it is required before anything else). A wrong current password
   * counts as a failed login (throttled the same way); the new one must pass the password policy. Every session of
   * the account ends, and the caller gets a new one (new id, new CSRF token) in place of the current.
   */
  async changePassword(username: string, current: string, next: string, address = 'unknown'): Promise<LoginResult> {
    await this.opts.throttle?.begin(username, address).catch(async (e: unknown) => {
      await this.events.throttled(username, address, e, true);
      throw e;
    });
    const op = await this.repo.operator(username);
    if (!op || op.disabledAt || !(await verifyPassword(current, op.passwordHash))) {
      const outcome = await this.opts.throttle?.failed(username, address, Boolean(op));
      await this.events.failed(username, address, 'wrong-current-password', outcome);
      throw new AppError('AUTH_INVALID', 'The current password is wrong.', [{ path: '/currentPassword', message: 'does not match' }]);
    }
    await this.opts.throttle?.succeeded(username, address);
    checkPasswordPolicy(next, username);
    if (next === current) throw invalidBody('/newPassword', 'is the current password', 'The new password must differ from the current one.');
    await this.repo.updateAccount(username, { passwordHash: await hashPassword(next), mustChangePassword: false, passwordChangedAt: this.clock.now() });
    await this.repo.deleteSessionsOf(username);
    await this.opts.audit?.record({ actor: `operator:${username}`, action: 'account.password-change', subjectType: 'account', subjectId: username, data: { sessionsEnded: true }, sourceIp: address });
    return this.openSession({ ...op, mustChangePassword: false }, address);
  }
}
