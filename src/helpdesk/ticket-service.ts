/**
 * The level-2 help desk: open tickets (idempotent), act on them through the state machine, read them with their
 * SLA computed now. Every change is one transaction: the ticket row locked, the action checked, its audit event
 * appended, the ticket's state and SLA snapshot updated.
 *
 * Subjects, descriptions and messages may name people: they are stored and shown, never logged.
 */
import { DateTime } from 'luxon';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Page, PageRequest } from '../shared/paging';
import type { HelpdeskConfig } from './helpdesk-config';
import type { HelpdeskMetrics } from './helpdesk-metrics';
import type { PolicySnapshots } from './policy-snapshots';
import type { Priority } from './sla-policy';
import { slaStartOf, ticketIdempotencyKey } from './ticket';
import { parseNewTicket, parseTicketAction, type Actor, type ParsedAction } from './ticket-request';
import { applyAction } from './ticket-state';
import type { NewTicketRecord, TicketEventRecord, TicketFilter, TicketReader, TicketRecord, TicketSource, TicketStore, TicketWriter } from './ticket-store';
import { slaSnapshot, ticketSla, ticketSummaryView, ticketView, type TicketDetail, type TicketView } from './ticket-view';

export const AUTOMATIC_KINDS = ['forward-unacknowledged', 'orphan-aged'] as const;
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
  clock: Clock;
  logger: Logger;
  metrics: HelpdeskMetrics;
}

type TicketFields = Omit<NewTicketRecord, 'state' | 'policyVersion' | 'createdAt' | 'updatedAt' | 'resolvedAt' | 'closedAt' | 'assignee' | 'sla'>;

/** Event times of one ticket never go backwards, even when instances' clocks disagree slightly. */
function notBefore(now: Date, events: readonly TicketEventRecord[]): Date {
  const last = events[events.length - 1];
  return last && last.at.getTime() > now.getTime() ? last.at : now;
}

export class TicketService {
  constructor(private readonly deps: TicketServiceDeps) {}

