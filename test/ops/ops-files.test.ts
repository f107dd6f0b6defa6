/**
 * The shipped Prometheus rules and Grafana dashboard name only metrics the service really exports on /metrics
 * (a renamed metric would silently disable an alert), and both files parse; and the backlog gauge does not count
 * forwards that nobody is to publish (no broker: institutions pull them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load, loadAll } from 'js-yaml';
import request from 'supertest';
import { startService, type Service } from '../../src/app/service';
import { configKeys, loadConfig } from '../../src/config/env';
import { silentLogger } from '../../src/shared/logger';
import { openPglite, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';

const OPS = path.join(__dirname, '..', '..', 'ops');

interface Rule { alert: string; expr: string; labels?: { severity?: string }; annotations?: { summary?: string } }
const rules = (load(readFileSync(path.join(OPS, 'prometheus-rules.yml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(path.join(OPS, 'grafana-dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };

/** Metric names in a PromQL expression: our prefix only (functions, labels and `up` are not ours). */
const metricNames = (expr: string): string[] =>
  [...expr.replace(/\{[^}]*\}/g, '').matchAll(/\bliaison_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));

describe('ops files', () => {
  let tdb: TestDatabase;
  let svc: Service;
  let exported: Set<string>;

  beforeAll(async () => {
    tdb = await openPglite();
    svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: 'test-bootstrap-token-0123456789' }), { db: tdb.db, logger: silentLogger(), listen: false, workers: false });
    const text = (await request(svc.app).get('/metrics')).text;
    exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
  }, 180_000);
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  it('alerts cover intake backlog, outbox backlog, quarantine rate, broker connection and SLA breaches', () => {
    const all = rules.map((r) => r.expr).join('\n');
    for (const m of ['liaison_work_queue_depth', 'liaison_outbox_backlog', 'liaison_envelopes_quarantined_total', 'liaison_broker_connected', 'liaison_helpdesk_escalations_total']) {
      expect(all).toContain(m);
    }
    for (const r of rules) {
      expect(r.alert).toMatch(/^Liaison[A-Za-z]+$/);
      expect(['info', 'warning', 'critical']).toContain(r.labels?.severity);
      expect(r.annotations?.summary).toBeTruthy();
    }
  });

  it('every metric named in the rules is exported', () => {
    const missing = rules.flatMap((r) => metricNames(r.expr).filter((m) => !exported.has(m)).map((m) => `${r.alert}: ${m}`));
    expect(missing).toEqual([]);
  });

  it('every metric named in the dashboard is exported', () => {
    const named = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr).map((m) => ({ panel: p.title, m }))));
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !exported.has(n.m)).map((n) => `${n.panel}: ${n.m}`)).toEqual([]);
  });

  it('does not cry wolf without a broker: pull-only forwards are no outbox backlog', async () => {
    const e = makeEnvelope({ caseId: 'C-PULL', documentId: 'pull1' });
    expect((await svc.intake.receive(Buffer.from(JSON.stringify(e)), 'http')).status).toBe('accepted');
    await svc.routingWorker.drain();
    const [{ n }] = await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM forwards WHERE published_at IS NULL AND status = 'pending'`);
    expect(n).toBe(1); // waiting for the institution to pull it, as it should
    expect((await request(svc.app).get('/metrics')).text).toMatch(/^liaison_outbox_backlog 0$/m);
  });

  it('the check itself sees an unknown name', () => {
    expect(metricNames('rate(liaison_no_such_metric_total[5m])').filter((m) => !exported.has(m))).toEqual(['liaison_no_such_metric_total']);
  });
});

describe('ops files for a cluster (ops/k8s/, RabbitMQ rules)', () => {
  type Doc = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
  const k8s = (file: string) => loadAll(readFileSync(path.join(OPS, 'k8s', file), 'utf8')) as Doc[];

  it('runs two replicas with readiness on /readyz, liveness on /healthz, sized resources and a PodDisruptionBudget', () => {
    const docs = k8s('eessi-liaison.yaml');
    const deployment = docs.find((d) => d.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBe(2);
    type Probe = { httpGet: { path: string } };
    type Container = { readinessProbe: Probe; livenessProbe: Probe; resources: { requests: { memory?: string }; limits: { memory?: string } }; env: Array<{ name: string; value?: string }> };
    const container = (deployment.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.resources.requests.memory).toBeTruthy();
    expect(container.resources.limits.memory).toBeTruthy();
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'AMQP_QUORUM_SIZE', value: '3' }]));
    // Every variable set is one the service reads (a typo would fail its start).
    const keys = new Set(configKeys());
    expect(container.env.map((e) => e.name).filter((n) => !keys.has(n))).toEqual([]);
    const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget')!;
    expect(pdb.spec.minAvailable).toBe(1);
  });

  it('names the engines with the settings that matter: 3 RabbitMQ nodes, a synchronous PostgreSQL standby', () => {
    const [rabbit] = k8s('rabbitmq-cluster.yaml');
    expect(rabbit.kind).toBe('RabbitmqCluster');
    expect(rabbit.spec.replicas).toBe(3);
    expect(JSON.stringify(rabbit.spec)).toContain('quorum_queue.initial_cluster_size = 3');
    const [pg] = k8s('postgres-cluster.yaml');
    expect(pg.kind).toBe('Cluster');
    expect(pg.spec.instances).toBe(2);
    expect(pg.spec.minSyncReplicas).toBe(1);
    expect((pg.spec.postgresql as { parameters: Record<string, string> }).parameters.synchronous_commit).toBe('on');
  });

  it('alerts on RabbitMQ node down, lost majority, queue without consumers, growing queue, unroutable messages and outbox age', () => {
    const byName = new Map(rules.map((r) => [r.alert, r.expr]));
    expect(byName.get('LiaisonRabbitmqNodeDown')).toContain('up{job="rabbitmq"}');
    expect(byName.get('LiaisonRabbitmqNoMajority')).toContain('< 2');
    expect(byName.get('LiaisonRabbitmqQueueWithoutConsumers')).toContain('rabbitmq_queue_consumers');
    expect(byName.get('LiaisonRabbitmqQueueGrowing')).toContain('rabbitmq_queue_messages_ready');
    expect(byName.get('LiaisonRabbitmqUnroutable')).toContain('unroutable');
    expect(byName.get('LiaisonOutboxOldForward')).toContain('liaison_outbox_oldest_age_seconds');
  });
});
