/**
 * The append-only audit trail of people's actions: claim, forward, return, note, rule change, account change,
 * a read of a case's personal data… Domain services record through this port; `store/audit-repository.ts`
 * implements it. Never put personal data in `before`, `after` or `data`: ids and codes only.
 */
import type { Clock } from '../shared/clock';

export interface AuditEntry {
  /** operator:<username>, token:<id>, bootstrap or system. */
  actor: string;
  /** dotted verb, e.g. `triage.assign`, `case.read-personal-data`, `rules.publish`, `account.disable`. */
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  data?: Record<string, unknown>;
  sourceIp?: string;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
}

export interface AuditQuery {
  subjectType?: string;
  subjectId?: string;
  actor?: string;
  action?: string;
  /** Newest first; entries strictly older than this id. */
  beforeId?: number;
  limit: number;
}

export interface AuditRepository {
  append(entry: AuditEntry & { at: Date }): Promise<void>;
  list(q: AuditQuery): Promise<AuditRecord[]>;
}

/** Principals name machine tokens by their bare id (`tok_…`); the trail says `token:<id>` (TEAM agreement). */
export const auditActor = (principalId: string): string => (principalId.startsWith('tok_') ? `token:${principalId}` : principalId);

export class AuditTrail {
  constructor(private readonly repo: AuditRepository, private readonly clock: Clock) {}

  record(entry: AuditEntry): Promise<void> {
    return this.repo.append({ ...entry, actor: auditActor(entry.actor), at: this.clock.now() });
  }

  list(q: AuditQuery): Promise<AuditRecord[]> {
    return this.repo.list(q);
  }
}
