/**
 * The level-2 help desk: open tickets (idempotent), act on them through the state machine, read them with their
 * SLA computed now. Every change is one transaction: the ticket row locked, the action checked, its audit event
 * appended, the ticket's state and SLA snapshot updated, and, for a counterpart ticket, the message to the
 * counterpart desk written to the outbox (ticket-conversation.ts decides which actions send what).
 *
 * Subjects, descriptions and messages may name people: they are stored and shown, never logged.
 */
import { DateTime } from 'luxon';
import type { AuditTrail } from '../../audit/audit-trail';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import type { Page, PageRequest } from '../../shared/paging';
import type { CalendarSnapshots } from '../../business-time/calendar-snapshots';
import type { HelpdeskConfig } from '../helpdesk-config';
import type { HelpdeskMetrics } from '../helpdesk-metrics';
import type { PolicySnapshots } from '../sla/policy-snapshots';
import type { Priority } from '../sla/sla-policy';
import { ticketIdempotencyKey, type NewTicketRequest } from './ticket';
import { boundedSlaStart, counterpartAction, requireResponseMessage } from './ticket-guards';
import { outboundMessage } from './ticket-conversation';
import { parseTicketAction, type Actor, type ParsedAction, type TicketActionRequest } from './ticket-request';
import { applyAction } from './ticket-state';
import type { NewTicketRecord, TicketEventRecord, TicketFilter, TicketReader, TicketRecord, TicketSource, TicketStore, TicketWriter } from './ticket-store';
import { slaSnapshot, ticketSlaWith, ticketSummaryView, ticketView, type TicketDetail, type TicketView } from './ticket-view';

export const AUTOMATIC_KINDS = ['forward-unacknowledged', 'orphan-aged', 'x007-failed'] as const;
export type AutomaticKind = (typeof AUTOMATIC_KINDS)[number];

/** A ticket the pipeline watch opens. Idempotent on kind + ref: the same kind and ref twice is one ticket. */
export interface AutomaticTicketRequest {
  kind: AutomaticKind;
  /** What the ticket is about, unique within the kind (a forward id; a case id and triage episode). */
  ref: string;
  caseId: string;
  bucType: string | null;
  counterpartCountry: string;
  priority: Priority;
  subject: string;
  description: string;
  /** Ids the desk needs (forward ids, institution, triage reason): shown with the ticket. */
  origin: Record<string, unknown>;
}

export interface TicketServiceDeps {
  store: TicketStore;
  config: HelpdeskConfig;
  snapshots: PolicySnapshots;
  calendars: CalendarSnapshots;
  clock: Clock;
  logger: Logger;
  metrics: HelpdeskMetrics;
  /** Where priority changes are recorded (`ticket.priority`); absent in tools without one. */
  audit?: AuditTrail;
  /** A broker is configured: replies to counterpart desks wait in the outbox (`pending`), else they are `none`. */
  replies: boolean;
  /** Called once a transaction that wrote a reply committed (wakes the reply relay). */
  onReply?: () => void;
  /** How far back a requested slaStartAt may go, in days (HELPDESK_SLA_START_MAX_DAYS_BACK; default 30). */
  slaStartMaxDaysBack?: number;
}

type TicketFields = Omit<NewTicketRecord, 'state' | 'policyVersion' | 'createdAt' | 'updatedAt' | 'resolvedAt' | 'closedAt' | 'assignee' | 'sla'
  | 'deskCalendarRevision' | 'counterpartCalendarId' | 'counterpartCalendarRevision'>;

/** What an action adds to its event beyond the parsed body (inbound messages, automatic resolutions). */
export interface ActionContext {
  data?: Record<string, unknown>;
  /** Write the counterpart's copy to the outbox when the action calls for one (default true). */
  reply?: boolean;
}

/** Event times of one ticket never go backwards, even when instances' clocks disagree slightly. */
function notBefore(now: Date, events: readonly TicketEventRecord[]): Date {
  const last = events[events.length - 1];
  return last && last.at.getTime() > now.getTime() ? last.at : now;
}

