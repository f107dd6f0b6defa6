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

/**
 * The routing stage's hand-over queue. A batch is claimed in arrival order, skipping what another instance holds;
 * an item whose case has an earlier item still waiting is left for later (a later SED of a case is never decided
 * before an earlier one, whichever instance holds it). The cases are locked and read, `route` decides in memory,
 * and its changes are written and the items completed in the same transaction.
 */
export interface RoutingQueue {
  processBatch<T>(
    limit: number,
    route: (items: RoutingItem[], cases: ReadonlyMap<string, CaseRecord>) => RoutingBatchResult<T>,
  ): Promise<RoutingBatchOutcome<T>>;
}
