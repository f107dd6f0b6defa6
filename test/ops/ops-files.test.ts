/**
 * The shipped Prometheus rules and Grafana dashboard name only metrics the service really exports on /metrics
 * (a renamed metric would silently disable an alert), and both files parse; and the backlog gauge does not count
 * forwards that nobody is to publish (no broker: institutions pull them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import request from 'supertest';
import { startService, type Service } from '../../src/app/service';
import { loadConfig } from '../../src/config/env';
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
