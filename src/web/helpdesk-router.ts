/**
 * The level-2 help desk over HTTP (docs/contract.md §3, §5), for the helpdesk machine role and operators:
 * open a ticket (201, or 200 with the existing one for a known counterpartCountry + counterpartRef),
 * list, read with the SLA computed now, act.
 */
import { Router, type Request } from 'express';
import { jsonBody, pathParam } from './request-validation';
import { EESSI_COUNTRIES } from '../helpdesk/tickets/ticket';
import { ticketSourceOf, type Actor } from '../helpdesk/tickets/ticket-request';
import type { TicketService } from '../helpdesk/tickets/ticket-service';
import { TICKET_STATES, type TicketState } from '../helpdesk/tickets/ticket-state';
import { TICKET_ORDERS, TICKET_SOURCES, type TicketFilter, type TicketSource } from '../helpdesk/tickets/ticket-store';
import { PRIORITIES, type Priority } from '../helpdesk/sla/sla-policy';
import { AppError } from '../shared/errors';
import { parsePageRequest } from '../shared/paging';
import { requireRole } from './auth';

const json = jsonBody();

function actorOf(req: Request): Actor {
  const p = req.principal!;
  return {
    id: p.id, kind: p.kind === 'session' ? 'operator' : 'machine', // Everyone with a console session is liaison-body staff (help-desk agents included): they read internal notes.
    seesInternal: p.kind === 'session' || p.roles.has('operator'),
    ...(p.country !== undefined && { country: p.country }),
    auditId: p.kind === 'token' ? `token:${p.id}` : p.id,
  };
}

/** A country-scoped token lists its country's tickets only; naming another country is refused, not emptied. */
function scoped(filter: TicketFilter, actor: Actor): TicketFilter {
  if (actor.country === undefined) return filter;
  if (filter.counterpartCountry !== undefined && filter.counterpartCountry !== actor.country) {
    throw new AppError('HDK_COUNTRY_FORBIDDEN', `This help-desk token is for ${actor.country}: it cannot list the tickets of ${filter.counterpartCountry}.`,
      [{ path: 'counterpartCountry', message: `must be ${actor.country} for this token` }]);
  }
  return { ...filter, counterpartCountry: actor.country };
}

function sourceOf(req: Request): TicketSource {
  return ticketSourceOf(req.body, req.principal!.kind === 'session' ? 'operator' : 'machine');
}

function text(v: unknown, key: string): string | undefined {
  if (Array.isArray(v)) throw new AppError('REQ_INVALID_QUERY', `${key} takes one value.`, [{ path: key, message: 'one value only' }]);
  if (v !== undefined && typeof v !== 'string') throw new AppError('REQ_INVALID_QUERY', `${key} must be a plain value.`, [{ path: key, message: 'must be a string' }]);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `key=a,b` and `key=a&key=b` both mean "any of a, b". */
function listOf<T extends string>(query: Record<string, unknown>, key: string, allowed: readonly T[]): T[] | undefined {
  const given = query[key];
  const parts = (Array.isArray(given) ? given : given === undefined ? [] : [given]).map((v) => text(v, key) ?? '');
  if (parts.length === 0 || parts.every((p) => p === '')) return undefined;
  const values = parts.flatMap((p) => p.split(',')).map((v) => v.trim());
  const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
  if (bad.length > 0) {
    throw new AppError('REQ_INVALID_QUERY', `${key} must be a comma-separated list of ${allowed.join(', ')}.`, [{ path: key, message: `unknown value(s) ${bad.map((b) => `"${b}"`).join(', ')}` }]);
  }
  return values as T[];
}

function oneOf<T extends string>(query: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const values = listOf(query, key, allowed);
  if (values && values.length > 1) throw new AppError('REQ_INVALID_QUERY', `${key} takes one value.`, [{ path: key, message: 'one value only' }]);
  return values?.[0];
}

function flagOf(query: Record<string, unknown>, key: string): boolean | undefined {
  const value = oneOf(query, key, ['true', 'false'] as const);
  return value === undefined ? undefined : value === 'true';
}

export function ticketFilterOf(query: Record<string, unknown>): TicketFilter {
  const assignee = text(query.assignee, 'assignee');
  const assigned = flagOf(query, 'assigned');
  if (assignee !== undefined && assigned === false) {
    throw new AppError('REQ_INVALID_QUERY', 'assignee and assigned=false contradict each other.', [{ path: 'assigned', message: 'cannot be false with an assignee' }]);
  }
  return {
    states: listOf<TicketState>(query, 'state', TICKET_STATES),
    priorities: listOf<Priority>(query, 'priority', PRIORITIES),
    counterpartCountry: oneOf(query, 'counterpartCountry', EESSI_COUNTRIES),
    caseId: text(query.caseId, 'caseId'),
    assignee,
    assigned,
    source: oneOf<TicketSource>(query, 'source', TICKET_SOURCES),
    breached: flagOf(query, 'breached'),
    q: searchText(query.q),
    order: oneOf(query, 'sort', TICKET_ORDERS),
  };
}

/** Free text for `q`: words of the subject or the counterpart reference. */
function searchText(v: unknown): string | undefined {
  const q = text(v, 'q')?.trim();
  if (q === undefined || q === '') return undefined;
  if (q.length > 200) throw new AppError('REQ_INVALID_QUERY', 'q must be at most 200 characters.', [{ path: 'q', message: `${q.length} characters` }]);
  return q;
}

export function helpdeskRouter(service: TicketService): Router {
  const r = Router();
  const allowed = requireRole('helpdesk', 'operator');

  r.post('/api/tickets', allowed, json, async (req, res) => {
    const { ticket, created } = await service.create(req.body, actorOf(req), sourceOf(req));
    if (created) res.location(`/api/tickets/${encodeURIComponent(ticket.id)}`);
    res.status(created ? 201 : 200).json(ticket);
  });

  r.get('/api/tickets', allowed, async (req, res) => {
    const query = req.query as Record<string, unknown>;
    res.json(await service.list(scoped(ticketFilterOf(query), actorOf(req)), parsePageRequest(query)));
  });

  r.get('/api/tickets/:id', allowed, async (req, res) => {
    res.json(await service.get(pathParam(req, 'id', 'id', 'HDK_TICKET_NOT_FOUND'), actorOf(req)));
  });

  r.post('/api/tickets/:id/actions', allowed, json, async (req, res) => {
    res.json(await service.act(pathParam(req, 'id', 'id', 'HDK_TICKET_NOT_FOUND'), req.body, actorOf(req)));
  });

  return r;
}
