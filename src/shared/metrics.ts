/** Prometheus metrics (prom-client), one registry per process; served on GET /metrics. */
import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Gauges read from the database when Prometheus scrapes (so every instance reports the shared state). */
export interface MetricSources {
  workQueueDepth?: () => Promise<Record<string, number>>;
  outboxBacklog?: () => Promise<number>;
  /** Live learned rules: forwards so far, precision, drifting (src/learning/learned-rules.ts). */
  outboxOldestAgeSeconds?: () => Promise<number>;
  learnedRules?: () => Promise<Array<{ ruleId: string; forwards: number; precision: number | null; drifting: boolean }>>;
}

type LearnedRow = { ruleId: string; forwards: number; precision: number | null; drifting: boolean };

/** One gauge per figure of the live learned rules, read together at scrape time. */
function learnedRuleGauges(registry: Registry, source: MetricSources['learnedRules']) {
  let rows: Promise<LearnedRow[]> | null = null;
  // The three gauges are collected one after the other in one scrape: one read serves them all.
  const read = () => {
    rows ??= (source ? source().catch(() => []) : Promise.resolve([])).finally(() => setTimeout(() => { rows = null; }, 1000).unref());
    return rows;
  };
  const gauge = (name: string, help: string, value: (r: LearnedRow) => number | null) => new Gauge({
    name, help, labelNames: ['rule'], registers: [registry],
    async collect() {
      if (!source) return;
      this.reset();
      for (const r of await read()) {
        const v = value(r);
        if (v !== null) this.set({ rule: r.ruleId }, v);
      }
    },
  });
  return {
    learnedRuleForwards: gauge('liaison_learned_rule_forwards', 'Forwards made so far by each live learned rule', (r) => r.forwards),
    learnedRulePrecision: gauge('liaison_learned_rule_precision', 'Share of a live learned rule\'s forwards neither bounced nor re-assigned', (r) => r.precision),
    learnedRuleDrifting: gauge('liaison_learned_rule_drifting', '1 when a live learned rule\'s forwards are undone beyond the drift threshold (LEARNING_DRIFT_*)', (r) => (r.drifting ? 1 : 0)),
  };
}

export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'liaison_' });
  const m = {
    registry,
    envelopesReceived: new Counter({ name: 'liaison_envelopes_received_total', help: 'Envelopes stored (first receipt)', labelNames: ['via'], registers: [registry] }),
    envelopesDuplicate: new Counter({ name: 'liaison_envelopes_duplicate_total', help: 'Envelopes received again with a known envelopeId', labelNames: ['via'], registers: [registry] }),
    envelopesQuarantined: new Counter({ name: 'liaison_envelopes_quarantined_total', help: 'Inputs rejected and kept in quarantine, by reason', labelNames: ['via', 'reason'], registers: [registry] }),
    intakeLatency: new Histogram({
      name: 'liaison_intake_duration_seconds', help: 'Time to validate and store one input', labelNames: ['via', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    routingDecisions: new Counter({ name: 'liaison_routing_decisions_total', help: 'Routing decisions by rule, outcome, institution and triage reason', labelNames: ['rule', 'outcome', 'institution', 'reason'], registers: [registry] }),
    forwardsPublished: new Counter({ name: 'liaison_forwards_published_total', help: 'Forwards confirmed by the broker', labelNames: ['institution'], registers: [registry] }),
    forwardAcks: new Counter({ name: 'liaison_forward_acks_total', help: 'Institution acknowledgements by status', labelNames: ['status'], registers: [registry] }),
    forwardBounces: new Counter({ name: 'liaison_forward_bounces_total', help: 'Forwards rejected by their institution, by the rule that chose it', labelNames: ['rule', 'institution'], registers: [registry] }),
    workQueueDepth: new Gauge({
      name: 'liaison_work_queue_depth', help: 'Items waiting per pipeline stage', labelNames: ['stage'], registers: [registry],
      async collect() {
        if (!sources.workQueueDepth) return;
        this.reset();
        for (const [stage, n] of Object.entries(await sources.workQueueDepth().catch(() => ({})))) this.set({ stage }, n);
      },
    }),
    outboxBacklog: new Gauge({
      name: 'liaison_outbox_backlog', help: 'Forwards committed and not yet confirmed by the broker (0 without a broker: institutions then pull their forwards over HTTP, nothing waits for a confirm)', registers: [registry],
      async collect() {
        if (sources.outboxBacklog) this.set(await sources.outboxBacklog().catch(() => 0));
      },
    }),
    outboxOldestAge: new Gauge({
      name: 'liaison_outbox_oldest_age_seconds', help: 'Age of the oldest forward committed and not yet confirmed by the broker (0 when none waits, and without a broker)', registers: [registry],
      async collect() {
        if (sources.outboxOldestAgeSeconds) this.set(await sources.outboxOldestAgeSeconds().catch(() => 0));
      },
    }),
    brokerConnected: new Gauge({ name: 'liaison_broker_connected', help: '1 when the AMQP connection is up', registers: [registry] }),
    ...learnedRuleGauges(registry, sources.learnedRules),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
