/**
 * The routing stage's orchestration of a batch, over the queue's statements (RoutingQueue): a batch claimed in
 * arrival order, skipping what another instance holds; per-case order across instances (an item with an earlier
 * item of its case held elsewhere is left for later, deferred, so a later SED of a case is never decided before an
 * earlier one); the cases locked and read; `route` decides in memory; its changes written and the items completed,
 * all in one transaction.
 *
 * A batch that fails is retried item by item, so that one poison item is backed off alone (the retry backoff of
 * shared/backoff.ts); an item after a failed one of the same case waits behind it.
 */
import type { CaseRecord } from '../cases/case-store';
import { nextAttemptAt, STAGE_RETRY } from '../shared/backoff';
import type { RoutingBatchOutcome, RoutingBatchResult, RoutingItem, RoutingQueue, RoutingQueueTransaction } from './routing-queue';

export type Route<T> = (items: RoutingItem[], cases: ReadonlyMap<string, CaseRecord>) => RoutingBatchResult<T>;

export interface RoutingBatchOptions {
  now: () => Date;
  /** When a failed item is due again, after `attempts` failures. */
  retryAt?: (now: Date, attempts: number) => Date;
}

const defaultRetryAt = (now: Date, attempts: number): Date => nextAttemptAt(now, attempts, STAGE_RETRY);

const casesOf = (items: ReadonlyArray<{ caseId: string | null }>): string[] => [...new Set(items.flatMap((i) => (i.caseId === null ? [] : [i.caseId])))];

async function batch<T>(
  tx: RoutingQueueTransaction, limit: number, only: number[] | null, route: Route<T>, now: Date, onClaim: (ids: number[]) => void,
): Promise<Omit<RoutingBatchOutcome<T>, 'failed'>> {
  const claimed = await tx.claimBatch(limit, now, only);
  onClaim(claimed.map((i) => i.workId));
  if (claimed.length === 0) return { claimed: 0, deferred: 0, results: [] };
  const earlier = await tx.earlierElsewhere(casesOf(claimed), claimed.map((i) => i.workId));
  const ready = claimed.filter((i) => i.caseId === null || !(i.workId > (earlier.get(i.caseId) ?? Infinity)));
  const readyCases = casesOf(ready).sort();
  const cases = readyCases.length > 0 ? await tx.lockCases(readyCases) : new Map<string, CaseRecord>();
  const items: RoutingItem[] = ready.map(({ caseId: _caseId, ...item }) => item);
  const { changes, results } = route(items, cases);
  await tx.complete(changes, now, items.map((i) => i.workId));
  return { claimed: claimed.length, deferred: claimed.length - ready.length, results };
}

/** After a failed batch: each item alone, in order; a failure backs that item off and holds its case's later items. */
async function oneByOne<T>(queue: RoutingQueue, ids: number[], route: Route<T>, batchError: unknown, opts: RoutingBatchOptions): Promise<RoutingBatchOutcome<T>> {
  const out: RoutingBatchOutcome<T> = { claimed: 0, deferred: 0, results: [], failed: [] };
  const queued = await queue.itemsOf(ids);
  const heldCases = new Set<string>();
  for (const id of ids) {
    const item = queued.get(id);
    if (!item) continue; // completed meanwhile
    if (item.caseId !== null && heldCases.has(item.caseId)) {
      out.deferred += 1;
      continue;
    }
    try {
      const r = await queue.transaction((tx) => batch(tx, 1, [id], route, opts.now(), () => undefined));
      out.claimed += r.claimed;
      out.deferred += r.deferred;
      out.results.push(...r.results);
    } catch (error) {
      if (item.caseId !== null) heldCases.add(item.caseId);
      out.failed.push({ envelopeId: item.envelopeId, error: ids.length === 1 ? batchError : error });
      const attempts = await queue.attemptsOf(id);
      await queue.deferItem(id, String((error as Error)?.message ?? error).slice(0, 500), (opts.retryAt ?? defaultRetryAt)(opts.now(), attempts + 1));
    }
  }
  return out;
}

/** Routes one batch of up to `limit` items; a failed batch falls back to one item at a time. */
export async function processRoutingBatch<T>(queue: RoutingQueue, limit: number, route: Route<T>, opts: RoutingBatchOptions): Promise<RoutingBatchOutcome<T>> {
  let claimedIds: number[] = [];
  try {
    const r = await queue.transaction((tx) => batch(tx, limit, null, route, opts.now(), (ids) => { claimedIds = ids; }));
    return { ...r, failed: [] };
  } catch (error) {
    if (claimedIds.length === 0) throw error; // nothing was claimed: the database itself failed
    return oneByOne(queue, claimedIds, route, error, opts);
  }
}
