/**
 * The retry queue of a work queue: messages wait there for their per-message TTL (`expiration`), then the broker
 * dead-letters them back into the work queue (at-least-once). Nothing consumes it, so a message waiting for its
 * retry holds no prefetch slot. Per-message TTLs expire from the head: a short delay may wait behind a longer one,
 * at most the longest retry delay.
 */
export function retryQueueArguments(workQueue: string): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': workQueue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export function retryQueueName(workQueue: string): string {
  return `${workQueue}.retry`;
}
