/**
 * Drift watch notices on a real RabbitMQ, on PGlite and PostgreSQL: a live learned rule below the drift threshold
 * announces nothing; once it drifts, the check records one rules.learned-drift notice and the relay publishes it
 * (confirmed) on the notifications exchange; later checks while it keeps drifting send nothing more; when it is
 * no longer live its episode closes, and a new drift after that is announced again (episode 2).
 */
import { connect } from 'amqplib';
import request from 'supertest';
import type { Broker } from '../../src/bus/broker';
import { startDriftWatch, type DriftWatch } from '../../src/app/drift-watch';
import { startService, type Service } from '../../src/app/service';
import { loadConfig } from '../../src/config/env';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { Inspector, newBroker, testNames } from '../bus/support';

const AMQP_URL = amqpUrlOrSkip();
const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

/** Sickness, living in Belgium, no French reference: FALLBACK → triage NO_RULE. */
function belgian(caseId: string) {
  const e = makeEnvelope({ caseId, documentId: `dn-${caseId}`, bucType: 'S_BUC_01', sender: { institutionId: 'BE:INST000001', name: 'INAMI', country: 'BE' } });
  const person = (e.sed as Record<string, { InsuredPerson: Record<string, unknown> }>)[e.sedType].InsuredPerson;
  person.ResidenceAddress = { town: 'Bruxelles', postalCode: '1000', country: { value: ['BE'] } };
  return e;
}

jest.setTimeout(240_000);

