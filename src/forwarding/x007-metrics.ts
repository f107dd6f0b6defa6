/** Prometheus metrics of the X007s carried out in RINA, registered on the service's registry (GET /metrics). */
import { Counter, Gauge, type Registry } from 'prom-client';
import { X007_STATES, type X007State } from './x007';

function single<M>(registry: Registry, name: string, make: () => M): M {
  // One registry per process, but the service may be started more than once on it (tests): reuse.
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

/** `counts` reads the jobs by state from the database when Prometheus scrapes (every instance reports the shared state). */
export function createX007Metrics(registry: Registry, counts: () => Promise<Record<X007State, number>>) {
  return {
    jobs: single(registry, 'liaison_rina_x007_jobs', () => new Gauge({
      name: 'liaison_rina_x007_jobs', help: 'X007 "Forward case" jobs by state (pending, created, sent, failed, cancelled)', labelNames: ['state'], registers: [registry],
      async collect() {
        const byState = await counts().catch(() => undefined);
        if (!byState) return;
        for (const state of X007_STATES) this.set({ state }, byState[state]);
      },
    })),
    sent: single(registry, 'liaison_rina_x007_sent_total', () => new Counter({ name: 'liaison_rina_x007_sent_total', help: 'X007s sent in RINA', registers: [registry] })),
    failures: single(registry, 'liaison_rina_x007_failures_total', () => new Counter({
      name: 'liaison_rina_x007_failures_total', help: 'Failed attempts to carry out an X007 in RINA; final="true" when no retry is left (the job is failed, a ticket opened)',
      labelNames: ['final'], registers: [registry],
    })),
  };
}
