/**
 * Runs `fn` on every item at once and waits for all of them; the items sorted by outcome, each list in the items'
 * order: those it did, and those it failed with their error. The outbox relays publish a batch this way (each
 * message confirmed or not on its own), then mark both lists.
 */
export async function settleEach<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<{ done: T[]; failed: Array<{ item: T; error: unknown }> }> {
  const settled = await Promise.allSettled(items.map(fn));
  const done: T[] = [];
  const failed: Array<{ item: T; error: unknown }> = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') done.push(items[i]);
    else failed.push({ item: items[i], error: s.reason });
  });
  return { done, failed };
}