  /** Opens a ticket, or finds the one with the same counterpartCountry + counterpartRef (`created: false`). */
  async create(body: unknown, actor: Actor, source: TicketSource): Promise<{ ticket: TicketView; created: boolean }> {
    const req = parseNewTicket(body);
    const now = this.deps.clock.now();
    const result = await this.deps.store.inTransaction(async (w) => {
      await w.lockIdempotencyKey(`ticket:${ticketIdempotencyKey(req)}`);
      const existing = await w.ticketByCounterpart(req.counterpartCountry, req.counterpartRef);
      if (existing) return { id: existing.id, created: false };
      const id = await this.insertNew(w, {
        counterpartCountry: req.counterpartCountry, counterpartRef: req.counterpartRef, autoKey: null, origin: {},
        caseId: req.caseId ?? null, bucType: req.bucType ?? null, sedType: req.sedType ?? null, category: req.category,
        priority: req.priority, subject: req.subject, description: req.description, source, createdBy: actor.id,
        slaStartAt: slaStartOf(req, now),
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
    const detail = await this.deps.store.readSnapshot(async (r) => {
      const ticket = await r.ticket(id);
      if (!ticket) throw new AppError('HDK_TICKET_NOT_FOUND', `No ticket ${id}.`);
      return this.detail(r, ticket, now);
    });
    return ticketView(detail, viewer.seesInternal);
  }

  /** Applies `{action, message?, on?, visibility?, assignee?}`; HDK_INVALID_TRANSITION (409) when the state refuses it. */
  async act(id: string, body: unknown, actor: Actor): Promise<TicketView> {
    const parsed = parseTicketAction(body);
    const now = this.deps.clock.now();
    let from: TicketRecord['state'] | undefined;
    const detail = await this.deps.store.inTransaction(async (w) => {
      const ticket = await w.lockTicket(id);
      if (!ticket) throw new AppError('HDK_TICKET_NOT_FOUND', `No ticket ${id}.`);
      from = ticket.state;
      return this.applyIn(w, ticket, parsed, actor, now);
    });
    this.deps.metrics.ticketActions.inc({ action: parsed.action.action });
    this.deps.logger.info('ticket action', {
      event: 'helpdesk.ticket_action', ticketId: id, action: parsed.action.action, from, to: detail.ticket.state,
      priority: detail.ticket.priority, counterpartCountry: detail.ticket.counterpartCountry, by: actor.id,
    });
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
        const policy = await this.deps.snapshots.byVersion(r, t.policyVersion);
        const sla = ticketSla(t, events.get(t.id) ?? [], policy, this.deps.config.calendars, now);
        items.push(ticketSummaryView(t, sla, escalations.get(t.id) ?? [], now));
      }
      return { items, nextCursor: found.nextCursor };
    });
  }

  private async detail(r: TicketReader, ticket: TicketRecord, now: Date): Promise<TicketDetail> {
    const events = (await r.eventsOf([ticket.id])).get(ticket.id) ?? [];
    const escalations = (await r.escalationsOf([ticket.id])).get(ticket.id) ?? [];
    const policy = await this.deps.snapshots.byVersion(r, ticket.policyVersion);
    return { ticket, events, escalations, sla: ticketSla(ticket, events, policy, this.deps.config.calendars, now), now };
  }

  private async applyIn(w: TicketWriter, ticket: TicketRecord, parsed: ParsedAction, actor: Actor, now: Date): Promise<TicketDetail> {
    const { action } = parsed;
    const state = applyAction(ticket.state, action);
    const events = (await w.eventsOf([ticket.id])).get(ticket.id) ?? [];
    const at = notBefore(now, events);
    const assignee = parsed.assignee !== undefined ? parsed.assignee : ticket.assignee;
    const event: TicketEventRecord = {
      ticketId: ticket.id, at, kind: action.action, actor: actor.id, waitOn: action.action === 'wait' ? action.on : null,
      stateAfter: state, message: parsed.message, visibility: parsed.visibility,
      data: action.action === 'assign' ? { assignee, previous: ticket.assignee } : {},
    };
    await w.appendEvent(event);
    const all = [...events, event];
    const policy = await this.deps.snapshots.byVersion(w, ticket.policyVersion);
    const sla = ticketSla(ticket, all, policy, this.deps.config.calendars, at);
    const changed: TicketRecord = {
      ...ticket, state, assignee, updatedAt: at, sla: slaSnapshot(sla),
      resolvedAt: action.action === 'resolve' ? at : action.action === 'reopen' ? null : ticket.resolvedAt,
      closedAt: action.action === 'close' ? at : action.action === 'reopen' ? null : ticket.closedAt,
    };
    await w.updateTicket(ticket.id, changed);
    const escalations = (await w.escalationsOf([ticket.id])).get(ticket.id) ?? [];
    return { ticket: changed, events: all, escalations, sla, now: at };
  }

  private async insertNew(w: TicketWriter, fields: TicketFields, actor: Actor, now: Date): Promise<string> {
    const policy = await this.deps.snapshots.applyAt(w, fields.slaStartAt, now);
    const calendar = this.deps.config.calendars.get(policy.calendar);
    const created: TicketEventRecord = {
      ticketId: '', at: now, kind: 'created', actor: actor.id, waitOn: null, stateAfter: 'new', message: null, visibility: null,
      data: { source: fields.source, priority: fields.priority, slaStartAt: fields.slaStartAt.toISOString(), policyVersion: policy.version },
    };
    const sla = ticketSla(fields, [created], policy, this.deps.config.calendars, now);
    const year = DateTime.fromJSDate(now, { zone: calendar.zone }).year;
    const id = await w.insertTicket({
      ...fields, assignee: null, state: 'new', policyVersion: policy.version, createdAt: now, updatedAt: now,
      resolvedAt: null, closedAt: null, sla: slaSnapshot(sla),
    }, year);
    await w.appendEvent({ ...created, ticketId: id });
    return id;
  }
}