/** A country-scoped actor sees another country's ticket as absent: ids cannot be probed. */
export function visibleTo(ticket: TicketRecord | undefined, actor: Actor, id: string): TicketRecord {
  if (!ticket || (actor.country !== undefined && ticket.counterpartCountry !== actor.country)) {
    throw new AppError('HDK_TICKET_NOT_FOUND', `No ticket ${id}.`);
  }
  return ticket;
}

export class TicketService {
  constructor(private readonly deps: TicketServiceDeps) {}

  /** Opens a ticket, or finds the one with the same counterpartCountry + counterpartRef (`created: false`). */
  async create(req: NewTicketRequest, actor: Actor, source: TicketSource): Promise<{ ticket: TicketView; created: boolean }> {
    if (actor.country !== undefined && req.counterpartCountry !== actor.country) {
      throw new AppError('HDK_COUNTRY_FORBIDDEN', `This help-desk token is for ${actor.country}: it cannot open a ticket for ${req.counterpartCountry}.`,
        [{ path: '/counterpartCountry', message: `must be ${actor.country} for this token` }]);
    }
    const now = this.deps.clock.now();
    const result = await this.deps.store.inTransaction(async (w) => {
      await w.lockIdempotencyKey(`ticket:${ticketIdempotencyKey(req)}`);
      const existing = await w.ticketByCounterpart(req.counterpartCountry, req.counterpartRef);
      if (existing) return { id: existing.id, created: false };
      const id = await this.insertNew(w, {
        counterpartCountry: req.counterpartCountry, counterpartRef: req.counterpartRef, autoKey: null, origin: {},
        caseId: req.caseId ?? null, bucType: req.bucType ?? null, sedType: req.sedType ?? null, category: req.category,
        priority: req.priority, subject: req.subject, description: req.description, source, createdBy: actor.id,
        slaStartAt: boundedSlaStart(req.slaStartAt, now, this.deps.slaStartMaxDaysBack ?? 30, req.caseId ? await w.caseReceivedAt(req.caseId) : undefined),
      }, actor, now);
      return { id, created: true };
    });
    if (result.created) this.deps.metrics.ticketsCreated.inc({ source, priority: req.priority });
    this.deps.logger.info(result.created ? 'ticket opened' : 'ticket already open for this counterpart reference', {
      event: result.created ? 'helpdesk.ticket_created' : 'helpdesk.ticket_duplicate',
      ticketId: result.id, source, priority: req.priority, counterpartCountry: req.counterpartCountry, caseId: req.caseId, by: actor.id,
    });
    return { ticket: await this.get(result.id, actor), created: result.created };
  }

  /** Opens an automatic ticket inside the caller's transaction (the pipeline watch marks its source rows in it). */
  async openAutomaticIn(w: TicketWriter, req: AutomaticTicketRequest, actor: Actor, now: Date): Promise<{ ticketId: string; created: boolean }> {
    const autoKey = `${req.kind}:${req.ref}`;
    await w.lockIdempotencyKey(`auto:${autoKey}`);
    const existing = await w.ticketByAutoKey(autoKey);
    if (existing) return { ticketId: existing.id, created: false };
    const ticketId = await this.insertNew(w, {
      counterpartCountry: req.counterpartCountry, counterpartRef: null, autoKey, origin: { kind: req.kind, ...req.origin },
      caseId: req.caseId, bucType: req.bucType, sedType: null, category: req.kind, priority: req.priority,
      subject: req.subject, description: req.description, source: 'automatic', createdBy: actor.id, slaStartAt: now,
    }, actor, now);
    return { ticketId, created: true };
  }

  /** Call once the transaction of openAutomaticIn committed. */
  automaticOpened(req: Pick<AutomaticTicketRequest, 'kind' | 'priority' | 'caseId'>, ticketId: string): void {
    this.deps.metrics.ticketsCreated.inc({ source: 'automatic', priority: req.priority });
    this.deps.metrics.automaticTickets.inc({ kind: req.kind });
    this.deps.logger.info('automatic ticket opened', {
      event: 'helpdesk.ticket_created', ticketId, source: 'automatic', kind: req.kind, priority: req.priority, caseId: req.caseId,
    });
  }

  async openAutomatic(req: AutomaticTicketRequest, actor: Actor): Promise<{ ticketId: string; created: boolean }> {
    const now = this.deps.clock.now();
    const result = await this.deps.store.inTransaction((w) => this.openAutomaticIn(w, req, actor, now));
    if (result.created) this.automaticOpened(req, result.ticketId);
    return result;
  }

