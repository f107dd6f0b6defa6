/** The audit trail in `audit_log` (append-only: a trigger refuses UPDATE and DELETE). */
import type { AuditEntry, AuditQuery, AuditRecord, AuditRepository } from '../audit/audit-trail';
import type { Database } from './database';

interface AuditRow {
  id: number; at: Date; actor: string; action: string; subject_type: string; subject_id: string;
  before: unknown; after: unknown; data: Record<string, unknown>; source_ip: string | null;
}

export class PgAuditRepository implements AuditRepository {
  constructor(private readonly db: Database) {}

  async append(e: AuditEntry & { at: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (at, actor, action, subject_type, subject_id, before, after, data, source_ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [e.at, e.actor, e.action, e.subjectType, e.subjectId, json(e.before), json(e.after), JSON.stringify(e.data ?? {}), e.sourceIp ?? null],
    );
  }

  async list(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.subjectType) add('subject_type = ?', q.subjectType);
    if (q.subjectId) add('subject_id = ?', q.subjectId);
    if (q.actor) add('actor = ?', q.actor);
    if (q.action) add('action = ?', q.action);
    if (q.beforeId) add('id < ?', q.beforeId);
    params.push(q.limit);
    const rows = await this.db.query<AuditRow>(
      `SELECT id, at, actor, action, subject_type, subject_id, before, after, data, source_ip FROM audit_log
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`, params);
    return rows.map((r) => ({
      id: r.id, at: r.at, actor: r.actor, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id,
      before: r.before ?? undefined, after: r.after ?? undefined, data: r.data, sourceIp: r.source_ip ?? undefined,
    }));
  }
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
