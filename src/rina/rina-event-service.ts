/**
 * SEDs in from RINA (docs/contract.md §7 "Events in"). A document event is checked and stored first (idempotent on case,
 * document and version) and acknowledged; a worker then reads the case and the document through the CPI and hands
 * the §2 envelope to the intake service, like every other channel (validation, quarantine, idempotency), with
 * via 'rina' (the mark of a case that came through RINA). While the CPI does not answer, events wait and are
 * retried with backoff; none is lost (leases: a crashed or stopped instance's events are taken over after them).
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { IntakeInput, IntakeService } from '../intake/intake-service';
import type { InputLimits } from '../intake/input-limits';
import { readJsonInput } from '../intake/input-reader';
import { backoffDelay, type BackoffPolicy } from '../shared/backoff';
import type { Clock } from '../shared/clock';
import { AppError, isAppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { CpiError, type CpiPort, type RinaCase } from './cpi-port';
import { envelopeOf, importableDocuments, noticeFromCase, readRinaEvent, type RinaDocumentNotice } from './rina-event';
import type { RinaEventCounts, RinaMetrics } from './rina-metrics';

export interface NoticeKey { caseId: string; documentId: string; documentVersion: string }

export interface LeasedNotice extends RinaDocumentNotice {
  attempts: number;
  receivedAt: Date;
}

export interface TakenNotice extends NoticeKey { outcome: 'accepted' | 'duplicate' | 'quarantined'; envelopeId?: string; quarantineId?: string }
export interface RetriedNotice extends NoticeKey { nextAttemptAt: Date; error: string; fail: boolean }

/** What the events need of storage (src/store/rina-event-repository.ts). */
export interface RinaEventStore {
  /**
   * Stores the notices not known yet (the same case, document and version is known). An import (`source` 'import')
   * also sets a `failed` one waiting again. Answers, per notice, whether it now waits.
   */
  add(notices: RinaDocumentNotice[], source: 'event' | 'import', at: Date): Promise<boolean[]>;
  /** Leases up to `limit` due waiting notices to `owner` until `leaseUntil` (SKIP LOCKED: instances share the work). */
  claim(owner: string, now: Date, limit: number, leaseUntil: Date): Promise<LeasedNotice[]>;
  markTaken(owner: string, taken: TakenNotice[], at: Date): Promise<void>;
  markRetry(owner: string, retried: RetriedNotice[], at: Date): Promise<void>;
  counts(): Promise<RinaEventCounts>;
}

export interface RinaEventSettings {
  /** RINA_INSTITUTION_ID: the receiver of every envelope taken in from RINA. */
  ownInstitutionId: string;
  batch: number;
  leaseMs: number;
  /** Between rounds of an event the CPI could not serve. */
  retry: BackoffPolicy;
  /** Rounds of an event the CPI answers 404 (or refuses) before it is `failed` (an operator's import retries it). */
  maxNotFoundAttempts: number;
  /** CPI reads in parallel within a round. */
  concurrency: number;
  /** This instance's name in leases. */
  owner: string;
}

export interface RinaEventDeps {
  store: RinaEventStore;
  cpi: CpiPort;
  intake: IntakeService;
  clock: Clock;
  logger: Logger;
  metrics?: RinaMetrics;
  /** Where operators' imports are recorded (`rina.import`). */
  audit?: AuditTrail;
  settings: RinaEventSettings;
  /** Envelopes were accepted: wake the routing stage. */
  onAccepted?: () => void;
  /** Events were stored: wake the worker. */
  onStored?: () => void;
}

export type EventReceipt =
  | { status: 'stored' | 'duplicate'; caseId: string; documentId: string; documentVersion: string }
  | { status: 'ignored'; why: string }
  | { status: 'quarantined'; quarantineId: string; error: AppError };

export interface ImportResult {
  caseId: string;
  bucType: string;
  documents: Array<{ documentId: string; sedType: string; documentVersion: string; queued: boolean }>;
}

/** Events are small: no event needs more than this (an envelope may be 5 MiB, its event is metadata). */
const MAX_EVENT_BYTES = 256 * 1024;

