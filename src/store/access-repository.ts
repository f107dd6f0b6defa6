import type { AccessRepository, Role, SessionRow, TokenRow } from '../access/access';
import type { Database } from './database';

export class PgAccessRepository implements AccessRepository {
  constructor(private readonly db: Database) {}

  async insertToken(t: { id: string; sha256: string; role: Role; institutionId: string | null; country?: string | null; label: string | null; createdAt: Date; createdBy: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO api_tokens (id, token_sha256, role, institution_id, country, label, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [t.id, t.sha256, t.role, t.institutionId, t.country ?? null, t.label, t.createdAt, t.createdBy],
    );
  }

  async tokenBySha256(sha256: string): Promise<TokenRow | undefined> {
    const [r] = await this.db.query<{ id: string; role: Role; institution_id: string | null; country: string | null; revoked_at: Date | null }>(
      'SELECT id, role, institution_id, country, revoked_at FROM api_tokens WHERE token_sha256 = $1', [sha256]);
    return r && { id: r.id, role: r.role, institutionId: r.institution_id, country: r.country, revokedAt: r.revoked_at };
  }

  async upsertOperator(o: { username: string; passwordHash: string; role: 'operator' | 'admin'; createdAt: Date }, onlyIfAbsent: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO operators (username, password_hash, role, created_at) VALUES ($1,$2,$3,$4)
       ON CONFLICT (username) DO ${onlyIfAbsent ? 'NOTHING' : 'UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role'}`,
      [o.username, o.passwordHash, o.role, o.createdAt],
    );
  }

  async operator(username: string) {
    const [r] = await this.db.query<{ username: string; password_hash: string; role: 'operator' | 'admin'; disabled_at: Date | null }>(
      'SELECT username, password_hash, role, disabled_at FROM operators WHERE username = $1', [username]);
    return r && { username: r.username, passwordHash: r.password_hash, role: r.role, disabledAt: r.disabled_at };
  }

  async insertSession(s: { idSha256: string; username: string; csrfToken: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.db.query(
      'INSERT INTO operator_sessions (id_sha256, username, csrf_token, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)',
      [s.idSha256, s.username, s.csrfToken, s.createdAt, s.expiresAt]);
  }

  async sessionBySha256(idSha256: string): Promise<SessionRow | undefined> {
    const [r] = await this.db.query<{ username: string; role: 'operator' | 'admin'; csrf_token: string; expires_at: Date }>(
      `SELECT s.username, o.role, s.csrf_token, s.expires_at FROM operator_sessions s
         JOIN operators o ON o.username = s.username WHERE s.id_sha256 = $1 AND o.disabled_at IS NULL`, [idSha256]);
    return r && { username: r.username, role: r.role, csrfToken: r.csrf_token, expiresAt: r.expires_at };
  }

  async deleteSession(idSha256: string): Promise<void> {
    await this.db.query('DELETE FROM operator_sessions WHERE id_sha256 = $1', [idSha256]);
  }
}
