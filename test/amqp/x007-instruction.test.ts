/**
 * With RINA_URL, a forward the service carries out in RINA itself (an X007 job: a case from RINA) gets no
 * liaison.rina instruction, while its forward message goes out as always; a case from another channel keeps its
 * instruction (CONTRACT §4, §7). Real RabbitMQ on PostgreSQL (PGlite when PostgreSQL is not reachable), the RINA
 * simulator; both the hand-over path (routing → relay in memory) and the claim path (after a broker outage).
 */
import type { TopologyNames } from '../../src/bus/topology';
import { institutionQueueName } from '../../src/bus/topology';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import type { Via } from '../../src/intake/intake-service';
import { silentLogger } from '../../src/shared/logger';
import { RinaSimulator } from '../../scripts/rina-sim/server';
import { Inspector, testNames, waitFor } from '../bus/support';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { amqpEnv } from '../helpers/service-env';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { TcpProxy } from '../helpers/tcp-proxy';

const AMQP_URL = amqpUrlOrSkip();
const [driver] = storageDrivers().slice(-1);

describeIf(AMQP_URL)(`the liaison.rina instruction with RINA_URL (${driver[0]})`, () => {
  let tdb: TestDatabase;
  let svc: Service;
  let sim: RinaSimulator;
  let names: TopologyNames;
  let inspector: Inspector;
  let proxy: TcpProxy;

  beforeAll(async () => {
    tdb = await driver[1]();
    inspector = await Inspector.open(AMQP_URL!);
    const u = new URL(AMQP_URL!);
    proxy = new TcpProxy(u.hostname, Number(u.port || 5672));
    await proxy.up();
    sim = new RinaSimulator();
    await sim.start();
    names = testNames();
    svc = await startService(loadConfig({
      ...amqpEnv(proxy.urlThrough(AMQP_URL!), names, `test-x007-${names.intake}`), RINA_URL: sim.url, RINA_USER: 'liaison', RINA_PASSWORD: 'liaison-secret',
    }), { db: tdb.db, logger: silentLogger(), listen: false });
    await waitFor(() => svc.amqp!.broker.isConnected(), 10_000, 'broker connection');
  });
  afterAll(async () => {
    await svc.stop();
    await inspector.deleteTopology(names, [institutionQueueName(names, 'FR:CARSATRA1')]);
    await inspector.close();
    await proxy.down();
    await sim.stop();
    await tdb.close();
  });

  const published = async () => (await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM forwards WHERE published_at IS NOT NULL'))[0].n;
  const take = async (caseId: string, via: Via, documentId = `${caseId}d1`) => {
    const r = await svc.intake.receive(Buffer.from(JSON.stringify(makeEnvelope({ caseId, documentId }))), via);
    expect(r.status).toBe('accepted');
    svc.routingWorker.kick();
  };

  it('sends no instruction for a case from RINA (handed over or claimed after an outage), one for a case from elsewhere', async () => {
    const fromRina = sim.addCase({ bucType: 'P_BUC_01' }).id;
    await take(fromRina, 'rina');
    await take('C-HTTP-1', 'http');
    await waitFor(async () => (await published()) === 2, 20_000, 'two forwards published');
    await proxy.down(); // the next forward is committed while the broker is away, then claimed from the database
    const later = sim.addCase({ bucType: 'P_BUC_01' }).id;
    await take(later, 'rina');
    await waitFor(async () => (await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM forwards WHERE case_id = $1`, [later]))[0].n === 1, 20_000, 'third forward committed');
    await proxy.up();
    await waitFor(async () => (await published()) === 3, 30_000, 'third forward published after the outage');

    const forwards = await inspector.drain(institutionQueueName(names, 'FR:CARSATRA1'));
    expect(forwards.map((m) => JSON.parse(m.content.toString()).caseId).sort()).toEqual(['C-HTTP-1', fromRina, later].sort());
    const instructions = await inspector.drain(names.rinaForwardCase);
    expect(instructions.map((m) => JSON.parse(m.content.toString()).caseId)).toEqual(['C-HTTP-1']);
    await waitFor(async () => sim.x007s.filter((x) => x.status === 'sent').length === 2, 30_000, 'both X007s sent by the service itself');
  }, 120_000);
});
