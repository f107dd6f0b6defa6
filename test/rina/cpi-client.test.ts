/** The CPI client against the RINA simulator: CAS login, session renewal, retries, 409 re-reads, 404s, timeouts. */
import { FixedClock } from '../../src/shared/clock';
import { CpiClient, type CpiClientOptions } from '../../src/rina/cpi-client';
import { CpiError } from '../../src/rina/cpi-port';
import { RinaSimulator } from '../../scripts/rina-sim/server';

const FAST = { initialMs: 5, maxMs: 20, factor: 2, jitter: 0 };

describe('CPI client against the RINA simulator', () => {
  let sim: RinaSimulator;
  let url: string;
  const clock = new FixedClock('2026-11-20T09:00:00Z');
  const client = (over: Partial<CpiClientOptions> = {}) =>
    new CpiClient({ baseUrl: url, user: 'liaison', password: 'liaison-secret', timeoutMs: 2000, maxAttempts: 3, retry: FAST, clock, ...over });

  beforeAll(async () => {
    sim = new RinaSimulator();
    url = await sim.start();
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.reset());

  it('logs in with CAS in three steps, once, and reads a case and its SED', async () => {
    const c = sim.addCase({ bucType: 'P_BUC_01' });
    const cpi = client();
    const rinaCase = await cpi.getCase(c.id);
    expect(rinaCase.processDefinitionName).toBe('P_BUC_01');
    expect(rinaCase.participants.map((p) => p.role)).toEqual(['CaseOwner', 'CounterParty']);
    const doc = rinaCase.documents.find((d) => d.direction === 'IN')!;
    const sed = await cpi.getDocument(c.id, doc.id);
    expect(Object.keys(sed)).toEqual([doc.type]);
    expect(rinaCase.actions.some((a) => a.documentType === 'X007' && a.operation === 'Create')).toBe(true);
    expect(sim.stats.logins).toBe(1);
  });

  it('logs in again after a 401 (session ended) and after 29 minutes', async () => {
    const c = sim.addCase();
    const cpi = client();
    await cpi.getCase(c.id);
    sim.expireSessions();
    await cpi.getCase(c.id);
    expect(sim.stats.sessionRefusals).toBe(1);
    expect(sim.stats.logins).toBe(2);
    clock.advance(29 * 60_000);
    await cpi.getCase(c.id);
    expect(sim.stats.logins).toBe(3);
    expect(sim.stats.sessionRefusals).toBe(1);
  });

  it('shares one login between concurrent calls', async () => {
    const c = sim.addCase();
    const cpi = client();
    await Promise.all(Array.from({ length: 10 }, () => cpi.getCase(c.id)));
    expect(sim.stats.logins).toBe(1);
  });

  it('creates and sends an X007 through "Forward Case", reading the case again after a 409', async () => {
    const c = sim.addCase();
    const cpi = client();
    const create = (await cpi.getCase(c.id)).actions.find((a) => a.documentType === 'X007' && a.operation === 'Create')!;
    const template = await cpi.getInitialDocument(c.id, create.id);
    const x007 = template.X007 as { CaseForwarding: Record<string, unknown> };
    x007.CaseForwarding.InstitutionToAdd = { institutionID: 'FR:CARSATMP1', institutionName: 'Carsat Midi-Pyrénées' };
    x007.CaseForwarding.reason = { value: ['01'] };
    sim.conflictOnce(c.id);
    const { id } = await cpi.putActionDocument(c.id, create.id, template);
    expect(sim.stats.conflictsServed).toBe(1);
    const send = (await cpi.getCase(c.id)).actions.find((a) => a.documentType === 'X007' && a.operation === 'Send' && a.documentId === id)!;
    await cpi.runAction(c.id, send.id);
    expect(sim.x007s).toEqual([expect.objectContaining({ caseId: c.id, documentId: id, status: 'sent', institutionToAdd: { institutionID: 'FR:CARSATMP1', institutionName: 'Carsat Midi-Pyrénées' }, reason: ['01'] })]);
  });

  it('answers a missing case or action with a non-retryable 404', async () => {
    const c = sim.addCase({ forwardCase: false });
    const cpi = client();
    await expect(cpi.getCase('999')).rejects.toMatchObject({ status: 404, retryable: false });
    await expect(cpi.runAction(c.id, `${c.id}_1_nothing`)).rejects.toMatchObject({ status: 404, retryable: false });
    expect((await cpi.getCase(c.id)).actions.some((a) => a.documentType === 'X007')).toBe(false);
  });

  it('retries 5xx with backoff, then gives up with a retryable error; a refused X007 is not retried', async () => {
    const c = sim.addCase();
    const cpi = client();
    sim.goDown(60);
    const err = await cpi.getCase(c.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CpiError);
    expect(err).toMatchObject({ status: 503, retryable: true });
    expect(sim.stats.downRefusals).toBe(3);
    sim.up();
    const create = (await cpi.getCase(c.id)).actions.find((a) => a.documentType === 'X007' && a.operation === 'Create')!;
    sim.refuseNextX007(c.id);
    await expect(cpi.putActionDocument(c.id, create.id, { X007: {} })).rejects.toMatchObject({ status: 400, retryable: false, answer: expect.stringContaining('refused') });
  });

  it('recovers when the CPI comes back within the attempts (connection resets included)', async () => {
    const c = sim.addCase();
    const cpi = client({ maxAttempts: 10, retry: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } });
    sim.goDown(0.3, 'reset');
    await expect(cpi.getCase(c.id)).resolves.toMatchObject({ id: c.id });
  });

  it('times out a slow answer and says so', async () => {
    const c = sim.addCase();
    const cpi = client({ timeoutMs: 100, maxAttempts: 1 });
    await cpi.ping();
    sim.slow(400);
    await expect(cpi.getCase(c.id)).rejects.toMatchObject({ status: 0, retryable: true, answer: expect.stringContaining('no answer within 100 ms') });
    sim.slow(0);
  });

  it('ping: true when CAS and the CPI answer, false when down or refused', async () => {
    expect(await client().ping()).toBe(true);
    expect(await client({ password: 'wrong' }).ping()).toBe(false);
    sim.goDown(60);
    expect(await client().ping()).toBe(false);
  });
});
