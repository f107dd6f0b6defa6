/**
 * report.ready on a real RabbitMQ: each new report version is announced once on the notifications exchange, from
 * the report_versions outbox after a broker confirm; a failed publish leaves it pending, retried later.
 */
import { connect } from 'amqplib';
import type { Broker } from '../../src/bus/broker';
import { startReports, type Reports } from '../../src/app/reports';
import { loadHelpdeskConfig } from '../../src/helpdesk/helpdesk-config';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { PgReportOutbox } from '../../src/store/report-version-repository';
import { reportRelayStep } from '../../src/reporting/report-notices';
import { openPglite, type TestDatabase } from '../helpers/db';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { Inspector, newBroker, testNames } from '../bus/support';
import { CONFIG_DIR } from '../helpdesk-store/support';
import { paris } from './seed-month';

const AMQP_URL = amqpUrlOrSkip();

describeIf(AMQP_URL)('report.ready on RabbitMQ', () => {
  let inspector: Inspector;
  let tdb: TestDatabase;
  let broker: Broker;
  let names: ReturnType<typeof testNames>;
  let reports: Reports;
  const clock = new FixedClock(paris('2027-04-01T06:00:00'));
  const listener = () => `${names.notifications}.report-listener`;

  beforeAll(async () => {
    inspector = await Inspector.open(AMQP_URL!);
    tdb = await openPglite();
    names = testNames();
    broker = newBroker(AMQP_URL!, names);
    await broker.start();
    const conn = await connect(AMQP_URL!);
    const ch = await conn.createChannel();
    await ch.assertQueue(listener(), { durable: false });
    await ch.bindQueue(listener(), names.notifications, 'report.#');
    await conn.close();
    reports = startReports({ db: tdb.db, clock, logger: silentLogger(), configDir: CONFIG_DIR, calendars: loadHelpdeskConfig(CONFIG_DIR).calendars, bus: broker, scheduler: false, monthlyCron: '0 6 1 * *' });
  });
  afterAll(async () => {
    await reports?.stop();
    await broker?.close();
    await inspector?.deleteTopology(names, [listener()]);
    await inspector?.close();
    await tdb?.close();
  });

  it('announces the scheduled version once, with where to read it', async () => {
    await reports.jobs.monthly(clock.now());
    await reports.jobs.monthly(clock.now()); // nothing new: nothing announced again
    const messages = await inspector.drain(listener());
    expect(messages.map((m) => [m.fields.routingKey, m.properties.messageId])).toEqual([['report.ready', 'report:monthly:2027-03:v1']]);
    expect(JSON.parse(messages[0].content.toString())).toEqual({
      type: 'report.ready', kind: 'monthly', period: '2027-03', month: '2027-03', version: 1, generatedAt: '2027-04-01T04:00:00.000Z',
      trigger: 'scheduled', changes: 0,
      links: { json: '/api/reports/monthly/2027-03?version=1', html: '/api/reports/monthly/2027-03?version=1&format=html', csv: '/api/reports/monthly/2027-03?version=1&format=csv' },
    });
    const [row] = await tdb.db.query<{ notification: string; sent_at: Date }>(`SELECT notification, sent_at FROM report_versions`);
    expect(row.notification).toBe('sent');
  });

  it('keeps a notice whose publish failed pending, and sends it on a later round', async () => {
    await reports.service.generate({ kind: 'monthly', period: '2027-03', by: 'operator:alice', trigger: 'on-demand' });
    const failing = reportRelayStep({
      outbox: new PgReportOutbox(tdb.db), exchange: names.notifications, now: () => clock.now(), logger: silentLogger(), owner: 'relay-failing',
      bus: { isConnected: () => true, publish: () => Promise.reject(new Error('no confirm from the broker')) },
    });
    expect(await failing()).toBe(false);
    const [pending] = await tdb.db.query<{ notification: string; publish_attempts: number; last_error: string }>(
      `SELECT notification, publish_attempts, last_error FROM report_versions WHERE version = 2`);
    expect(pending).toEqual({ notification: 'pending', publish_attempts: 1, last_error: 'no confirm from the broker' });
    await reports.jobs.relayNotifications();
    expect(await inspector.drain(listener())).toEqual([]); // not due yet: retried after its back-off
    clock.set(new Date(clock.now().getTime() + 60_000));
    await reports.jobs.relayNotifications();
    const messages = await inspector.drain(listener());
    expect(messages.map((m) => m.properties.messageId)).toEqual(['report:monthly:2027-03:v2']);
    expect(JSON.parse(messages[0].content.toString())).toMatchObject({ version: 2, trigger: 'on-demand' });
  });
});
