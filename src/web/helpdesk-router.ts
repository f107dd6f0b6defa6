/**
 * The level-2 help desk over HTTP (CONTRACT.md §3, §5), for the helpdesk machine role and operators:
 * open a ticket (201, or 200 with the existing one for a known counterpartCountry + counterpartRef),
 * list, read with the SLA computed now, act.
 */
import express, { Router, type Request } from 'express';
import { EESSI_COUNTRIES } from '../helpdesk/ticket';
import { ticketSourceOf, type Actor } from '../helpdesk/ticket-request';
import type { TicketService } from '../helpdesk/ticket-service';
import { TICKET_STATES, type TicketState } from '../helpdesk/ticket-state';
import { TICKET_SOURCES, type TicketFilter, type TicketSource } from '../helpdesk/ticket-store';
import { PRIORITIES, type Priority } from '../helpdesk/sla-policy';
import { AppError } from '../shared/errors';
import { parsePageRequest } from '../shared/paging';
import { requireRole } from './auth';

const json = express.json({ limit: '64kb' });

function actorOf(req: Request): Actor {
  const p = req.principal!;
  return { id: p.id, kind: p.kind === 'session' ? 'operator' : 'machine', seesInternal: p.roles.has('operator') };
}

function sourceOf(req: Request): TicketSource {
  return ticketSourceOf(req.body, req.principal!.kind === 'session' ? 'operator' : 'machine');
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function listOf<T extends string>(query: Record<string, unknown>, key: string, allowed: readonly T[]): T[] | undefined {
  const raw = text(query[key]);
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((v) => v.trim());
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

export function ticketFilterOf(query: Record<string, unknown>): TicketFilter {
  const breached = oneOf(query, 'breached', ['true', 'false'] as const);
  return {
    states: listOf<TicketState>(query, 'state', TICKET_STATES),
    priorities: listOf<Priority>(query, 'priority', PRIORITIES),
    counterpartCountry: oneOf(query, 'counterpartCountry', EESSI_COUNTRIES),
    caseId: text(query.caseId),
    assignee: text(query.assignee),
    source: oneOf<TicketSource>(query, 'source', TICKET_SOURCES),
    breached: breached === undefined ? undefined : breached === 'true',
  };
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
    res.json(await service.list(ticketFilterOf(query), parsePageRequest(query)));
  });

  r.get('/api/tickets/:id', allowed, async (req, res) => {
    res.json(await service.get(String(req.params.id), actorOf(req)));
  });

  r.post('/api/tickets/:id/actions', allowed, json, async (req, res) => {
    res.json(await service.act(String(req.params.id), req.body, actorOf(req)));
  });

  return r;
}
