/**
 * An input whose storage keeps failing for a reason nobody foresaw (not the input's fault, not a dependency's) is
 * retried through the intake retry queue, each delivery counted, and on its last attempt kept in quarantine as
 * ITK_UNPROCESSABLE with the number of attempts: intake never loses it and never dead-letters it. The inputs
 * delivered in the same window are stored at once (the window falls back to one transaction per input).
 */
import { connect } from 'amqplib';
import { startService, type Service } from '../../src/app/service';
import { retryQueueName } from '../../src/bus/retry-queue';
import type { TopologyNames } from '../../src/bus/topology';
import { loadConfig } from '../../src/config/env';
import { silentLogger } from '../../src/shared/logger';
import { Inspector, testNames, waitFor } from '../bus/support';
import { openPglite, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { FlakyDatabase } from '../helpers/flaky-db';
import { amqpEnv } from '../helpers/service-env';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';

const AMQP_URL = amqpUrlOrSkip();
const MAX_ATTEMPTS = 3;

describeIf(AMQP_URL)('an input that keeps failing for an unexpected reason (liaison.intake)', () => {
  let tdb: TestDatabase;
  let flaky: FlakyDatabase;
  let svc: Service;
  let names: TopologyNames;
  let inspector: Inspector;

  beforeAll(async () => {
    tdb = await openPglite();
    flaky = new FlakyDatabase(tdb.db);
    inspector = await Inspector.open(AMQP_URL!);
    names = testNames();
    const env = {
      ...amqpEnv(AMQP_URL!, names, `test-unprocessable-${names.intake}`),
      INTAKE_MAX_ATTEMPTS: String(MAX_ATTEMPTS), INTAKE_RETRY_INITIAL_MS: '50', INTAKE_RETRY_MAX_MS: '200',
    };
    svc = await startService(loadConfig(env), { db: flaky, logger: silentLogger(), listen: false, workers: false });
    await waitFor(() => svc.amqp!.broker.isConnected(), 10_000, 'broker connection');
  });
  afterAll(async () => {
    await svc.stop();
    await inspector.deleteTopology(names);
    await inspector.close();
    await tdb.close();
  });

  it(`retries it ${MAX_ATTEMPTS} times, then keeps it in quarantine as ITK_UNPROCESSABLE; its window's other inputs are stored at once`, async () => {
    const broken = makeEnvelope({ caseId: 'C-DEFECT-1', documentId: 'defect1' });
    const good = [1, 2].map((n) => makeEnvelope({ caseId: `C-FINE-${n}`, documentId: `fine${n}` }));
    // Storing the broken envelope fails every time (its id among a statement's values), whatever else is stored with it.
    flaky.defective = (text, params) => /INSERT INTO envelopes/.test(text) && JSON.stringify(params).includes(broken.envelopeId);

    const conn = await connect(AMQP_URL!);
    const ch = await conn.createConfirmChannel();
    for (const e of [good[0], broken, good[1]]) ch.sendToQueue(names.intake, Buffer.from(JSON.stringify(e)), { messageId: e.envelopeId, persistent: true });
    await ch.waitForConfirms();
    await conn.close();

    const quarantined = async () => tdb.db.query<{ error_code: string; message: string; envelope_id: string | null }>(
      'SELECT error_code, message, envelope_id FROM quarantine');
    await waitFor(async () => (await quarantined()).length === 1, 30_000, 'the broken input in quarantine');
    const [q] = await quarantined();
    expect(q).toEqual({ error_code: 'ITK_UNPROCESSABLE', envelope_id: broken.envelopeId, message: expect.stringContaining(`failed ${MAX_ATTEMPTS} times`) });
    expect(q.message).toContain('injected defect');

    const stored = await tdb.db.query<{ envelope_id: string }>('SELECT envelope_id FROM envelopes ORDER BY envelope_id');
    expect(stored.map((r) => r.envelope_id)).toEqual(good.map((e) => e.envelopeId).sort());
    // One failure per delivery at least (the first window's statement, then the input alone).
    expect(flaky.defects).toBeGreaterThanOrEqual(MAX_ATTEMPTS);
    await waitFor(async () => (await inspector.messageCount(names.intake)) === 0 && (await inspector.messageCount(retryQueueName(names.intake))) === 0,
      10_000, 'nothing left to deliver');
    expect(await inspector.messageCount(names.dead)).toBe(0);
  });
});
