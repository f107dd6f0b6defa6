/** Prometheus metrics of SEDs in from RINA, registered on the service's registry (GET /metrics). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

function single<M>(registry: Registry, name: string, make: () => M): M {
  // One registry per process, but the service may be started more than once on it (tests): reuse.
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export interface RinaEventCounts {
  waiting: number;
  failed: number;
  done: number;
  /** When the oldest waiting event was received (null: none waits). */
  oldestWaitingAt: Date | null;
}

/** `counts` reads the events from the database when Prometheus scrapes (every instance reports the shared state). */
export function createRinaMetrics(registry: Registry, counts: () => Promise<RinaEventCounts>, now: () => Date) {
  return {
    eventsReceived: single(registry, 'liaison_rina_events_received_total', () => new Counter({
      name: 'liaison_rina_events_received_total', help: 'RINA document events received on POST /api/rina/events, by outcome (stored, duplicate, ignored, quarantined)',
      labelNames: ['outcome'], registers: [registry],
    })),
    eventsTaken: single(registry, 'liaison_rina_events_taken_total', () => new Counter({
      name: 'liaison_rina_events_taken_total', help: 'RINA documents read through the CPI and handed to intake, by intake outcome (accepted, duplicate, quarantined); retry and failed when the CPI did not serve them',
      labelNames: ['outcome'], registers: [registry],
    })),
    events: single(registry, 'liaison_rina_events', () => new Gauge({
      name: 'liaison_rina_events', help: 'RINA document events by state (waiting for the CPI, failed: not found after retries)', labelNames: ['state'], registers: [registry],
      async collect() {
        const c = await counts().catch(() => undefined);
        if (!c) return;
        this.set({ state: 'waiting' }, c.waiting);
        this.set({ state: 'failed' }, c.failed);
      },
    })),
    oldestWaiting: single(registry, 'liaison_rina_events_oldest_waiting_seconds', () => new Gauge({
      name: 'liaison_rina_events_oldest_waiting_seconds', help: 'Age of the oldest RINA event still waiting to be taken in (0: none waits)', registers: [registry],
      async collect() {
        const c = await counts().catch(() => undefined);
        if (c) this.set(c.oldestWaitingAt ? Math.max(0, (now().getTime() - c.oldestWaitingAt.getTime()) / 1000) : 0);
      },
    })),
    cpiCalls: single(registry, 'liaison_rina_cpi_call_duration_seconds', () => new Histogram({
      name: 'liaison_rina_cpi_call_duration_seconds', help: 'CPI calls by name and HTTP status (0: no answer)', labelNames: ['call', 'status'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
    })),
    cpiReachable: single(registry, 'liaison_rina_cpi_reachable', () => new Gauge({
      name: 'liaison_rina_cpi_reachable', help: '1 when the last CPI login or call of this instance got an answer, 0 when not', registers: [registry],
    })),
  };
}

export type RinaMetrics = ReturnType<typeof createRinaMetrics>;