export class RinaEventService {
  /** The intake's limits, with the size of an event's (MAX_EVENT_BYTES): the HTTP route reads the body with them. */
  readonly limits: InputLimits;

  constructor(private readonly deps: RinaEventDeps) {
    this.limits = { ...deps.intake.limits, maxBytes: Math.min(deps.intake.limits.maxBytes, MAX_EVENT_BYTES) };
  }

  /** One pushed event, raw as received (a rejected one is kept byte for byte in quarantine). */
  async receive(raw: Buffer, opts: { truncated?: boolean; declaredSize?: number } = {}): Promise<EventReceipt> {
    const input: IntakeInput = { raw, via: 'rina', ...opts };
    const read = readJsonInput(raw, this.limits, { size: opts.declaredSize, truncated: opts.truncated, what: 'RINA event' });
    if (!read.ok) return this.quarantine(input, read.error);
    let event;
    try {
      event = readRinaEvent(read.value);
    } catch (e) {
      if (isAppError(e)) return this.quarantine(input, e, read.value);
      throw e;
    }
    if (event.kind === 'ignored') {
      this.deps.metrics?.eventsReceived.inc({ outcome: 'ignored' });
      this.deps.logger.debug('RINA event ignored', { event: 'rina.event_ignored', why: event.why });
      return { status: 'ignored', why: event.why };
    }
    const n = event.notice;
    const [stored] = await this.deps.store.add([n], 'event', this.deps.clock.now());
    const status = stored ? 'stored' : 'duplicate';
    this.deps.metrics?.eventsReceived.inc({ outcome: status });
    this.deps.logger.info('RINA event received', { event: 'rina.event_received', caseId: n.caseId, documentId: n.documentId, documentVersion: n.documentVersion, sedType: n.documentType, outcome: status });
    if (stored) this.deps.onStored?.();
    return { status, caseId: n.caseId, documentId: n.documentId, documentVersion: n.documentVersion };
  }

  private async quarantine(input: IntakeInput, error: AppError, parsed?: unknown): Promise<EventReceipt> {
    const result = await this.deps.intake.quarantineRejected(input, error, parsed);
    this.deps.metrics?.eventsReceived.inc({ outcome: 'quarantined' });
    return { status: 'quarantined', quarantineId: result.status === 'quarantined' ? result.quarantineId : '', error };
  }

  /**
   * One round of the worker: lease due events, read their case and document through the CPI, take the envelopes in
   * (one intake window), record what became of each. False when nothing was due. Throws when the database fails
   * (the leases then run out and the events are taken again).
   */
  async step(): Promise<boolean> {
    const { store, clock, settings } = this.deps;
    const now = clock.now();
    const leased = await store.claim(settings.owner, now, settings.batch, new Date(now.getTime() + settings.leaseMs));
    if (leased.length === 0) return false;
    const cases = new Map<string, Promise<RinaCase>>();
    const read = await mapLimited(leased, settings.concurrency, (n) => this.readDocument(n, cases));
    const ready = read.filter((r): r is { notice: LeasedNotice; raw: Buffer } => 'raw' in r);
    const results = ready.length ? await this.deps.intake.receiveBatch(ready.map((r) => ({ raw: r.raw, via: 'rina' as const }))) : [];
    const taken: TakenNotice[] = [];
    const retried: RetriedNotice[] = [];
    results.forEach((r, i) => {
      const key = keyOf(ready[i].notice);
      if (r.status === 'accepted' || r.status === 'duplicate') taken.push({ ...key, outcome: r.status, envelopeId: r.envelopeId });
      else if (r.status === 'quarantined') taken.push({ ...key, outcome: 'quarantined', quarantineId: r.quarantineId });
      else retried.push(this.retry(ready[i].notice, `intake failed: ${(r.error as Error)?.message ?? String(r.error)}`, true, now));
    });
    for (const r of read) if ('error' in r) retried.push(this.retry(r.notice, r.error.message, !r.error.retryable, now));
    const at = clock.now();
    await store.markTaken(settings.owner, taken, at);
    await store.markRetry(settings.owner, retried, at);
    for (const t of taken) this.deps.metrics?.eventsTaken.inc({ outcome: t.outcome });
    for (const r of retried) this.deps.metrics?.eventsTaken.inc({ outcome: r.fail ? 'failed' : 'retry' });
    if (taken.some((t) => t.outcome === 'accepted')) this.deps.onAccepted?.();
    return true;
  }

