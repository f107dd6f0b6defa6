/** The help desk's storage: tickets, their audit events, escalations, SLA policy snapshots. SQL only here. */
import type { EscalationKind } from '../helpdesk/sla/escalation';
import type { Priority, SlaPolicyVersionConfig } from '../helpdesk/sla/sla-policy';
import type { TicketState, WaitParty } from '../helpdesk/tickets/ticket-state';
import type { CalendarDefinition } from '../business-time/calendar';
import type { CalendarRevision } from '../business-time/calendar-snapshots';
import type {
  EscalationRecord, NewTicketRecord, StoredPolicyVersion, ThreadEvent, ThreadMessage, TicketEventKind, TicketEventRecord, TicketFilter,
  TicketReader, TicketRecord, TicketSource, TicketStore, TicketWriter, Visibility,
} from '../helpdesk/tickets/ticket-store';
import { toPage, type Page, type PageRequest } from '../shared/paging';
import type { Database, Sql } from './database';
import { calendarRevisions, insertMessage, messagesOf, recordCalendarRevisions, setMessageEvent } from './ticket-thread-repository';

/** Key space of the help desk's transaction-scoped advisory locks (two-key form: never collides with others). */
export const HELPDESK_LOCK_SPACE = 724_005;

/**
 * Escalations raised together (e.g. after a night) are read and sent in this order: a warning before the breach.
 * The same order as helpdesk/sla/escalation.ts ESCALATION_KINDS (the store imports no domain values); the type below
 * fails to compile when a kind is added there and not here.
 */
export const ESCALATION_ORDER = ['response-warning', 'response-breach', 'resolution-warning', 'resolution-breach'] as const satisfies readonly EscalationKind[];
const everyKindOrdered: Exclude<EscalationKind, (typeof ESCALATION_ORDER)[number]> extends never ? true : never = true;
void everyKindOrdered;

interface TicketRow {
  id: string; counterpart_country: string; counterpart_ref: string | null; auto_key: string | null; origin: Record<string, unknown>;
  case_id: string | null; buc_type: string | null; sed_type: string | null; category: string; priority: Priority; subject: string;
  description: string; source: TicketSource; created_by: string; assignee: string | null; state: TicketState; sla_start_at: Date;
  policy_version: string; created_at: Date; updated_at: Date; first_response_at: Date | null; resolved_at: Date | null;
  closed_at: Date | null; first_response_due_at: Date; resolution_due_at: Date; response_clock: 'running' | 'stopped';
  resolution_clock: 'running' | 'paused' | 'stopped'; first_response_breached: boolean; resolution_breached: boolean;
  desk_calendar_revision: number | null; counterpart_calendar_id: string | null; counterpart_calendar_revision: number | null;
}

export const ticketFromRow = (r: TicketRow): TicketRecord => ({
  id: r.id, counterpartCountry: r.counterpart_country, counterpartRef: r.counterpart_ref, autoKey: r.auto_key, origin: r.origin,
  caseId: r.case_id, bucType: r.buc_type, sedType: r.sed_type, category: r.category, priority: r.priority, subject: r.subject,
  description: r.description, source: r.source, createdBy: r.created_by, assignee: r.assignee, state: r.state,
  slaStartAt: r.sla_start_at, policyVersion: r.policy_version, createdAt: r.created_at, updatedAt: r.updated_at,
  resolvedAt: r.resolved_at, closedAt: r.closed_at,
  sla: {
    firstResponseDueAt: r.first_response_due_at, resolutionDueAt: r.resolution_due_at, responseClock: r.response_clock,
    resolutionClock: r.resolution_clock, firstResponseBreached: r.first_response_breached, resolutionBreached: r.resolution_breached,
    firstResponseAt: r.first_response_at,
  },
  deskCalendarRevision: r.desk_calendar_revision, counterpartCalendarId: r.counterpart_calendar_id,
  counterpartCalendarRevision: r.counterpart_calendar_revision,
});

interface EventRow {
  id: number; ticket_id: string; at: Date; kind: TicketEventKind; actor: string; wait_on: WaitParty | null; state_after: TicketState;
  message: string | null; visibility: Visibility | null; data: Record<string, unknown>;
}

