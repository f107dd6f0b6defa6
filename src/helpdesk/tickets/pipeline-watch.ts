/**
 * The pipeline watch (every 15 minutes, one transaction under the job's lock): automatic tickets for what the
 * case pipeline left waiting too long.
 *
 * - Forwards still pending FORWARD_ACK_BUSINESS_DAYS business days (desk calendar) after they were made and not
 *   yet reminded: one ticket per case and institution in a run (a case's SEDs are usually forwarded together),
 *   idempotent on the oldest forward id; every forward of the group is marked reminded in the same transaction.
 * - Cases in triage for ORPHAN_MAX_AGE_BUSINESS_HOURS business hours: one ticket per case and triage episode,
 *   idempotent on the case id and the instant the episode began; the case is marked in the same transaction.
 *
 * Both are P3. Subjects and descriptions carry ids and dates only, never the people concerned.
 */
import { HOUR_MS, businessMsBetween } from '../../business-time/calendar';
import { addBusinessDays } from '../../business-time/business-days';
import { deskCalendarAt, type HelpdeskConfig } from '../helpdesk-config';
import { DEFAULT_HELPDESK_SETTINGS, type HelpdeskSettings } from '../settings';
import { SYSTEM_ACTORS } from './ticket-request';
import type { AutomaticTicketRequest, TicketService } from './ticket-service';
import type { TicketWriter } from './ticket-store';

export interface UnacknowledgedForward {
  forwardId: string;
  caseId: string;
  institutionId: string;
  bucType: string;
  createdAt: Date;
  legalDeliveryAt: Date;
}

export interface TriagedCase {
  caseId: string;
  bucType: string;
  senderCountry: string;
  triageReason: string | null;
  triageSince: Date;
}

/** What the watch needs from the case pipeline's tables, in the same transaction as the tickets. */
export interface PipelineWatchWriter {
  tickets: TicketWriter;
  /** Pending, never reminded, made at or before `createdBefore`; row-locked, skipping rows another transaction holds. */
  unacknowledgedForwards(createdBefore: Date, limit: number): Promise<UnacknowledgedForward[]>;
  /** Marks the forwards reminded and notes the ticket in the case's history. */
  markForwardsReminded(forwards: UnacknowledgedForward[], ticketId: string, at: Date): Promise<void>;
  /** In triage since at or before `since`, with no ticket in this episode; row-locked, skipping held rows. */
  triagedCasesWithoutTicket(since: Date, limit: number): Promise<TriagedCase[]>;
  markOrphanTicket(c: TriagedCase, ticketId: string, at: Date): Promise<void>;
}

export type PipelineWatchSettings = Pick<HelpdeskSettings, 'forwardAckBusinessDays' | 'orphanMaxAgeBusinessHours'> & Partial<Pick<HelpdeskSettings, 'pipelineWatchBatch'>>;

export interface PipelineWatchDeps {
  service: TicketService;
  config: HelpdeskConfig;
  settings: PipelineWatchSettings;
}

export interface OpenedTicket {
  request: AutomaticTicketRequest;
  ticketId: string;
}

/** Candidates per run unless settings say otherwise; what is left is handled at the next run. */
const BATCH = DEFAULT_HELPDESK_SETTINGS.pipelineWatchBatch;
const DAY_MS = 24 * HOUR_MS;

function forwardTicket(group: UnacknowledgedForward[], days: number): AutomaticTicketRequest {
  const first = group[0];
  return {
    kind: 'forward-unacknowledged',
    ref: first.forwardId,
    caseId: first.caseId,
    bucType: first.bucType,
    counterpartCountry: 'FR',
    priority: 'P3',
    subject: `Case ${first.caseId}: ${group.length} forward(s) to ${first.institutionId} not acknowledged after ${days} business days`,
    description: [
      `${first.institutionId} has neither accepted nor rejected these forwards of case ${first.caseId} (${first.bucType}):`,
      ...group.map((f) => `- ${f.forwardId}: forwarded ${f.createdAt.toISOString()}, legal delivery ${f.legalDeliveryAt.toISOString()}`),
    ].join('\n'),
    origin: { institutionId: first.institutionId, forwardIds: group.map((f) => f.forwardId) },
  };
}

