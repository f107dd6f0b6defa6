/**
 * The forward carried out in RINA (docs/contract.md §7 "Forward out"): for each forward that moves a case that came
 * through RINA to a new institution, an X007 "Forward case" created from the case's Forward Case action
 * (`{documentType: X007, operation: Create}`) and sent with the case's Send action for that document.
 *
 * The job row (rina_x007, written with the forward) is carried out by a leased relay (shared/leased-relay.ts):
 * pending → created (the X007's RINA document id recorded BEFORE it is sent) → sent. A crash after the create but
 * before the record is covered by adopting the case's unsent X007 that names the same institution (an attempt that
 * died made it); a crash after the record resumes with that document: the forward id stays the idempotency key, no
 * second X007 is ever made for it. Failures the CPI may get over (5xx, timeout, 409 after re-reads) back off;
 * those no retry can fix (no Forward Case action, content refused), or too many retries, leave the job `failed`
 * with the CPI's answer and a help-desk ticket; an operator's retry puts it back.
 */
import { CpiError, type CpiPort, type RinaCase } from '../rina/cpi-port';
import type { BackoffPolicy } from '../shared/backoff';
import { AppError } from '../shared/errors';
import { leasedRelayStep, type LeasedOutbox } from '../shared/leased-relay';
import type { Logger } from '../shared/logger';

export { X007_STATES, type X007State, type X007Status } from '../cases/x007-status';

/** An X007 job claimed by the relay (only pending and created ones are). */
export interface X007Job {
  forwardId: string;
  caseId: string;
  institutionId: string;
  state: 'pending' | 'created';
  /** The X007's RINA document id once created. */
  documentId: string | null;
  /** Failed attempts so far. */
  attempts: number;
}

/** A failed X007 still without its help-desk ticket. */
export interface X007Failure {
  forwardId: string;
  caseId: string;
  bucType: string | null;
  institutionId: string;
  documentId: string | null;
  error: string;
  failedAt: Date;
}

export interface X007Outbox extends LeasedOutbox<X007Job> {
  /** Records the created X007's document id, where `owner` still holds the pending job; false when it does not. */
  markCreated(owner: string, forwardId: string, documentId: string, at: Date): Promise<boolean>;
  markAbandoned(owner: string, failures: Array<{ item: X007Job; error: string }>, at: Date): Promise<void>;
  /** Failed jobs without a ticket, oldest first. */
  failedWithoutTicket(limit: number): Promise<X007Failure[]>;
  setTicket(forwardId: string, ticketId: string): Promise<void>;
}

/** Where a failure opens its help-desk ticket (idempotent on the forward id); answers the ticket id. */
export type X007TicketOpener = (f: X007Failure) => Promise<string>;

/** An X007 the CPI would not take: 2 s doubling to 5 min (the CPI is slow and sometimes down for a while). */
export const X007_RETRY: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 2_000, maxMs: 300_000, factor: 2, jitter: 0 });
/** Failed attempts after which a failure the CPI might still get over is given up (about 1 h 30 of retries). */
export const X007_MAX_ATTEMPTS = 20;
/** Longer than the CPI client's retries of one call times the few calls of one X007. */
export const DEFAULT_X007_LEASE_MS = 300_000;

export const X007_REASON_NOT_COMPETENT = '01';

