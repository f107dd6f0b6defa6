/**
 * What the case pipeline (routing, forwarding, triage) needs from storage. Every method of CaseWriter runs
 * inside one transaction, so a routing decision, its forward (outbox) and the case state commit together.
 */
import type { TransactionScope } from '../shared/transaction-scope';
import type { Envelope } from '../intake/envelope';

export type CaseStatus = 'forwarded' | 'triage' | 'returned';
export type ForwardStatus = 'pending' | 'accepted' | 'rejected' | 'superseded' | 'cancelled';
export type EnvelopeState = 'received' | 'forwarded' | 'triage' | 'returned';

export interface CaseRecord {
  caseId: string;
  bucType: string;
  senderInstitutionId: string;
  senderCountry: string;
  status: CaseStatus;
  institutionId: string | null;
  triageReason: string | null;
  triageSince: Date | null;
  triageDetail: Record<string, unknown> | null;
  returnReason: string | null;
  firstLegalDeliveryAt: Date;
}

export interface StoredEnvelope {
  envelope: Envelope;
  receivedAt: Date;
  state: EnvelopeState;
}

export interface DecisionRecord {
  caseId: string;
  envelopeId: string | null;
  outcome: 'forward' | 'triage' | 'return';
  institutionId: string | null;
  reason: string | null;
  ruleId: string | null;
  ruleSetVersion: number | null;
  directoryVersion: number | null;
  explanation: string;
  trace: unknown[];
  decidedAt: Date;
  decidedBy: string;
  note?: string | null;
}

export interface ForwardRecord {
  forwardId: string;
  caseId: string;
  envelopeId: string;
  institutionId: string;
  decisionId: number;
  ruleId: string | null;
  legalDeliveryAt: Date;
  status: ForwardStatus;
  createdAt: Date;
  rinaInstruction: boolean;
  publishedAt: Date | null;
  ackedAt: Date | null;
  ackReason: string | null;
}

/** One case event; `decision` names a decision of the same change set whose id goes into `data.decisionId`. */
export interface CaseEventRecord {
  caseId: string;
  envelopeId: string | null;
  at: Date;
  kind: string;
  data: Record<string, unknown>;
  decision?: string;
}

/** A decision of a change set, named by `key` so that forwards and events can refer to it before it has an id. */
export interface PlannedDecision extends DecisionRecord {
  key: string;
}

/** Who may publish a forward until when (the outbox relay's lease); set at creation for a hand-over in memory. */
export interface ForwardLease {
  owner: string;
  until: Date;
}

/**
 * A forward of a change set: its decision is an existing id or the key of a decision in the same set. With a
 * `lease`, it is created already leased to that relay (which gets it in memory, not from the database).
 */
export type PlannedForward = Omit<ForwardRecord, 'decisionId'> & { decision: number | string; lease?: ForwardLease };

/**
 * Everything one step of the case pipeline writes, computed in memory by the pure rules (decideForCase,
 * planForward) and written by the store in a few multi-row statements: each case once (its final state),
 * then decisions, forwards, events in order, and the envelopes' states.
 */
export interface CaseChanges {
  cases: CaseRecord[];
  decisions: PlannedDecision[];
  forwards: PlannedForward[];
  events: CaseEventRecord[];
  envelopeStates: Array<{ envelopeId: string; state: EnvelopeState }>;
}

export const emptyChanges = (): CaseChanges => ({ cases: [], decisions: [], forwards: [], events: [], envelopeStates: [] });

/** A forward held for the undo window (migration 017). */
export interface HeldForward {
  forwardId: string;
  envelopeId: string;
  institutionId: string;
  decisionId: number;
  releaseAt: Date;
}

export interface LatestDecision {
  decisionId: number;
  decidedBy: string;
  institutionId: string | null;
  cancelled: boolean;
}

export interface CaseWriter {
  /** The transaction this writer works in, for a follower whose change must commit with the case's (CaseFacts). */
  readonly scope: TransactionScope;
  /** Writes a change set (cases first, then decisions, forwards, events) at `at`; returns the decision ids by key. */
  apply(changes: CaseChanges, at: Date): Promise<Map<string, number>>;
  envelope(envelopeId: string): Promise<StoredEnvelope | undefined>;
  /** Serialises all work on one case (advisory lock held to the end of the transaction), then reads it. */
  lockCase(caseId: string): Promise<CaseRecord | undefined>;
  saveCase(c: CaseRecord, at: Date): Promise<void>;
  insertDecision(d: DecisionRecord): Promise<number>;
  insertForward(f: ForwardRecord): Promise<void>;
  setEnvelopeState(envelopeIds: string[], state: EnvelopeState): Promise<void>;
  envelopesOfCase(caseId: string, state?: EnvelopeState): Promise<Array<{ envelopeId: string; legalDeliveryAt: Date; state: EnvelopeState }>>;
  addEvent(caseId: string, kind: string, at: Date, data?: Record<string, unknown>, envelopeId?: string | null): Promise<void>;
  /** The forward, locked for update. */
  lockForward(forwardId: string): Promise<ForwardRecord | undefined>;
  ackForward(forwardId: string, status: 'accepted' | 'rejected', at: Date, by: string, reason: string | null): Promise<void>;
  /** Pending forwards of the case to this institution (a bounce rejects them all). */
  pendingForwardsOfCase(caseId: string, institutionId: string): Promise<ForwardRecord[]>;
  /** The running claim on a case in triage (claims that expired before `now` do not count). */
  claimOf(caseId: string, now: Date): Promise<{ by: string; until: Date } | undefined>;
  releaseClaim(caseId: string): Promise<void>;
  /** Marks the case's pending and accepted forwards to this institution superseded; answers their ids. */
  supersedeForwards(caseId: string, institutionId: string): Promise<string[]>;
  /** Holds these forwards until `releaseAt` (the undo window): neither relayed nor pulled before. */
  holdForwards(forwardIds: string[], releaseAt: Date): Promise<void>;
  /** The case's forwards still held at `now`, locked. */
  heldForwardsOfCase(caseId: string, now: Date): Promise<HeldForward[]>;
  /** Cancels forwards still held at `at`; answers the ids cancelled. */
  cancelHeldForwards(forwardIds: string[], at: Date): Promise<string[]>;
  /** Marks a decision undone (it no longer teaches the learning loop). */
  cancelDecision(decisionId: number, at: Date): Promise<void>;
  latestDecision(caseId: string): Promise<LatestDecision | undefined>;
  lastEventData(caseId: string, kind: string): Promise<Record<string, unknown> | undefined>;
}

export interface CaseStore {
  inTransaction<T>(fn: (w: CaseWriter) => Promise<T>): Promise<T>;
}

/**
 * What happened to a case that another part of the service follows (the help desk resolves the automatic ticket
 * it opened about the case): reported by forwarding and triage inside the transaction that made the change, so
 * the follow-up commits with it. What it returns is called once that transaction committed (e.g. to log).
 */
export type CaseFact =
  | { kind: 'forward-acknowledged'; caseId: string; forwardId: string; institutionId: string; status: 'accepted' | 'rejected'; at: Date }
  | { kind: 'left-triage'; caseId: string; outcome: 'assigned' | 'returned'; institutionId: string | null; at: Date };

export type CaseFactListener = (w: CaseWriter, fact: CaseFact) => Promise<(() => void) | void>;
