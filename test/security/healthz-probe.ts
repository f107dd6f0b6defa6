/**
 * "/healthz answers under 100 ms while heavy work runs" (issue #21), checked so that it holds on a loaded CI host
 * without being loose, and is never skipped. Chosen:
 *
 * - a baseline in the same run, the same process, the same probe, without the heavy work (after a half-second
 *   warm-up not counted): what the host gives a trivial request right now (a shared host at a load of 15 on 2
 *   cores delays every thread, heavy work or not);
 * - while the work runs: the 95th centile of /healthz under max(100 ms, baseline p95 + 50 ms): the service adds at
 *   most a scheduling hiccup, never the work's own duration (seconds: issue #21 measured 29.7 s for a draft);
 * - the event loop's delay (`perf_hooks.monitorEventLoopDelay`, this process is the service's) while the work runs:
 *   its slowest block under max(250 ms, baseline slowest + 200 ms), and its 99th centile under max(50 ms,
 *   baseline p99 + 50 ms). The loop itself is what heavy work on the service's thread holds: a block of the work's
 *   own length (the HTML of the bench's report took 200–900 ms on the loop) fails this bound, and the latencies of
 *   /healthz cannot hide it between two probes;
 * - each bound has a ceiling (250 ms, 750 ms, 250 ms) however bad the baseline, so a noisy baseline never makes
 *   the check loose.
 *
 * The figures are printed with SHOW_LATENCIES=1.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface HealthzRun {
  latencies: number[];
  loopMaxMs: number;
  loopP99Ms: number;
}

const centile = (xs: number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
};

/** Probes /healthz every 20 ms until `done()` (and at least `minMs`), watching the event loop meanwhile. */
export async function probeHealthz(base: string, done: () => boolean, minMs = 0): Promise<HealthzRun> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const latencies: number[] = [];
  const started = performance.now();
  while (!done() || performance.now() - started < minMs) {
    const t = performance.now();
    const h = await fetch(`${base}/healthz`);
    await h.text();
    latencies.push(performance.now() - t);
    if (h.status !== 200) throw new Error(`/healthz answered ${h.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  loop.disable();
  return { latencies, loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6 };
}

/** The baseline: /healthz and the loop for `ms` with nothing heavy running, after half a second not counted (the set-up's garbage collected, the probe's code compiled). */
export async function healthzBaseline(base: string, ms = 2000): Promise<HealthzRun> {
  await probeHealthz(base, () => true, 500);
  return probeHealthz(base, () => true, ms);
}

export interface HealthzBounds { p95: number; loopMax: number; loopP99: number }

/** A baseline this bad says the host cannot judge anything: the bounds stop growing with it (never loose). */
const CEILING = { p95: 250, loopMax: 750, loopP99: 250 };

export function healthzBounds(baseline: HealthzRun): HealthzBounds {
  return {
    p95: Math.min(CEILING.p95, Math.max(100, centile(baseline.latencies, 0.95) + 50)),
    loopMax: Math.min(CEILING.loopMax, Math.max(250, baseline.loopMaxMs + 200)),
    loopP99: Math.min(CEILING.loopP99, Math.max(50, baseline.loopP99Ms + 50)),
  };
}

/** Checks a run against its baseline (see the file's comment); `what` names the work in the figures printed. */
export function expectHealthzHeld(baseline: HealthzRun, during: HealthzRun, what: string): void {
  const bounds = healthzBounds(baseline);
  const figures = (r: HealthzRun) => `${r.latencies.length} answers, p95 ${centile(r.latencies, 0.95).toFixed(1)} ms, max ${Math.max(...r.latencies).toFixed(1)} ms; loop p99 ${r.loopP99Ms.toFixed(1)} ms, max ${r.loopMaxMs.toFixed(1)} ms`;
  if (process.env.SHOW_LATENCIES) {
    process.stdout.write(`${what}: baseline ${figures(baseline)}; during ${figures(during)}; bounds p95 ${bounds.p95.toFixed(0)}, loop max ${bounds.loopMax.toFixed(0)}, loop p99 ${bounds.loopP99.toFixed(0)} ms; load ${loadavg()[0].toFixed(1)}\n`);
  }
  expect(during.latencies.length).toBeGreaterThan(5);
  expect(centile(during.latencies, 0.95)).toBeLessThan(bounds.p95);
  expect(during.loopMaxMs).toBeLessThan(bounds.loopMax);
  expect(during.loopP99Ms).toBeLessThan(bounds.loopP99);
}