  /** The case (once per round) and the document, as the envelope intake reads; or why the CPI did not serve them. */
  private async readDocument(n: LeasedNotice, cases: Map<string, Promise<RinaCase>>): Promise<{ notice: LeasedNotice; raw: Buffer } | { notice: LeasedNotice; error: CpiError }> {
    try {
      let rinaCase = cases.get(n.caseId);
      if (!rinaCase) {
        rinaCase = this.deps.cpi.getCase(n.caseId);
        cases.set(n.caseId, rinaCase);
      }
      const [c, sed] = await Promise.all([rinaCase, this.deps.cpi.getDocument(n.caseId, n.documentId)]);
      this.deps.metrics?.cpiReachable.set(1);
      const envelope = envelopeOf(n, c, sed, this.deps.settings.ownInstitutionId);
      return { notice: n, raw: Buffer.from(JSON.stringify(envelope)) };
    } catch (e) {
      const error = e instanceof CpiError ? e : new CpiError(`Reading RINA case ${n.caseId} failed: ${(e as Error).message}`, 0, true, (e as Error).message);
      if (error.status === 0 || error.status >= 500) this.deps.metrics?.cpiReachable.set(0);
      return { notice: n, error };
    }
  }

  private retry(n: LeasedNotice, error: string, notFound: boolean, now: Date): RetriedNotice {
    const attempts = n.attempts + 1;
    const fail = notFound && attempts >= this.deps.settings.maxNotFoundAttempts;
    const delay = backoffDelay(attempts, this.deps.settings.retry);
    const level = fail ? 'warn' : 'info';
    this.deps.logger.log(level, fail ? 'RINA event failed: the CPI does not serve its document' : 'RINA event waits for the CPI', {
      event: fail ? 'rina.event_failed' : 'rina.event_retry', caseId: n.caseId, documentId: n.documentId, attempts, delayMs: delay, error: error.slice(0, 300),
    });
    return { ...keyOf(n), nextAttemptAt: new Date(now.getTime() + delay), error: error.slice(0, 500), fail };
  }

  /** Operator: read the case again and take in its received documents not taken yet (events RINA never sent). */
  async importCase(caseId: string, by = 'system'): Promise<ImportResult> {
    let c: RinaCase;
    try {
      c = await this.deps.cpi.getCase(caseId);
    } catch (e) {
      if (e instanceof CpiError && e.status === 404) throw new AppError('RIN_CASE_NOT_FOUND', `RINA has no case ${caseId}.`, [{ path: '/caseId', message: 'not found in RINA' }]);
      if (e instanceof CpiError) throw new AppError('RIN_CPI_UNAVAILABLE', `RINA's CPI did not serve case ${caseId}: ${e.answer}`);
      throw e;
    }
    const notices = importableDocuments(c).map((d) => noticeFromCase(c, d));
    const queued = notices.length ? await this.deps.store.add(notices, 'import', this.deps.clock.now()) : [];
    this.deps.logger.info('RINA case imported', { event: 'rina.case_imported', caseId, documents: notices.length, queued: queued.filter(Boolean).length });
    if (queued.some(Boolean)) this.deps.onStored?.();
    await this.deps.audit?.record({ actor: by, action: 'rina.import', subjectType: 'case', subjectId: caseId, data: { documents: notices.length, queued: queued.filter(Boolean).length } });
    return {
      caseId: c.id, bucType: c.processDefinitionName,
      documents: notices.map((n, i) => ({ documentId: n.documentId, sedType: n.documentType, documentVersion: n.documentVersion, queued: queued[i] })),
    };
  }
}

const keyOf = (n: NoticeKey): NoticeKey => ({ caseId: n.caseId, documentId: n.documentId, documentVersion: n.documentVersion });

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}
