/**
 * What the help desk needs from storage (src/store/ticket-repository.ts implements it). Every TicketWriter method
 * runs inside one transaction, so an action, its audit event and the ticket's new state commit together.
 */
import type { Page, PageRequest } from '../../shared/paging';
import type { CalendarRevisionReader, CalendarRevisionStore } from '../../business-time/calendar-snapshots';
import type { EscalationKind } from '../sla/escalation';
import type { Priority, SlaPolicyVersionConfig } from '../sla/sla-policy';
import type { ActionName, TicketState, WaitParty } from './ticket-state';

export const TICKET_SOURCES = ['counterpart', 'institution', 'operator', 'automatic'] as const;
/** Who asked: another country's desk, a French institution, an operator, or the pipeline watch. */
export type TicketSource = (typeof TICKET_SOURCES)[number];

export type Visibility = 'internal' | 'external';

/** The SLA as of the ticket's last change, kept on the row for list filters and reports. */
export interface SlaSnapshot {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  responseClock: 'running' | 'stopped';
  resolutionClock: 'running' | 'paused' | 'stopped';
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  firstResponseAt: Date | null;
}

export interface TicketRecord {
  id: string;
  counterpartCountry: string;
  counterpartRef: string | null;
  autoKey: string | null;
  origin: Record<string, unknown>;
  caseId: string | null;
  bucType: string | null;
  sedType: string | null;
  category: string;
  priority: Priority;
  subject: string;
  description: string;
  source: TicketSource;
  createdBy: string;
  assignee: string | null;
  state: TicketState;
  slaStartAt: Date;
  policyVersion: string;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  sla: SlaSnapshot;
  /** Calendar revisions the ticket is measured with (calendar-snapshots.ts); null before they were recorded. */
  deskCalendarRevision: number | null;
  counterpartCalendarId: string | null;
  counterpartCalendarRevision: number | null;
}

/** A ticket to insert; the store assigns the id. */
export type NewTicketRecord = Omit<TicketRecord, 'id'>;

export type TicketEventKind = 'created' | ActionName | 'escalated';

export const THREAD_EVENTS = ['response', 'comment', 'information-request', 'resolved', 'reopened', 'resumed'] as const;
/** What a message of the thread is: an outbound routing key's event, or what an inbound message did. */
export type ThreadEvent = (typeof THREAD_EVENTS)[number];
export type Delivery = 'received' | 'pending' | 'sent' | 'failed' | 'none';

/** One message of the conversation with the counterpart desk (ticket_messages). */
export interface ThreadMessage {
  direction: 'in' | 'out';
  counterpartCountry: string;
  messageId: string;
  ticketId: string;
  eventId: number | null;
  counterpartRef: string;
  event: ThreadEvent;
  message: string | null;
  at: Date;
  delivery: Delivery;
  attempts: number;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  lastError: string | null;
}

export interface TicketEventRecord {
  id?: number;
  ticketId: string;
  at: Date;
  kind: TicketEventKind;
  actor: string;
  waitOn: WaitParty | null;
  stateAfter: TicketState;
  message: string | null;
  visibility: Visibility | null;
  data: Record<string, unknown>;
}

export interface EscalationRecord {
  ticketId: string;
  kind: EscalationKind;
  at: Date;
  dueAt: Date;
  policyVersion: string;
  /** 'none' when no broker is configured: nothing to send. */
  notification: 'pending' | 'sent' | 'none';
  sentAt: Date | null;
}

export interface StoredPolicyVersion {
  definition: SlaPolicyVersionConfig;
  firstUsedAt: Date;
}