function orphanTicket(c: TriagedCase, hours: number, counterpartCountry: string): AutomaticTicketRequest {
  return {
    kind: 'orphan-aged',
    ref: `${c.caseId}@${c.triageSince.toISOString()}`,
    caseId: c.caseId,
    bucType: c.bucType,
    counterpartCountry,
    priority: 'P3',
    subject: `Case ${c.caseId} waiting in triage (${c.triageReason ?? 'no reason'}) for more than ${hours} business hours`,
    description: `Case ${c.caseId} (${c.bucType}, sent from ${c.senderCountry}) has been in triage since ${c.triageSince.toISOString()}, reason ${c.triageReason ?? 'none recorded'}.`,
    origin: { triageReason: c.triageReason, triageSince: c.triageSince.toISOString(), senderCountry: c.senderCountry },
  };
}

async function watchForwards(w: PipelineWatchWriter, deps: PipelineWatchDeps, now: Date): Promise<OpenedTicket[]> {
  const days = deps.settings.forwardAckBusinessDays;
  const desk = deskCalendarAt(deps.config, now);
  // N business days end on a local date at least N dates later: N-1 full days (less a DST hour) is a safe bound.
  const createdBefore = new Date(now.getTime() - Math.max(0, (days - 1) * DAY_MS - 2 * HOUR_MS));
  const overdue = (await w.unacknowledgedForwards(createdBefore, deps.settings.pipelineWatchBatch ?? BATCH))
    .filter((f) => addBusinessDays(desk, f.createdAt, days).getTime() <= now.getTime());
  const groups = new Map<string, UnacknowledgedForward[]>();
  for (const f of overdue) {
    const key = `${f.caseId}\u0000${f.institutionId}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const opened: OpenedTicket[] = [];
  for (const group of groups.values()) {
    const request = forwardTicket(group, days);
    const r = await deps.service.openAutomaticIn(w.tickets, request, SYSTEM_ACTORS.pipelineWatch, now);
    await w.markForwardsReminded(group, r.ticketId, now);
    if (r.created) opened.push({ request, ticketId: r.ticketId });
  }
  return opened;
}

async function watchOrphans(w: PipelineWatchWriter, deps: PipelineWatchDeps, now: Date): Promise<OpenedTicket[]> {
  const hours = deps.settings.orphanMaxAgeBusinessHours;
  const desk = deskCalendarAt(deps.config, now);
  // Business hours never outrun real hours: cases younger than `hours` real hours cannot qualify.
  const since = new Date(now.getTime() - hours * HOUR_MS);
  const known = new Set(deps.config.calendars.countries());
  const opened: OpenedTicket[] = [];
  for (const c of await w.triagedCasesWithoutTicket(since, deps.settings.pipelineWatchBatch ?? BATCH)) {
    if (businessMsBetween(desk, c.triageSince, now) < hours * HOUR_MS) continue;
    // Waiting on the sending country is measured in its desk's hours when its calendar is configured.
    const request = orphanTicket(c, hours, known.has(c.senderCountry) ? c.senderCountry : 'FR');
    const r = await deps.service.openAutomaticIn(w.tickets, request, SYSTEM_ACTORS.pipelineWatch, now);
    await w.markOrphanTicket(c, r.ticketId, now);
    if (r.created) opened.push({ request, ticketId: r.ticketId });
  }
  return opened;
}

/** One run; returns the tickets it opened (the caller logs them once the transaction committed). */
export async function watchPipeline(w: PipelineWatchWriter, deps: PipelineWatchDeps, now: Date): Promise<OpenedTicket[]> {
  return [...(await watchForwards(w, deps, now)), ...(await watchOrphans(w, deps, now))];
}
