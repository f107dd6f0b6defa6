/**
 * A service process killed (SIGKILL) while it carries out an X007 in RINA: after the restart the case has exactly
 * one X007, sent. Two moments: just after RINA created the X007 (the process may not have recorded it), and while
 * the Send is in flight (RINA sends it after the process died). Real PostgreSQL, a real child process, the RINA
 * simulator in this process (slowed down, so the kill lands where intended).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { startService } from '../../src/app/service';
import type { Via } from '../../src/intake/intake-service';
import { silentLogger } from '../../src/shared/logger';
import { RinaSimulator } from '../../scripts/rina-sim/server';
import { sleep, waitFor } from '../bus/support';
import { openPostgres, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { TEST_TOKEN } from '../helpers/service-env';
import { describeIf, pgUrlOrSkip } from '../helpers/services';

const PG = pgUrlOrSkip();
const ROOT = path.join(__dirname, '..', '..');
const LYON = { PersonIdentification: { familyName: 'Martin', forename: 'Paul', dateBirth: '1958-03-02', sex: { value: ['01'] } }, ResidenceAddress: { town: 'Lyon', postalCode: '69003', country: { value: ['FR'] } } };

describeIf(PG)('kill -9 while an X007 is carried out in RINA', () => {
  let tdb: TestDatabase;
  let sim: RinaSimulator;
  let child: ChildProcess | undefined;
  /** Every process started, killed after each test whatever happened (none outlives the test). */
  const started: ChildProcess[] = [];
  const rinaEnv = () => ({ RINA_URL: sim.url, RINA_USER: 'liaison', RINA_PASSWORD: 'liaison-secret', RINA_MAX_ATTEMPTS: '1', RINA_TIMEOUT_MS: '5000' });

  beforeAll(async () => {
    tdb = await openPostgres();
    sim = new RinaSimulator();
    await sim.start();
  });
  afterEach(() => {
    for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
  afterAll(async () => {
    await sim.stop();
    await tdb.close();
  });
  beforeEach(async () => {
    await tdb.reset();
    sim.reset();
  });

  const stateOf = async (caseId: string) => (await tdb.db.query<{ state: string }>('SELECT state FROM rina_x007 WHERE case_id = $1', [caseId]))[0]?.state;

  /** A case from RINA, taken in and routed by a service without RINA_URL (no relay): its X007 job waits. */
  const caseWaitingForItsX007 = async () => {
    const c = sim.addCase({ bucType: 'P_BUC_01' });
    const svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TEST_TOKEN }), { db: tdb.db, logger: silentLogger(), listen: false, workers: false });
    try {
      const env = makeEnvelope({ caseId: c.id, documentId: c.documents.find((d) => d.direction === 'IN')!.id, person: LYON });
      expect((await svc.intake.receive(Buffer.from(JSON.stringify(env)), 'rina' as Via)).status).toBe('accepted');
      await svc.routingWorker.drain();
    } finally {
      await svc.stop();
    }
    expect(await stateOf(c.id)).toBe('pending');
    return c.id;
  };

  const startChild = async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', BOOTSTRAP_TOKEN: TEST_TOKEN, DATABASE_URL: tdb.url!, PORT: String(port), LOG_LEVEL: 'error', WORKER_POLL_MS: '50', ...rinaEnv() },
      stdio: 'ignore',
    });
    started.push(child);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)), 120_000, 'child service up');
  };
  const kill = async () => {
    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = undefined;
  };
  /** The next process, with its relay running: the X007 ends sent. */
  const restartUntilSent = async (caseId: string) => {
    sim.slow(0);
    const svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TEST_TOKEN, WORKER_POLL_MS: '50', ...rinaEnv() }), { db: tdb.db, logger: silentLogger(), listen: false });
    try {
      // The dead process's lease expires first (5 min): the relay takes the job over after it.
      await tdb.db.query(`UPDATE rina_x007 SET lease_until = now() - interval '1 second' WHERE case_id = $1 AND lease_until IS NOT NULL`, [caseId]);
      svc.x007.relay!.kick();
      await waitFor(async () => (await stateOf(caseId)) === 'sent', 30_000, 'X007 sent after the restart');
    } finally {
      await svc.stop();
    }
  };

  it('just after RINA created the X007: the next process sends that X007, not a second one', async () => {
    const caseId = await caseWaitingForItsX007();
    sim.slow(600);
    await startChild();
    await waitFor(() => sim.x007s.some((x) => x.caseId === caseId), 30_000, 'X007 created in RINA');
    await kill();
    expect(sim.x007s.map((x) => x.status)).toEqual(['created']);
    await restartUntilSent(caseId);
    expect(sim.x007s.filter((x) => x.caseId === caseId).map((x) => x.status)).toEqual(['sent']);
  }, 300_000);

  it('while the Send is in flight: RINA sends it after the process died, and the next process sends nothing more', async () => {
    const caseId = await caseWaitingForItsX007();
    sim.slow(800);
    await startChild();
    await waitFor(async () => (await stateOf(caseId)) === 'created', 30_000, 'X007 created and recorded');
    const reads = sim.stats.calls.getCase ?? 0;
    await waitFor(() => (sim.stats.calls.getCase ?? 0) > reads, 10_000, 'the case read again before the Send');
    await sleep(200); // the Send request is now waiting in the simulator
    await kill();
    await waitFor(() => sim.x007s.some((x) => x.caseId === caseId && x.status === 'sent'), 10_000, 'the Send landing after the kill');
    await restartUntilSent(caseId);
    expect(sim.x007s.filter((x) => x.caseId === caseId).map((x) => x.status)).toEqual(['sent']);
  }, 300_000);
});
