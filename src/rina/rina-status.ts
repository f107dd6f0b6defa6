/**
 * GET /api/rina/status (docs/contract.md §7): whether the CPI answers, how many events wait (and since when), how many
 * X007s wait or failed. The CPI is asked at most every `pingEveryMs` (a console badge polls this; each check is a
 * CAS login). /readyz never depends on RINA: a RINA outage makes events wait, it does not stop the service.
 */
import type { Clock } from '../shared/clock';
import type { CpiPort } from './cpi-port';
import type { RinaEventCounts, RinaMetrics } from './rina-metrics';

export interface RinaStatus {
  cpi: { reachable: boolean; checkedAt: string };
  events: { waiting: number; failed: number; done: number; oldestWaitingSeconds: number | null; late: boolean; maxWaitSeconds: number };
  /** X007 jobs by state (pending, created, sent, failed, cancelled), filled by the forward-out half; null without it. */
  x007: Record<string, number> | null;
}

export interface RinaStatusDeps {
  cpi: CpiPort;
  events: () => Promise<RinaEventCounts>;
  /** The hook of the forward-out half: X007 jobs by state. */
  x007Counts?: () => Promise<Record<string, number>>;
  clock: Clock;
  maxWaitSeconds: number;
  pingEveryMs?: number;
  metrics?: RinaMetrics;
}

export class RinaStatusService {
  private last: { reachable: boolean; at: Date } | undefined;
  private pending: Promise<{ reachable: boolean; at: Date }> | undefined;

  constructor(private readonly deps: RinaStatusDeps) {}

  async status(): Promise<RinaStatus> {
    const [cpi, events, x007] = await Promise.all([this.reachability(), this.deps.events(), this.deps.x007Counts?.() ?? Promise.resolve(null)]);
    const now = this.deps.clock.now();
    const oldest = events.oldestWaitingAt ? Math.max(0, Math.round((now.getTime() - events.oldestWaitingAt.getTime()) / 1000)) : null;
    return {
      cpi: { reachable: cpi.reachable, checkedAt: cpi.at.toISOString() },
      events: { waiting: events.waiting, failed: events.failed, done: events.done, oldestWaitingSeconds: oldest, late: oldest !== null && oldest > this.deps.maxWaitSeconds, maxWaitSeconds: this.deps.maxWaitSeconds },
      x007,
    };
  }

  private async reachability(): Promise<{ reachable: boolean; at: Date }> {
    const now = this.deps.clock.now();
    if (this.last && now.getTime() - this.last.at.getTime() < (this.deps.pingEveryMs ?? 15_000)) return this.last;
    this.pending ??= this.deps.cpi.ping().then((reachable) => {
      this.last = { reachable, at: this.deps.clock.now() };
      this.deps.metrics?.cpiReachable.set(reachable ? 1 : 0);
      return this.last;
    }).finally(() => { this.pending = undefined; });
    return this.pending;
  }
}
