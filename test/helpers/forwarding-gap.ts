/**
 * The gap in forwarding a fault caused (`npm run test:ha`): the longest pause between consecutive forward
 * publications, from the last one before the fault, within the fault's window (until the next fault, or the end).
 * The pause that spans the next fault belongs to that fault, unless nothing was published between the two faults:
 * then the first fault's outage lasted past the next one, and its gap runs to the first publication after it (to
 * `until` when there is none: a lower bound).
 * Times in ms, `published` sorted.
 */
export function gapAround(published: readonly number[], fault: number, until: number): number {
  const before = published.filter((t) => t <= fault).pop() ?? fault;
  const within = published.filter((t) => t > fault && t <= until);
  const after = published.find((t) => t > until);
  if (within.length === 0) return (after ?? until) - before;
  const series = [before, ...within];
  let gap = 0;
  for (let i = 1; i < series.length; i += 1) gap = Math.max(gap, series[i] - series[i - 1]);
  return gap;
}
