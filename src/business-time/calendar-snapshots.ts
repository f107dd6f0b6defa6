/**
 * Business calendars as applied, like SLA policy versions (policy-snapshots.ts): at start, every configured
 * calendar whose definition differs from its latest recorded revision gets a new revision, in force from that
 * instant. A ticket records the revisions in force at its slaStartAt (the desk calendar of its policy version
 * and its counterpart country's calendar) and is measured with them for ever: adding a closed day to
 * calendars.json mid-month changes the tickets that start afterwards, never those already measured, nor a
 * reported month.
 *
 * Tickets recorded before revisions existed (no revision on the row) take revision 1: the calendar as it was
 * configured when the service first recorded revisions.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { buildCalendar, type BusinessCalendar, type CalendarDefinition } from './calendar';
import type { CalendarRegistry } from './calendar-config';

export interface CalendarRevision {
  calendarId: string;
  revision: number;
  digest: string;
  definition: CalendarDefinition;
  recordedAt: Date;
}

/** What is recorded of a calendar: its definition without comments, keys in a stable order. */
export function calendarDefinitionOf(calendar: BusinessCalendar): CalendarDefinition {
  const { $comment: _comment, ...definition } = calendar.definition as CalendarDefinition & { $comment?: string };
  return canonical(definition) as CalendarDefinition;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export const calendarDigest = (definition: CalendarDefinition): string =>
  createHash('sha256').update(JSON.stringify(canonical(definition))).digest('hex');

/**
 * The revision in force at `at`: the latest recorded at or before it; the first one when `at` precedes them all
 * (a clock that started before the calendar was first recorded is measured with the oldest known definition).
 */
export function revisionAt(revisions: readonly CalendarRevision[], at: Date): CalendarRevision | undefined {
  let chosen: CalendarRevision | undefined;
  for (const r of [...revisions].sort((a, b) => a.revision - b.revision)) {
    if (!chosen || r.recordedAt.getTime() <= at.getTime()) chosen = r;
  }
  return chosen;
}

/** The calendars one ticket is measured with. */
export interface TicketCalendars {
  desk: BusinessCalendar;
  counterpart: BusinessCalendar;
}

/** Which revisions a ticket keeps (null: recorded before revisions existed). */
export interface TicketCalendarRefs {
  deskCalendarRevision: number | null;
  counterpartCalendarId: string | null;
  counterpartCalendarRevision: number | null;
  counterpartCountry: string;
}

export interface CalendarRevisionReader {
  calendarRevisions(): Promise<CalendarRevision[]>;
}

export interface CalendarRevisionStore {
  /** Adds a revision for each calendar whose latest recorded digest differs (or that has none); returns all. */
  recordCalendarRevisions(current: Array<{ calendarId: string; digest: string; definition: CalendarDefinition }>, at: Date): Promise<{ added: CalendarRevision[]; all: CalendarRevision[] }>;
}

export class CalendarSnapshots {
  private readonly byId = new Map<string, CalendarRevision[]>();
  private readonly built = new Map<string, BusinessCalendar>();

  constructor(private readonly deps: { calendars: CalendarRegistry; logger: Logger }) {}

  /** At start: records what changed in the configuration and loads every revision. */
  async record(store: CalendarRevisionStore, at: Date): Promise<CalendarRevision[]> {
    const current = this.deps.calendars.ids().map((calendarId) => {
      const definition = calendarDefinitionOf(this.deps.calendars.get(calendarId));
      return { calendarId, definition, digest: calendarDigest(definition) };
    });
    const { added, all } = await store.recordCalendarRevisions(current, at);
    this.load(all);
    for (const r of added.filter((a) => a.revision > 1)) {
      this.deps.logger.warn('business calendar changed; tickets started before keep their revision', {
        event: 'helpdesk.calendar_revised', calendarId: r.calendarId, revision: r.revision, inForceFrom: r.recordedAt.toISOString(),
      });
    }
    return added;
  }

  /** The revision numbers a new ticket records, for its desk calendar id and counterpart country. */
  refsFor(deskCalendarId: string, counterpartCountry: string, slaStartAt: Date): Omit<TicketCalendarRefs, 'counterpartCountry'> & { deskCalendarId: string } {
    const counterpartCalendarId = this.deps.calendars.forCountry(counterpartCountry).id;
    return {
      deskCalendarId,
      deskCalendarRevision: revisionAt(this.byId.get(deskCalendarId) ?? [], slaStartAt)?.revision ?? null,
      counterpartCalendarId,
      counterpartCalendarRevision: revisionAt(this.byId.get(counterpartCalendarId) ?? [], slaStartAt)?.revision ?? null,
    };
  }

  /** The calendars a ticket keeps; `deskCalendarId` is the one its policy version names. */
  async calendarsOf(r: CalendarRevisionReader, ticket: TicketCalendarRefs, deskCalendarId: string): Promise<TicketCalendars> {
    const counterpartId = ticket.counterpartCalendarId ?? this.deps.calendars.forCountry(ticket.counterpartCountry).id;
    return {
      desk: await this.calendar(r, deskCalendarId, ticket.deskCalendarRevision ?? 1),
      counterpart: await this.calendar(r, counterpartId, ticket.counterpartCalendarRevision ?? 1),
    };
  }

  private load(all: readonly CalendarRevision[]): void {
    this.byId.clear();
    for (const r of all) this.byId.set(r.calendarId, [...(this.byId.get(r.calendarId) ?? []), r]);
  }

  private async calendar(r: CalendarRevisionReader, calendarId: string, revision: number): Promise<BusinessCalendar> {
    const key = `${calendarId}#${revision}`;
    const cached = this.built.get(key);
    if (cached) return cached;
    const find = () => this.byId.get(calendarId)?.find((c) => c.revision === revision);
    // Another instance may have recorded a revision since this one started.
    if (!find()) this.load(await r.calendarRevisions());
    const recorded = find();
    if (!recorded) throw new AppError('HDK_POLICY_INVALID', `calendar "${calendarId}" revision ${revision} was never recorded`);
    const calendar = buildCalendar(recorded.definition);
    this.built.set(key, calendar);
    return calendar;
  }
}