describeIf(AMQP_URL)('drift watch notices on RabbitMQ', () => {
  describe.each(storageDrivers())('on %s', (_name, open) => {
    let tdb: TestDatabase;
    let svc: Service;
    let inspector: Inspector;
    let broker: Broker;
    let names: ReturnType<typeof testNames>;
    let watch: DriftWatch;
    const clock = new FixedClock('2026-11-20T10:00:00Z');
    const listener = () => `${names.notifications}.drift-listener`;

    beforeAll(async () => {
      tdb = await open();
      svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN, LEARNING_DRIFT_MIN_FORWARDS: '3', LEARNING_DRIFT_MAX_UNDONE_PERCENT: '20' }),
        { db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false });
      inspector = await Inspector.open(AMQP_URL!);
      names = testNames();
      broker = newBroker(AMQP_URL!, names);
      await broker.start();
      const conn = await connect(AMQP_URL!);
      const ch = await conn.createChannel();
      await ch.assertQueue(listener(), { durable: false });
      await ch.bindQueue(listener(), names.notifications, 'rules.#');
      await conn.close();
      watch = startDriftWatch({
        db: tdb.db, clock, logger: silentLogger(), learnedRules: svc.learnedRules, bus: broker, scheduler: false, cron: '*/15 * * * *',
        scheduleTimezone: 'Europe/Paris', noticeLease: { owner: 'drift-relay-test' },
      });
    }, 180_000);
    afterAll(async () => {
      await watch?.stop();
      await svc?.stop();
      await broker?.close();
      await inspector?.deleteTopology(names, [listener()]);
      await inspector?.close();
      await tdb?.close();
    });

    const send = async (ids: string[]) => {
      for (const id of ids) await svc.intake.receive(Buffer.from(JSON.stringify(belgian(id))), 'http');
      await svc.routingWorker.drain();
    };
    const publish = async (rules: unknown[], reason: string) => {
      const { version } = (await request(svc.app).get('/api/rules').set(auth)).body;
      await request(svc.app).put('/api/rules').set(auth).send({ rules, reason, basedOnVersion: version }).expect(201);
    };
    const notices = () => tdb.db.query<{ rule_id: string; episode: number; notification: string; ended_at: Date | null }>(
      'SELECT rule_id, episode, notification, ended_at FROM learned_rule_drift_notices ORDER BY rule_id, episode');
    let ruleId = '';
    let version = 0;

    it('a live learned rule below the threshold: the check records and sends nothing', async () => {
      const first = ['D1', 'D2', 'D3', 'D4', 'D5'];
      await send(first);
      for (const id of first) await request(svc.app).post(`/api/triage/${id}/assign`).set(auth).send({ institutionId: 'FR:CNSE00001' }).expect(200);
      const [candidate] = (await request(svc.app).get('/api/rules/candidates').set(auth).expect(200)).body.items;
      ruleId = candidate.rule.id;
      const rules = [...(await request(svc.app).get('/api/rules').set(auth)).body.rules];
      rules.splice(candidate.position, 0, candidate.rule);
      await publish(rules, 'learned rule, live');
      version = (await request(svc.app).get('/api/rules').set(auth)).body.version;
      await send(['E1', 'E2', 'E3']);
      const run = await watch.jobs.check(clock.now());
      expect(run).toEqual({ ran: true, result: { opened: [], closed: [] } });
      expect(await notices()).toEqual([]);
      expect(await inspector.drain(listener())).toEqual([]);
      expect((await request(svc.app).get('/api/rules/learned').set(auth).expect(200)).body.live).toEqual([
        { ruleId, forwards: 3, undone: 0, precision: 1, drifting: false, driftNoticeSentAt: null }]);
    });

    it('once it drifts: one notice, confirmed and marked; a second check sends no second one', async () => {
      const forwardId = (await request(svc.app).get('/api/cases/E1').set(auth).expect(200)).body.forwards[0].forwardId;
      await request(svc.app).post(`/api/forwards/${forwardId}/ack`).set(auth).send({ status: 'rejected', reason: 'not ours' }).expect(200);
      const run = await watch.jobs.check(clock.now());
      expect(run.ran && run.result.opened.map((n) => [n.ruleId, n.episode])).toEqual([[ruleId, 1]]);
      const messages = await inspector.drain(listener());
      expect(messages.map((m) => [m.fields.routingKey, m.properties.messageId])).toEqual([['rules.learned-drift', `learned-drift:${ruleId}:1`]]);
      const body = JSON.parse(messages[0].content.toString());
      expect(body).toEqual({
        type: 'rules.learned-drift', ruleId, ruleSetVersion: version, episode: 1, detectedAt: '2026-11-20T10:00:00.000Z',
        forwards: 3, undone: 1, undoneShare: 0.333, threshold: { minForwards: 3, maxUndoneShare: 0.2 },
        links: { learnedRules: '/api/rules/learned', rules: '/api/rules' },
      });
      expect(JSON.stringify(body)).not.toMatch(/Bruxelles|InsuredPerson|pin/i);
      expect(await notices()).toEqual([{ rule_id: ruleId, episode: 1, notification: 'sent', ended_at: null }]);
      const { live } = (await request(svc.app).get('/api/rules/learned').set(auth).expect(200)).body;
      expect(live).toEqual([expect.objectContaining({ ruleId, drifting: true, driftNoticeSentAt: '2026-11-20T10:00:00.000Z' })]);

      clock.set(new Date(clock.now().getTime() + 15 * 60_000));
      const again = await watch.jobs.check(clock.now());
      expect(again).toEqual({ ran: true, result: { opened: [], closed: [] } });
      await watch.jobs.relayNotifications();
      expect(await inspector.drain(listener())).toEqual([]);
      expect(await notices()).toHaveLength(1);
    });

    let withdrawn: unknown[] = [];
    it('a rule taken out of the table closes its episode, sending nothing', async () => {
      const table = (await request(svc.app).get('/api/rules').set(auth)).body;
      withdrawn = table.rules;
      await publish(table.rules.filter((r: { id: string }) => r.id !== ruleId), 'drifting rule withdrawn');
      const run = await watch.jobs.check(clock.now());
      expect(run).toEqual({ ran: true, result: { opened: [], closed: [ruleId] } });
      expect(await inspector.drain(listener())).toEqual([]);
      expect(await notices()).toEqual([{ rule_id: ruleId, episode: 1, notification: 'sent', ended_at: expect.any(Date) }]);
    });

    it('published again and still drifting: a new episode, announced once more', async () => {
      await publish(withdrawn, 'learned rule back');
      clock.set(new Date(clock.now().getTime() + 15 * 60_000));
      const run = await watch.jobs.check(clock.now());
      expect(run.ran && run.result.opened.map((n) => [n.ruleId, n.episode])).toEqual([[ruleId, 2]]);
      const messages = await inspector.drain(listener());
      expect(messages.map((m) => m.properties.messageId)).toEqual([`learned-drift:${ruleId}:2`]);
      expect((await notices()).map((n) => [n.episode, n.notification, n.ended_at === null])).toEqual([[1, 'sent', false], [2, 'sent', true]]);
    });
  });
});
