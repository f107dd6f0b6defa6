/**
 * What the case pipeline (routing, forwarding, triage) needs from storage. Every method of CaseWriter runs
 * inside one transaction, so a routing decision, its forward (outbox) and the case state commit together.
 */
import type { Envelope } from '../intake/envelope';

export type CaseStatus = 'forwarded' | 'triage' | 'returned';
export type ForwardStatus = 'pending' | 'accepted' | 'rejected' | 'superseded';
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

export interface CaseWriter {
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
}

export interface CaseStore {
  inTransaction<T>(fn: (w: CaseWriter) => Promise<T>): Promise<T>;
}

/** Work handed between stages; the item is claimed and completed in the same transaction as `fn`. */
export interface StageQueue {
  processNext<T>(stage: string, fn: (w: CaseWriter, ref: string) => Promise<T>): Promise<{ done: boolean; ref?: string; result?: T; error?: unknown }>;
}
