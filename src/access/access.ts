/**
 * Who may call what. Machine clients hold bearer tokens with one role (intake, institution, helpdesk);
 * operators log in to the console and get a session cookie plus a CSRF token. BOOTSTRAP_TOKEN holds every scope.
 * Only hashes of tokens and session ids are stored.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { newId } from '../shared/ids';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export const ROLES = ['intake', 'institution', 'helpdesk', 'operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const MACHINE_ROLES: readonly Role[] = ['intake', 'institution', 'helpdesk'];

export interface Principal {
  kind: 'token' | 'session' | 'bootstrap';
  id: string;
  /** All the roles this principal holds (bootstrap: all). */
  roles: ReadonlySet<Role>;
  institutionId?: string;
  csrfToken?: string;
}

export interface TokenRow {
  id: string;
  role: Role;
  institutionId: string | null;
  revokedAt: Date | null;
}

export interface SessionRow {
  username: string;
  role: 'operator' | 'admin';
  csrfToken: string;
  expiresAt: Date;
}

export interface AccessRepository {
  insertToken(t: { id: string; sha256: string; role: Role; institutionId: string | null; label: string | null; createdAt: Date; createdBy: string }): Promise<void>;
  tokenBySha256(sha256: string): Promise<TokenRow | undefined>;
  upsertOperator(o: { username: string; passwordHash: string; role: 'operator' | 'admin'; createdAt: Date }, onlyIfAbsent: boolean): Promise<void>;
  operator(username: string): Promise<{ username: string; passwordHash: string; role: 'operator' | 'admin'; disabledAt: Date | null } | undefined>;
  insertSession(s: { idSha256: string; username: string; csrfToken: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  sessionBySha256(idSha256: string): Promise<SessionRow | undefined>;
  deleteSession(idSha256: string): Promise<void>;
}

export const SESSION_TTL_MS = 12 * 3600 * 1000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const hash = await scrypt(password, Buffer.from(saltHex, 'hex'), 32);
  return safeEqual(hash.toString('hex'), hashHex);
}

export class AccessService {
  constructor(
    private readonly repo: AccessRepository,
    private readonly clock: Clock,
    private readonly bootstrapToken?: string,
  ) {}

  async issueToken(role: Role, institutionId: string | null, createdBy: string, label: string | null = null): Promise<{ id: string; token: string }> {
    if (!MACHINE_ROLES.includes(role)) throw new AppError('REQ_INVALID_BODY', `role must be one of ${MACHINE_ROLES.join(', ')}`, [{ path: '/role', message: `"${role}" is not a machine role` }]);
    if (role === 'institution' && !institutionId) throw new AppError('REQ_INVALID_BODY', 'An institution token needs institutionId.', [{ path: '/institutionId', message: 'is required for role institution' }]);
    const token = `lt_${randomBytes(24).toString('base64url')}`;
    const id = newId('tok');
    await this.repo.insertToken({ id, sha256: sha256(token), role, institutionId: role === 'institution' ? institutionId : null, label, createdAt: this.clock.now(), createdBy });
    return { id, token };
  }

  async authenticateBearer(token: string): Promise<Principal> {
    if (this.bootstrapToken && safeEqual(token, this.bootstrapToken)) {
      return { kind: 'bootstrap', id: 'bootstrap', roles: new Set(ROLES) };
    }
    const row = await this.repo.tokenBySha256(sha256(token));
    if (!row || row.revokedAt) throw new AppError('AUTH_INVALID', 'The bearer token is unknown or revoked.');
    return { kind: 'token', id: row.id, roles: new Set([row.role]), institutionId: row.institutionId ?? undefined };
  }

  async ensureOperator(username: string, password: string, role: 'operator' | 'admin'): Promise<void> {
    await this.repo.upsertOperator({ username, passwordHash: await hashPassword(password), role, createdAt: this.clock.now() }, true);
  }

  async login(username: string, password: string): Promise<{ sessionId: string; csrfToken: string; role: string; expiresAt: Date }> {
    const op = await this.repo.operator(username);
    const ok = op && !op.disabledAt && (await verifyPassword(password, op.passwordHash));
    if (!op || !ok) throw new AppError('AUTH_INVALID', 'Unknown user or wrong password.');
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.repo.insertSession({ idSha256: sha256(sessionId), username, csrfToken, createdAt: now, expiresAt });
    return { sessionId, csrfToken, role: op.role, expiresAt };
  }

  async authenticateSession(sessionId: string): Promise<Principal> {
    const s = await this.repo.sessionBySha256(sha256(sessionId));
    if (!s || s.expiresAt.getTime() <= this.clock.now().getTime()) throw new AppError('AUTH_INVALID', 'The session has expired; log in again.');
    // An admin can do what a supervisor and an operator do (TEAM.md roles; supervisor accounts come with #10).
    const roles = new Set<Role>(s.role === 'admin' ? ['admin', 'supervisor', 'operator'] : ['operator']);
    return { kind: 'session', id: `operator:${s.username}`, roles, csrfToken: s.csrfToken };
  }

  async logout(sessionId: string): Promise<void> {
    await this.repo.deleteSession(sha256(sessionId));
  }
}