const eventFromRow = (r: EventRow): TicketEventRecord => ({
  id: Number(r.id), ticketId: r.ticket_id, at: r.at, kind: r.kind, actor: r.actor, waitOn: r.wait_on, stateAfter: r.state_after,
  message: r.message, visibility: r.visibility, data: r.data,
});

interface EscalationRow {
  ticket_id: string; kind: EscalationKind; at: Date; due_at: Date; policy_version: string; notification: EscalationRecord['notification'];
  sent_at: Date | null;
}

const escalationFromRow = (r: EscalationRow): EscalationRecord => ({
  ticketId: r.ticket_id, kind: r.kind, at: r.at, dueAt: r.due_at, policyVersion: r.policy_version, notification: r.notification, sentAt: r.sent_at,
});

function groupBy<T>(ids: string[], rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const r of rows) out.get(key(r))?.push(r);
  return out;
}

/** Where clause of a ticket list; `breached` follows the stored SLA snapshot (see 003_helpdesk.sql). */
function listWhere(filter: TicketFilter, page: PageRequest, now: Date): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql;
    for (const v of values) {
      params.push(v);
      text = text.replace('?', `$${params.length}`);
    }
    where.push(text);
  };
  if (filter.states?.length) add('state = ANY(?::text[])', filter.states);
  if (filter.priorities?.length) add('priority = ANY(?::text[])', filter.priorities);
  if (filter.counterpartCountry) add('counterpart_country = ?', filter.counterpartCountry);
  if (filter.caseId) add('case_id = ?', filter.caseId);
  if (filter.assignee) add('assignee = ?', filter.assignee);
  if (filter.assigned !== undefined) add(filter.assigned ? 'assignee IS NOT NULL' : 'assignee IS NULL');
  if (filter.source) add('source = ?', filter.source);
  if (filter.breached !== undefined) {
    const breached = `(first_response_breached OR resolution_breached
      OR (response_clock = 'running' AND first_response_due_at < ?::timestamptz)
      OR (resolution_clock = 'running' AND resolution_due_at < ?::timestamptz))`;
    add(filter.breached ? breached : `NOT ${breached}`, now, now);
  }
  if (filter.q) {
    // Each word, any case, in the subject or the counterpart reference (LIKE's own characters taken literally).
    for (const word of filter.q.trim().split(/\s+/).filter(Boolean).slice(0, 8)) {
      const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      add("(subject ILIKE ? ESCAPE '\\' OR counterpart_ref ILIKE ? ESCAPE '\\')", like, like);
    }
  }
  if (page.after) {
    if (filter.order === 'due') add(`(${NEXT_DUE}, id) > (?::timestamptz, ?)`, page.after.at, page.after.id);
    else add('(created_at, id) < (?::timestamptz, ?)', page.after.at, page.after.id);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** The next due time of a ticket: the running clock's due time; a ticket with no clock running sorts last. */
const NO_DUE = '9999-12-31T00:00:00.000Z';
const NEXT_DUE = `(CASE WHEN response_clock = 'running' THEN first_response_due_at
  WHEN resolution_clock = 'running' THEN resolution_due_at ELSE '${NO_DUE}'::timestamptz END)`;

export class PgTicketReader implements TicketReader {
  constructor(protected readonly tx: Sql) {}

  async ticket(id: string): Promise<TicketRecord | undefined> {
    const [r] = await this.tx.query<TicketRow>('SELECT * FROM tickets WHERE id = $1', [id]);
    return r && ticketFromRow(r);
  }

  async listTickets(filter: TicketFilter, page: PageRequest, now: Date): Promise<Page<TicketRecord>> {
    const { where, params } = listWhere(filter, page, now);
    params.push(page.limit + 1);
    if (filter.order === 'due') {
      const rows = await this.tx.query<TicketRow & { next_due: Date }>(
        `SELECT *, ${NEXT_DUE} AS next_due FROM tickets ${where} ORDER BY next_due, id LIMIT $${params.length}`, params);
      return toPage(rows, page.limit, ticketFromRow, (r) => [r.next_due, r.id]);
    }
    const rows = await this.tx.query<TicketRow>(
      `SELECT * FROM tickets ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    return toPage(rows, page.limit, ticketFromRow, (r) => [r.created_at, r.id]);
  }

  async caseReceivedAt(caseId: string): Promise<Date | undefined> {
    const [r] = await this.tx.query<{ at: Date }>('SELECT first_legal_delivery_at AS at FROM cases WHERE case_id = $1', [caseId]);
    return r ? new Date(r.at) : undefined;
  }

  async eventsOf(ticketIds: string[]): Promise<Map<string, TicketEventRecord[]>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await this.tx.query<EventRow>('SELECT * FROM ticket_events WHERE ticket_id = ANY($1::text[]) ORDER BY id', [ticketIds]);
    return groupBy(ticketIds, rows.map(eventFromRow), (e) => e.ticketId);
  }

  async escalationsOf(ticketIds: string[]): Promise<Map<string, EscalationRecord[]>> {
    if (ticketIds.length === 0) return new Map();
    // Raised together (e.g. after a night), a warning comes before the breach.
    const rows = await this.tx.query<EscalationRow>(
      `SELECT * FROM ticket_escalations WHERE ticket_id = ANY($1::text[]) ORDER BY at, array_position($2::text[], kind)`,
      [ticketIds, ESCALATION_ORDER]);
    return groupBy(ticketIds, rows.map(escalationFromRow), (e) => e.ticketId);
  }

  async policyVersion(version: string): Promise<StoredPolicyVersion | undefined> {
    const [r] = await this.tx.query<{ definition: SlaPolicyVersionConfig; first_used_at: Date }>(
      'SELECT definition, first_used_at FROM sla_policy_versions WHERE version = $1', [version]);
    return r && { definition: r.definition, firstUsedAt: r.first_used_at };
  }

  messagesOf(ticketIds: string[]): Promise<Map<string, ThreadMessage[]>> {
    return messagesOf(this.tx, ticketIds);
  }

  calendarRevisions(): Promise<CalendarRevision[]> {
    return calendarRevisions(this.tx);
  }
}

export class PgTicketWriter extends PgTicketReader implements TicketWriter {
  async lockIdempotencyKey(key: string): Promise<void> {
    await this.tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [HELPDESK_LOCK_SPACE, key]);
  }

  async ticketByCounterpart(country: string, ref: string): Promise<TicketRecord | undefined> {
    const [r] = await this.tx.query<TicketRow>('SELECT * FROM tickets WHERE counterpart_country = $1 AND counterpart_ref = $2', [country, ref]);
    return r && ticketFromRow(r);
  }

  async ticketByAutoKey(autoKey: string): Promise<TicketRecord | undefined> {
    const [r] = await this.tx.query<TicketRow>('SELECT * FROM tickets WHERE auto_key = $1', [autoKey]);
    return r && ticketFromRow(r);
  }

  async insertTicket(t: NewTicketRecord, year: number): Promise<string> {
    const [{ n }] = await this.tx.query<{ n: number }>(`SELECT nextval('ticket_number_seq') AS n`);
    const id = `HD${year}-${String(n).padStart(6, '0')}`;
    await this.tx.query(
      `INSERT INTO tickets (id, counterpart_country, counterpart_ref, auto_key, origin, case_id, buc_type, sed_type, category, priority,
         subject, description, source, created_by, assignee, state, sla_start_at, policy_version, created_at, updated_at,
         first_response_at, resolved_at, closed_at, first_response_due_at, resolution_due_at, response_clock, resolution_clock,
         first_response_breached, resolution_breached, desk_calendar_revision, counterpart_calendar_id, counterpart_calendar_revision)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,$32)`,
      [id, t.counterpartCountry, t.counterpartRef, t.autoKey, JSON.stringify(t.origin), t.caseId, t.bucType, t.sedType, t.category,
        t.priority, t.subject, t.description, t.source, t.createdBy, t.assignee, t.state, t.slaStartAt, t.policyVersion, t.createdAt,
        t.updatedAt, t.sla.firstResponseAt, t.resolvedAt, t.closedAt, t.sla.firstResponseDueAt, t.sla.resolutionDueAt,
        t.sla.responseClock, t.sla.resolutionClock, t.sla.firstResponseBreached, t.sla.resolutionBreached, t.deskCalendarRevision,
        t.counterpartCalendarId, t.counterpartCalendarRevision]);
    return id;
  }

  async lockTicket(id: string): Promise<TicketRecord | undefined> {
    const [r] = await this.tx.query<TicketRow>('SELECT * FROM tickets WHERE id = $1 FOR UPDATE', [id]);
    return r && ticketFromRow(r);
  }

  async lockOpenTickets(limit: number): Promise<TicketRecord[]> {
    const rows = await this.tx.query<TicketRow>(
      `SELECT * FROM tickets WHERE state NOT IN ('resolved', 'closed') ORDER BY sla_start_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit]);
    return rows.map(ticketFromRow);
  }

  async updateTicket(id: string, c: Pick<TicketRecord, 'state' | 'assignee' | 'updatedAt' | 'resolvedAt' | 'closedAt' | 'sla'>): Promise<void> {
    await this.tx.query(
      `UPDATE tickets SET state = $2, assignee = $3, updated_at = $4, resolved_at = $5, closed_at = $6, first_response_at = $7,
         first_response_due_at = $8, resolution_due_at = $9, response_clock = $10, resolution_clock = $11,
         first_response_breached = $12, resolution_breached = $13
       WHERE id = $1`,
      [id, c.state, c.assignee, c.updatedAt, c.resolvedAt, c.closedAt, c.sla.firstResponseAt, c.sla.firstResponseDueAt,
        c.sla.resolutionDueAt, c.sla.responseClock, c.sla.resolutionClock, c.sla.firstResponseBreached, c.sla.resolutionBreached]);
  }

  async appendEvent(e: TicketEventRecord): Promise<number> {
    const [r] = await this.tx.query<{ id: number }>(
      `INSERT INTO ticket_events (ticket_id, at, kind, actor, wait_on, state_after, message, visibility, data)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
      [e.ticketId, e.at, e.kind, e.actor, e.waitOn, e.stateAfter, e.message, e.visibility, JSON.stringify(e.data)]);
    return Number(r.id);
  }

  insertMessage(m: ThreadMessage): Promise<boolean> {
    return insertMessage(this.tx, m);
  }

  setMessageEvent(m: Pick<ThreadMessage, 'direction' | 'counterpartCountry' | 'messageId'>, eventId: number, event: ThreadEvent): Promise<void> {
    return setMessageEvent(this.tx, m, eventId, event);
  }

  async updatePriority(id: string, priority: Priority): Promise<void> {
    await this.tx.query('UPDATE tickets SET priority = $2 WHERE id = $1', [id, priority]);
  }

  async insertEscalation(e: EscalationRecord): Promise<boolean> {
    const rows = await this.tx.query(
      `INSERT INTO ticket_escalations (ticket_id, kind, at, due_at, policy_version, notification, next_attempt_at)
       VALUES ($1,$2,$3,$4,$5,$6,$3) ON CONFLICT (ticket_id, kind) DO NOTHING RETURNING kind`,
      [e.ticketId, e.kind, e.at, e.dueAt, e.policyVersion, e.notification]);
    return rows.length === 1;
  }

  async recordPolicyVersion(definition: SlaPolicyVersionConfig, at: Date): Promise<StoredPolicyVersion> {
    await this.tx.query(
      `INSERT INTO sla_policy_versions (version, effective_from, definition, first_used_at) VALUES ($1,$2,$3,$4)
       ON CONFLICT (version) DO NOTHING`,
      [definition.version, new Date(definition.effectiveFrom), JSON.stringify(definition), at]);
    return (await this.policyVersion(definition.version))!;
  }
}

export class PgTicketStore implements TicketStore {
  constructor(private readonly db: Database) {}

  inTransaction<T>(fn: (w: TicketWriter) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgTicketWriter(tx)));
  }

  readSnapshot<T>(fn: (r: TicketReader) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return fn(new PgTicketReader(tx));
    });
  }

  recordCalendarRevisions(current: Array<{ calendarId: string; digest: string; definition: CalendarDefinition }>, at: Date) {
    return recordCalendarRevisions(this.db, current, at);
  }

  async policyVersions(): Promise<Map<string, StoredPolicyVersion>> {
    const rows = await this.db.query<{ version: string; definition: SlaPolicyVersionConfig; first_used_at: Date }>(
      'SELECT version, definition, first_used_at FROM sla_policy_versions ORDER BY effective_from');
    return new Map(rows.map((r) => [r.version, { definition: r.definition, firstUsedAt: r.first_used_at }]));
  }
}
