/**
 * The forward carried out in RINA in the console (issue #19), in Chromium against the real service and the RINA
 * simulator: a case from RINA shows its X007's state on the case page; one that failed (the case offered no
 * Forward Case action) shows RINA's answer and its ticket, and an operator retries it once RINA offers the action
 * again: the X007 is then sent. The top bar's RINA badge says what waits on RINA.
 */
import type { Via } from '../../src/intake/intake-service';
import { RinaSimulator } from '../../scripts/rina-sim/server';
import { ACCOUNTS, HARNESS_START_MS, consoleDrivers, startConsoleHarness, type ConsoleHarness } from './harness';
import { lyon } from './seed';

jest.setTimeout(120_000);

const driver = consoleDrivers().includes('postgres') ? 'postgres' : 'pglite';

describe(`console: X007 in RINA (${driver})`, () => {
  let h: ConsoleHarness;
  let sim: RinaSimulator;
  beforeAll(async () => {
    sim = new RinaSimulator();
    const url = await sim.start();
    h = await startConsoleHarness({ driver, env: { RINA_URL: url, RINA_USER: 'liaison', RINA_PASSWORD: 'liaison-secret', RINA_MAX_ATTEMPTS: '1' } });
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
    await sim?.stop();
  });
  beforeEach(async () => {
    await h.reset();
    sim.reset();
  });

  /** A case in the simulator, its SED taken in as RINA's and routed, then the X007 relay's rounds. */
  const fromRina = async (forwardCase: boolean) => {
    const c = sim.addCase({ bucType: 'P_BUC_01', forwardCase });
    const env = { ...lyon(c.id), documentId: c.documents.find((d) => d.direction === 'IN')!.id };
    env.envelopeId = `${env.sedType}_${env.documentId}_${env.documentVersion}`;
    expect((await h.svc.intake.receive(Buffer.from(JSON.stringify(env)), 'rina' as Via)).status).toBe('accepted');
    await h.svc.routingWorker.drain();
    await h.svc.x007.relay!.drain(5);
    return c.id;
  };

  it('shows a sent X007 on the case page', async () => {
    const caseId = await fromRina(true);
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: `/cases/${caseId}` });
    const row = page.locator('[data-x007]');
    await row.getByText('envoyé').waitFor();
    await row.getByText(sim.x007s[0].documentId).waitFor();
    await page.locator('[data-rina="ok"]').waitFor(); // nothing waits on RINA
    await h.step(page, 'x007-sent');
    expect(errors).toEqual([]);
  });

  it('shows a failed X007 with RINA’s answer and its ticket, and an operator retries it', async () => {
    const caseId = await fromRina(false);
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: `/cases/${caseId}` });
    const row = page.locator('[data-x007]');
    await row.getByText('en échec').waitFor();
    await row.getByText(/Réponse de RINA : HTTP 404/).waitFor();
    await row.getByRole('link', { name: /^Ticket / }).waitFor();
    // The top bar's RINA badge: the CPI answers, one X007 failed.
    await page.locator('[data-rina="danger"]').waitFor();
    expect(await page.locator('.rina-badge').getAttribute('aria-label')).toContain('1 X007 en échec');
    await h.step(page, 'x007-failed');

    sim.setForwardCase(caseId, true);
    await row.getByRole('button', { name: 'Relancer l’X007' }).click();
    await page.locator('[data-x007-state="pending"]').waitFor();
    await h.step(page, 'x007-retried');
    await h.svc.x007.relay!.drain(5);
    expect(sim.x007s.map((x) => [x.caseId, x.status])).toEqual([[caseId, 'sent']]);
    await page.reload();
    await page.locator('[data-x007-state="sent"]').waitFor();
    await h.step(page, 'x007-sent-after-retry');
    expect(errors).toEqual([]);
  });
});