export interface X007Parties {
  institutionToAdd: { id: string; name: string };
  institutionToRemove: { id: string; name: string };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The X007 to create: the action's template with CONTRACT §7's content merged in (the template's other fields
 * kept, the forwarding part replaced). Pure.
 */
export function fillX007(template: Record<string, unknown>, parties: X007Parties): Record<string, unknown> {
  const root = isRecord(template.X007) ? template.X007 : {};
  const forwarding = isRecord(root.CaseForwarding) ? root.CaseForwarding : {};
  return {
    ...template,
    X007: {
      ...root, sedGVer: '4', sedVer: '4',
      CaseForwarding: {
        ...forwarding,
        InstitutionToAdd: { institutionID: parties.institutionToAdd.id, institutionName: parties.institutionToAdd.name },
        InstitutionToRemove: { institutionID: parties.institutionToRemove.id, institutionName: parties.institutionToRemove.name },
        reason: { value: [X007_REASON_NOT_COMPETENT] },
        otherReason: null,
      },
    },
  };
}

/** The institution an X007 adds (its institutionID), or undefined when the document is not such an X007. */
export function institutionAddedBy(document: Record<string, unknown>): string | undefined {
  const root = isRecord(document.X007) ? document.X007 : undefined;
  const forwarding = root && isRecord(root.CaseForwarding) ? root.CaseForwarding : undefined;
  const add = forwarding && isRecord(forwarding.InstitutionToAdd) ? forwarding.InstitutionToAdd : undefined;
  return typeof add?.institutionID === 'string' ? add.institutionID : undefined;
}

const same = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

export function forwardCaseAction(c: RinaCase) {
  return c.actions.find((a) => same(a.documentType, 'X007') && same(a.operation, 'Create'));
}

export function sendAction(c: RinaCase, documentId: string) {
  return c.actions.find((a) => same(a.documentType, 'X007') && same(a.operation, 'Send') && a.documentId === documentId);
}

/** The X007 document is in the case as sent (or further: received by the other side). */
export function isSent(c: RinaCase, documentId: string): boolean {
  const d = c.documents.find((x) => x.id === documentId);
  return d !== undefined && ['sent', 'received', 'active'].includes((d.status ?? '').toLowerCase());
}

/** The case's X007 drafts (created, not sent), which a Send action is offered for. */
function unsentX007s(c: RinaCase): string[] {
  return c.documents.filter((d) => same(d.type, 'X007') && !isSent(c, d.id) && sendAction(c, d.id) !== undefined).map((d) => d.id);
}

export interface X007RelayDeps {
  outbox: X007Outbox;
  cpi: CpiPort;
  /** The liaison body in RINA (RINA_INSTITUTION_ID) and its name: the institution each X007 removes. */
  liaisonBody: { id: string; name: string };
  /** The institution's name in the current directory (the X007 names it). */
  institutionName: (institutionId: string) => Promise<string | undefined>;
  openTicket: X007TicketOpener;
  now: () => Date;
  logger: Logger;
  owner: string;
  leaseMs?: number;
  batchSize?: number;
  /** Counts what happened (metrics); called once per sent X007 and per failed attempt. */
  onSent?: (job: X007Job) => void;
  onFailure?: (job: X007Job, final: boolean) => void;
  /** After a round, with the forwards whose X007 it sent: their failure tickets (a retry went through) are resolved. */
  resolveTickets?: (sentForwardIds: string[]) => Promise<void>;
}

/** The job's X007 is created (or found, made by an attempt that died before recording it) and its id recorded. */
async function createX007(deps: X007RelayDeps, job: X007Job, c: RinaCase): Promise<string> {
  for (const id of unsentX007s(c)) {
    if (same(institutionAddedBy(await deps.cpi.getDocument(c.id, id)), job.institutionId)) return id;
  }
  const action = forwardCaseAction(c);
  if (!action) throw new CpiError(`case ${c.id} offers no Forward Case action (X007 Create)`, 404, false, 'no Forward Case action on the case');
  const template = await deps.cpi.getInitialDocument(c.id, action.id);
  const name = (await deps.institutionName(job.institutionId)) ?? job.institutionId;
  const filled = fillX007(template, { institutionToAdd: { id: job.institutionId, name }, institutionToRemove: deps.liaisonBody });
  const { id } = await deps.cpi.putActionDocument(c.id, action.id, filled);
  return id;
}

/** Carries one job to `sent` (the relay marks it); throws what stopped it. */
export async function carryOutX007(deps: X007RelayDeps, job: X007Job): Promise<void> {
  let c = await deps.cpi.getCase(job.caseId);
  let documentId = job.documentId;
  if (documentId === null) {
    documentId = await createX007(deps, job, c);
    // Recorded before sending: after a crash from here on, the next attempt sends this document, never a new one.
    if (!(await deps.outbox.markCreated(deps.owner, job.forwardId, documentId, deps.now()))) {
      throw new AppError('INT_UNEXPECTED', `X007 job of forward ${job.forwardId} no longer leased to this relay; its X007 ${documentId} is left to the holder`);
    }
    job.state = 'created';
    job.documentId = documentId;
    deps.logger.info('X007 created in RINA', { event: 'rina.x007_created', forwardId: job.forwardId, caseId: job.caseId, documentId });
    c = await deps.cpi.getCase(job.caseId);
  }
  if (isSent(c, documentId)) return;
  const send = sendAction(c, documentId);
  if (!send) throw new CpiError(`case ${c.id} offers no Send action for X007 ${documentId}`, 404, true, 'no Send action for the X007');
  await deps.cpi.runAction(c.id, send.id);
}

const finalFailure = (e: unknown, job: X007Job) => (e instanceof CpiError && !e.retryable) || job.attempts + 1 >= X007_MAX_ATTEMPTS;

const cpiAnswer = (e: unknown): string => {
  if (e instanceof CpiError) return `${e.status ? `HTTP ${e.status}` : 'no answer'}: ${e.answer || e.message}`.slice(0, 500);
  return String((e as Error)?.message ?? e).slice(0, 500);
};

/** Opens the tickets of failures that have none yet (also those a crash left between the failure and its ticket). */
async function ticketFailures(deps: X007RelayDeps): Promise<void> {
  for (const f of await deps.outbox.failedWithoutTicket(20)) {
    const ticketId = await deps.openTicket(f);
    await deps.outbox.setTicket(f.forwardId, ticketId);
    deps.logger.info('X007 failure ticket opened', { event: 'rina.x007_ticket', forwardId: f.forwardId, caseId: f.caseId, ticketId });
  }
}

/** One relay round: carry out the due X007 jobs, then open the tickets of those that failed for good. */
export function x007RelayStep(deps: X007RelayDeps): () => Promise<boolean> {
  const sent: string[] = [];
  const relay = leasedRelayStep<X007Job>({
    outbox: deps.outbox, now: deps.now, logger: deps.logger, owner: deps.owner, leaseMs: deps.leaseMs ?? DEFAULT_X007_LEASE_MS,
    batchSize: deps.batchSize ?? 10, attempts: (j) => j.attempts, retry: X007_RETRY, final: finalFailure, errorText: cpiAnswer,
    deliver: async (job) => {
      try {
        await carryOutX007(deps, job);
        sent.push(job.forwardId);
        deps.onSent?.(job);
      } catch (e) {
        deps.onFailure?.(job, finalFailure(e, job));
        throw e;
      }
    },
    describe: (j) => ({ forwardId: j.forwardId, caseId: j.caseId, institutionId: j.institutionId, documentId: j.documentId, attempts: j.attempts }),
    event: 'rina.x007', noun: 'X007',
  });
  return async () => {
    sent.length = 0;
    const more = await relay();
    await ticketFailures(deps);
    if (sent.length > 0 && deps.resolveTickets) {
      try {
        await deps.resolveTickets(sent.splice(0));
      } catch (e) {
        // The pipeline watch's sweep resolves them later: a failed follow-up never stops the relay.
        deps.logger.warn('X007 failure tickets not resolved after the X007 was sent; the pipeline watch will', { event: 'rina.x007_ticket_follow_up_failed', error: String((e as Error)?.message ?? e) });
      }
    }
    return more;
  };
}
