/**
 * The retry queue of a work queue: messages wait there for their per-message TTL (`expiration`), then the broker
 * dead-letters them back into the work queue (at-least-once). Nothing consumes it, so a message waiting for its
 * retry holds no prefetch slot. Per-message TTLs expire from the head: a short delay may wait behind a longer one,
 * at most the longest retry delay. Replicated like its work queue (`quorumInitialGroupSize`, see QueuePolicy).
 */
export function retryQueueArguments(workQueue: string, quorumInitialGroupSize?: number): Record<string, unknown> {
  return {
    ...quorumQueueType(quorumInitialGroupSize),
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': workQueue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export function retryQueueName(workQueue: string): string {
  return `${workQueue}.retry`;
}

/**
 * `x-queue-type: quorum`, with `x-quorum-initial-group-size` when a replication factor is configured (absent, the
 * broker puts a member on every cluster node). The broker refuses to redeclare a queue with another value
 * (PRECONDITION_FAILED): a change applies to new queues only.
 */
export function quorumQueueType(quorumInitialGroupSize?: number): Record<string, unknown> {
  return quorumInitialGroupSize === undefined
    ? { 'x-queue-type': 'quorum' }
    : { 'x-queue-type': 'quorum', 'x-quorum-initial-group-size': quorumInitialGroupSize };
}