  async get(id: string, viewer: Actor): Promise<TicketView> {
    const now = this.deps.clock.now();
    const detail = await this.deps.store.readSnapshot(async (r) => this.detail(r, visibleTo(await r.ticket(id), viewer, id), now));
    return ticketView(detail, viewer.seesInternal);
  }

  /** Applies `{action, message?, on?, visibility?, assignee?, priority?}`; HDK_INVALID_TRANSITION (409) when the state refuses it. */
  async act(id: string, request: TicketActionRequest, actor: Actor): Promise<TicketView> {
    const asked = parseTicketAction(request);
    const explicitVisibility = request.visibility !== undefined;
    const now = this.deps.clock.now();
    let before: TicketRecord | undefined;
    let parsed = asked;
    const { detail, replied } = await this.deps.store.inTransaction(async (w) => {
      before = visibleTo(await w.lockTicket(id), actor, id);
      // After the lookup: another country's ticket stays "not found" whatever the action.
      parsed = counterpartAction(asked, actor, explicitVisibility);
      requireResponseMessage(parsed);
      // The counterpart desk acting with its own token is the counterpart: nothing is echoed back to it.
      return this.applyIn(w, before, parsed, actor, now, { reply: actor.country === undefined || actor.country !== before.counterpartCountry });
    });
    if (replied) this.deps.onReply?.();
    this.deps.metrics.ticketActions.inc({ action: parsed.action.action });
    this.deps.logger.info('ticket action', {
      event: 'helpdesk.ticket_action', ticketId: id, action: parsed.action.action, from: before?.state, to: detail.ticket.state,
      priority: detail.ticket.priority, counterpartCountry: detail.ticket.counterpartCountry, by: actor.id,
    });
    if (parsed.action.action === 'priority') {
      await this.deps.audit?.record({
        actor: actor.auditId ?? actor.id, action: 'ticket.priority', subjectType: 'ticket', subjectId: id,
        before: { priority: before?.priority }, after: { priority: detail.ticket.priority },
        data: { policyVersion: detail.ticket.policyVersion, firstResponseDueAt: detail.sla.firstResponseDueAt.toISOString(), resolutionDueAt: detail.sla.resolutionDueAt.toISOString() },
      });
    }
    return ticketView(detail, actor.seesInternal);
  }

  async list(filter: TicketFilter, page: PageRequest) {
    const now = this.deps.clock.now();
    return this.deps.store.readSnapshot(async (r) => {
      const found: Page<TicketRecord> = await r.listTickets(filter, page, now);
      const ids = found.items.map((t) => t.id);
      const [events, escalations] = [await r.eventsOf(ids), await r.escalationsOf(ids)];
      const items = [];
      for (const t of found.items) {
        const sla = await this.measure(r, t, events.get(t.id) ?? [], now);
        items.push(ticketSummaryView(t, sla, escalations.get(t.id) ?? [], now));
      }
      return { items, nextCursor: found.nextCursor };
    });
  }

  /** The SLA of a ticket as of `at`, with the policy version and calendar revisions it keeps. */
  async measure(r: TicketReader, ticket: TicketRecord, events: readonly TicketEventRecord[], at: Date) {
    const policy = await this.deps.snapshots.byVersion(r, ticket.policyVersion);
    const calendars = await this.deps.calendars.calendarsOf(r, ticket, policy.calendar);
    return ticketSlaWith(ticket, events, policy, calendars, at);
  }

  private async detail(r: TicketReader, ticket: TicketRecord, now: Date): Promise<TicketDetail> {
    const events = (await r.eventsOf([ticket.id])).get(ticket.id) ?? [];
    const escalations = (await r.escalationsOf([ticket.id])).get(ticket.id) ?? [];
    const thread = (await r.messagesOf([ticket.id])).get(ticket.id) ?? [];
    return { ticket, events, escalations, thread, sla: await this.measure(r, ticket, events, now), now };
  }

