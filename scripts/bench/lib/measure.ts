/** Timing helpers of the benchmark sections: per-call samples, quantiles, rounding. */
import { performance } from 'node:perf_hooks';

export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** The q-quantile (0–1) of ascending samples. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export interface Timing {
  samples: number;
  medianUs: number;
  p90Us: number;
  p99Us: number;
  perSecond: number;
}

/** Times `fn` once per item, `passes` times over the items. */
export function timeEach<T>(items: readonly T[], passes: number, fn: (item: T) => unknown, onProgress?: (done: number, total: number) => void): Timing {
  const samples = new Float64Array(items.length * passes);
  let k = 0;
  let sink = 0; // keeps results alive so that the work cannot be optimised away
  const started = performance.now();
  for (let p = 0; p < passes; p += 1) {
    for (const item of items) {
      const t0 = process.hrtime.bigint();
      if (fn(item) !== undefined) sink += 1;
      samples[k] = Number(process.hrtime.bigint() - t0) / 1000;
      k += 1;
      if (k % 5000 === 0 && k < samples.length) onProgress?.(k, samples.length);
    }
  }
  const elapsedMs = performance.now() - started;
  onProgress?.(samples.length, samples.length);
  if (sink !== samples.length) throw new Error('a benchmarked call returned nothing');
  samples.sort();
  return {
    samples: samples.length, medianUs: round(quantile(samples, 0.5)), p90Us: round(quantile(samples, 0.9)), p99Us: round(quantile(samples, 0.99)),
    perSecond: Math.round(samples.length / (elapsedMs / 1000)),
  };
}
