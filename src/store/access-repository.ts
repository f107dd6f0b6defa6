import type { AccessRepository, AccountPatch, AccountRole, AccountRow, Role, SessionRow, TokenRow } from '../access/access';
import { toPage, type Page, type PageRequest } from '../shared/paging';
import type { Database } from './database';

interface TokenDbRow { id: string; role: Role; institution_id: string | null; country: string | null; label: string | null; created_at: Date; created_by: string | null; revoked_at: Date | null; expires_at?: Date | null }
const tokenOf = (r: TokenDbRow): TokenRow => ({
  id: r.id, role: r.role, institutionId: r.institution_id, country: r.country ?? null, label: r.label, createdAt: r.created_at, createdBy: r.created_by, revokedAt: r.revoked_at,
  expiresAt: r.expires_at ?? null,
});

interface AccountDbRow {
  username: string; password_hash: string; role: AccountRole; created_at: Date; disabled_at: Date | null; must_change_password: boolean;
  password_changed_at: Date | null; last_login_at: Date | null; bootstrap_secret_hash: string | null;
}
const accountOf = (r: AccountDbRow): AccountRow => ({
  username: r.username, passwordHash: r.password_hash, role: r.role, createdAt: r.created_at, disabledAt: r.disabled_at,
  mustChangePassword: r.must_change_password, passwordChangedAt: r.password_changed_at, lastLoginAt: r.last_login_at, bootstrapSecretHash: r.bootstrap_secret_hash,
});

const PATCH_COLUMNS: Record<keyof AccountPatch, string> = {
  passwordHash: 'password_hash', role: 'role', disabledAt: 'disabled_at', mustChangePassword: 'must_change_password',
  passwordChangedAt: 'password_changed_at', lastLoginAt: 'last_login_at', bootstrapSecretHash: 'bootstrap_secret_hash',
};

export class PgAccessRepository implements AccessRepository {
  constructor(private readonly db: Database) {}

  async insertToken(t: { id: string; sha256: string; role: Role; institutionId: string | null; country?: string | null; label: string | null; createdAt: Date; createdBy: string; expiresAt?: Date | null }): Promise<void> {
    await this.db.query(
      `INSERT INTO api_tokens (id, token_sha256, role, institution_id, country, label, created_at, created_by, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [t.id, t.sha256, t.role, t.institutionId, t.country ?? null, t.label, t.createdAt, t.createdBy, t.expiresAt ?? null],
    );
  }

  async tokenBySha256(sha256: string): Promise<TokenRow | undefined> {
    const [r] = await this.db.query<TokenDbRow>('SELECT * FROM api_tokens WHERE token_sha256 = $1', [sha256]);
    return r && tokenOf(r);
  }

  /** Newest first. */
  async listTokens(page: PageRequest): Promise<Page<TokenRow>> {
    const params: unknown[] = [page.limit + 1];
    let where = '';
    if (page.after) {
      params.push(page.after.at, page.after.id);
      where = 'WHERE (created_at, id) < ($2::timestamptz, $3)';
    }
    const rows = await this.db.query<TokenDbRow>(`SELECT * FROM api_tokens ${where} ORDER BY created_at DESC, id DESC LIMIT $1`, params);
    return toPage(rows, page.limit, tokenOf, (r) => [r.created_at, r.id]);
  }

  async revokeToken(id: string, at: Date): Promise<{ before: TokenRow; after: TokenRow } | undefined> {
    return this.db.transaction(async (tx) => {
      const [before] = await tx.query<TokenDbRow>('SELECT * FROM api_tokens WHERE id = $1 FOR UPDATE', [id]);
      if (!before) return undefined;
      const [after] = await tx.query<TokenDbRow>('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING *', [id, at]);
      return { before: tokenOf(before), after: tokenOf(after) };
    });
  }

  async upsertOperator(o: { username: string; passwordHash: string; role: AccountRole; createdAt: Date }, onlyIfAbsent: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO operators (username, password_hash, role, created_at) VALUES ($1,$2,$3,$4)
       ON CONFLICT (username) DO ${onlyIfAbsent ? 'NOTHING' : 'UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role'}`,
      [o.username, o.passwordHash, o.role, o.createdAt],
    );
  }

  async insertAccount(a: Omit<AccountRow, 'disabledAt' | 'passwordChangedAt' | 'lastLoginAt'>): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO operators (username, password_hash, role, created_at, must_change_password, bootstrap_secret_hash) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (username) DO NOTHING RETURNING username`,
      [a.username, a.passwordHash, a.role, a.createdAt, a.mustChangePassword, a.bootstrapSecretHash]);
    return rows.length === 1;
  }

  async operator(username: string): Promise<AccountRow | undefined> {
    const [r] = await this.db.query<AccountDbRow>('SELECT * FROM operators WHERE username = $1', [username]);
    return r && accountOf(r);
  }

  async listAccounts(): Promise<AccountRow[]> {
    return (await this.db.query<AccountDbRow>('SELECT * FROM operators ORDER BY username')).map(accountOf);
  }

  async updateAccount(username: string, patch: AccountPatch): Promise<void> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as Array<[keyof AccountPatch, unknown]>;
    if (!entries.length) return;
    const sets = entries.map(([k], i) => `${PATCH_COLUMNS[k]} = $${i + 2}`);
    await this.db.query(`UPDATE operators SET ${sets.join(', ')} WHERE username = $1`, [username, ...entries.map(([, v]) => v)]);
  }

  async countEnabledAdmins(): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM operators WHERE role = 'admin' AND disabled_at IS NULL`);
    return r.n;
  }

  async insertSession(s: { idSha256: string; username: string; createdAt: Date; expiresAt: Date; sourceIp: string | null }): Promise<void> {
    await this.db.query(
      'INSERT INTO operator_sessions (id_sha256, username, created_at, expires_at, last_seen_at, source_ip) VALUES ($1,$2,$3,$4,$3,$5)',
      [s.idSha256, s.username, s.createdAt, s.expiresAt, s.sourceIp]);
  }

  async sessionBySha256(idSha256: string): Promise<SessionRow | undefined> {
    const [r] = await this.db.query<{ username: string; role: AccountRole; must_change_password: boolean; created_at: Date; expires_at: Date; last_seen_at: Date }>(
      `SELECT s.username, o.role, o.must_change_password, s.created_at, s.expires_at, s.last_seen_at FROM operator_sessions s
         JOIN operators o ON o.username = s.username WHERE s.id_sha256 = $1 AND o.disabled_at IS NULL`, [idSha256]);
    return r && { username: r.username, role: r.role, mustChangePassword: r.must_change_password, createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at };
  }

  async touchSession(idSha256: string, at: Date): Promise<void> {
    await this.db.query('UPDATE operator_sessions SET last_seen_at = $2 WHERE id_sha256 = $1', [idSha256, at]);
  }

  async deleteSession(idSha256: string): Promise<void> {
    await this.db.query('DELETE FROM operator_sessions WHERE id_sha256 = $1', [idSha256]);
  }

  async deleteSessionsOf(username: string): Promise<void> {
    await this.db.query('DELETE FROM operator_sessions WHERE username = $1', [username]);
  }
}
