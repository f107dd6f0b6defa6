/**
 * The routing stage's port: what it needs from storage (store/routing-queue.ts implements it).
 */
import type { CaseChanges, CaseRecord, StoredEnvelope } from '../cases/case-store';

/** One claimed routing work item with its envelope (absent when the envelope row is gone). */
export interface RoutingItem {
  workId: number;
  envelopeId: string;
  attempts: number;
  stored?: StoredEnvelope;
}

/** What the routing stage computed for a batch: the change set, and per item whatever the caller wants back. */
export interface RoutingBatchResult<T> {
  changes: CaseChanges;
  results: T[];
}

export interface RoutingBatchOutcome<T> {
  /** Items claimed (0: nothing to do). */
  claimed: number;
  results: T[];
  /** Items left for later because an earlier SED of their case is still waiting (per-case order). */
  deferred: number;
  /** Items that failed on their own (retried later with a backoff), by envelope id. */
  failed: Array<{ envelopeId: string; error: unknown }>;
}

/** A claimed item as the queue reads it: its case (null when the envelope row is gone) and its envelope. */
export interface ClaimedItem extends RoutingItem {
  caseId: string | null;
}

/**
 * The statements of one routing transaction, each named by intent; the orchestration (pipeline/routing-batch.ts)
 * decides what to run. A crash anywhere leaves the batch claimable.
 */
export interface RoutingQueueTransaction {
  /**
   * Claims up to `limit` due items in arrival order, skipping those another transaction holds (FOR UPDATE SKIP
   * LOCKED) and those with an earlier item of their case waiting for a retry; `only`: just these items.
   */
  claimBatch(limit: number, now: Date, only: readonly number[] | null): Promise<ClaimedItem[]>;
  /**
   * For each of these cases, the earliest waiting item the batch does not hold (another instance's). Empty on a
   * one-process database, where no other instance can hold an item.
   */
  earlierElsewhere(caseIds: readonly string[], heldIds: readonly number[]): Promise<Map<string, number>>;
  /** Locks the cases (the advisory locks of CaseWriter.lockCase, taken in one order: never a deadlock) and reads them. */
  lockCases(caseIds: readonly string[]): Promise<Map<string, CaseRecord>>;
  /** Writes the change set at `at` and completes (deletes) the items. */
  complete(changes: CaseChanges, at: Date, workIds: readonly number[]): Promise<void>;
}

/** The routing stage's hand-over queue (store/routing-queue.ts implements it). */
export interface RoutingQueue {
  transaction<T>(fn: (tx: RoutingQueueTransaction) => Promise<T>): Promise<T>;
  /** The items still queued among these, with their envelope and case (for the one-by-one fallback). */
  itemsOf(workIds: readonly number[]): Promise<Map<number, { envelopeId: string; caseId: string | null }>>;
  /** Attempts made so far on the item (0 when it is gone). */
  attemptsOf(workId: number): Promise<number>;
  /** Counts a failed attempt on the item, keeps its error and makes it due again at `availableAt`. */
  deferItem(workId: number, error: string, availableAt: Date): Promise<void>;
}