  /**
   * One action on a locked ticket, in the caller's transaction: the event, the new state and SLA snapshot, and
   * the reply to the counterpart desk when the action sends one. `replied` says whether a reply was written.
   */
  async applyIn(w: TicketWriter, ticket: TicketRecord, parsed: ParsedAction, actor: Actor, now: Date, ctx: ActionContext = {}): Promise<{ detail: TicketDetail; eventId: number; replied: boolean }> {
    const { action } = parsed;
    const state = applyAction(ticket.state, action);
    if (action.action === 'priority' && action.to === ticket.priority) {
      throw new AppError('HDK_INVALID_TRANSITION', `cannot change the priority to ${action.to}: the ticket is already ${action.to}`, [], { state, action: 'priority' });
    }
    const events = (await w.eventsOf([ticket.id])).get(ticket.id) ?? [];
    const at = notBefore(now, events);
    const assignee = parsed.assignee !== undefined ? parsed.assignee : ticket.assignee;
    const priority = action.action === 'priority' ? action.to : ticket.priority;
    const data = action.action === 'assign' ? { assignee, previous: ticket.assignee }
      : action.action === 'priority' ? { from: ticket.priority, to: action.to } : {};
    const event: TicketEventRecord = {
      ticketId: ticket.id, at, kind: action.action, actor: actor.id, waitOn: action.action === 'wait' ? action.on : null,
      stateAfter: state, message: parsed.message, visibility: parsed.visibility, data: { ...data, ...ctx.data },
    };
    const eventId = await w.appendEvent(event);
    const all = [...events, { ...event, id: eventId }];
    const changed: TicketRecord = {
      ...ticket, state, assignee, priority, updatedAt: at,
      resolvedAt: action.action === 'resolve' ? at : action.action === 'reopen' ? null : ticket.resolvedAt,
      closedAt: action.action === 'close' ? at : action.action === 'reopen' ? null : ticket.closedAt,
    };
    const sla = await this.measure(w, changed, all, at);
    changed.sla = slaSnapshot(sla);
    await w.updateTicket(ticket.id, changed);
    if (priority !== ticket.priority) await w.updatePriority(ticket.id, priority);
    const reply = ctx.reply === false ? null : outboundMessage(changed, parsed, eventId, at, this.deps.replies);
    if (reply) await w.insertMessage(reply);
    const escalations = (await w.escalationsOf([ticket.id])).get(ticket.id) ?? [];
    const thread = (await w.messagesOf([ticket.id])).get(ticket.id) ?? [];
    return { detail: { ticket: changed, events: all, escalations, thread, sla, now: at }, eventId, replied: reply?.delivery === 'pending' };
  }

  private async insertNew(w: TicketWriter, fields: TicketFields, actor: Actor, now: Date): Promise<string> {
    const policy = await this.deps.snapshots.applyAt(w, fields.slaStartAt, now);
    const refs = this.deps.calendars.refsFor(policy.calendar, fields.counterpartCountry, fields.slaStartAt);
    const created: TicketEventRecord = {
      ticketId: '', at: now, kind: 'created', actor: actor.id, waitOn: null, stateAfter: 'new', message: null, visibility: null,
      data: {
        source: fields.source, priority: fields.priority, slaStartAt: fields.slaStartAt.toISOString(), policyVersion: policy.version,
        calendars: { desk: [refs.deskCalendarId, refs.deskCalendarRevision], counterpart: [refs.counterpartCalendarId, refs.counterpartCalendarRevision] },
      },
    };
    const kept = { deskCalendarRevision: refs.deskCalendarRevision, counterpartCalendarId: refs.counterpartCalendarId, counterpartCalendarRevision: refs.counterpartCalendarRevision };
    const calendars = await this.deps.calendars.calendarsOf(w, { ...kept, counterpartCountry: fields.counterpartCountry }, policy.calendar);
    const sla = ticketSlaWith(fields, [created], policy, calendars, now);
    const year = DateTime.fromJSDate(now, { zone: calendars.desk.zone }).year;
    const id = await w.insertTicket({
      ...fields, ...kept, assignee: null, state: 'new', policyVersion: policy.version, createdAt: now, updatedAt: now,
      resolvedAt: null, closedAt: null, sla: slaSnapshot(sla),
    }, year);
    await w.appendEvent({ ...created, ticketId: id });
    return id;
  }
}