/** Reads, inside a transaction or a read-only snapshot. */
export interface TicketReader extends CalendarRevisionReader {
  ticket(id: string): Promise<TicketRecord | undefined>;
  /** Newest first, filtered; `breached` is evaluated as of `now`. */
  listTickets(filter: TicketFilter, page: PageRequest, now: Date): Promise<Page<TicketRecord>>;
  /** Events of the tickets, oldest first (insertion order). */
  eventsOf(ticketIds: string[]): Promise<Map<string, TicketEventRecord[]>>;
  escalationsOf(ticketIds: string[]): Promise<Map<string, EscalationRecord[]>>;
  policyVersion(version: string): Promise<StoredPolicyVersion | undefined>;
  /** The thread of each ticket, oldest first. */
  messagesOf(ticketIds: string[]): Promise<Map<string, ThreadMessage[]>>;
  /** The legal receipt time of the case's first SED; undefined when no such case is stored. */
  caseReceivedAt(caseId: string): Promise<Date | undefined>;
}

export interface TicketWriter extends TicketReader {
  /** Serialises creations with the same idempotency key (also before the first one is stored). */
  lockIdempotencyKey(key: string): Promise<void>;
  ticketByCounterpart(country: string, ref: string): Promise<TicketRecord | undefined>;
  ticketByAutoKey(autoKey: string): Promise<TicketRecord | undefined>;
  /** Inserts the ticket with a new id `HD<year>-<number>` (HD2026-000123) and returns that id. */
  insertTicket(t: NewTicketRecord, year: number): Promise<string>;
  /** The ticket, row-locked until the transaction ends. */
  lockTicket(id: string): Promise<TicketRecord | undefined>;
  /** Open tickets (not resolved or closed), oldest clock first, row-locked; tickets another transaction holds are skipped. */
  lockOpenTickets(limit: number): Promise<TicketRecord[]>;
  updateTicket(id: string, change: Pick<TicketRecord, 'state' | 'assignee' | 'updatedAt' | 'resolvedAt' | 'closedAt' | 'sla'>): Promise<void>;
  /** Appends the event; returns its id. */
  appendEvent(e: TicketEventRecord): Promise<number>;
  /**
   * Records a message of the thread; false when one with the same direction, country and message id exists
   * (the primary key decides, so two deliveries of the same inbound message racing each other make one row).
   */
  insertMessage(m: ThreadMessage): Promise<boolean>;
  /** Links an inbound message to the ticket event it caused. */
  setMessageEvent(m: Pick<ThreadMessage, 'direction' | 'counterpartCountry' | 'messageId'>, eventId: number, event: ThreadEvent): Promise<void>;
  updatePriority(id: string, priority: Priority): Promise<void>;
  /** Inserts the escalation unless the ticket already has this kind; true when inserted. */
  insertEscalation(e: EscalationRecord): Promise<boolean>;
  /** Records the version as configured unless it is already recorded; returns the stored snapshot. */
  recordPolicyVersion(definition: SlaPolicyVersionConfig, at: Date): Promise<StoredPolicyVersion>;
}

export interface TicketFilter {
  states?: TicketState[];
  priorities?: Priority[];
  counterpartCountry?: string;
  caseId?: string;
  assignee?: string;
  /** false: tickets nobody is assigned to; true: tickets someone is. */
  assigned?: boolean;
  source?: TicketSource;
  /** Breached (either clock) as of `now`, from the stored SLA snapshot. */
  breached?: boolean;
  /** Words found (any case) in the subject or the counterpart reference. */
  q?: string;
  /** `created` (default): newest first; `due`: the next due time first (the running clock's), stopped clocks last. */
  order?: TicketOrder;
}

export const TICKET_ORDERS = ['created', 'due'] as const;
export type TicketOrder = (typeof TICKET_ORDERS)[number];

export interface TicketStore extends CalendarRevisionStore {
  inTransaction<T>(fn: (w: TicketWriter) => Promise<T>): Promise<T>;
  /** Runs fn on one consistent snapshot of the database (repeatable read, read only). */
  readSnapshot<T>(fn: (r: TicketReader) => Promise<T>): Promise<T>;
  /** Every recorded policy version (to compare them with the configuration at start). */
  policyVersions(): Promise<Map<string, StoredPolicyVersion>>;
}
