/**
 * A stale tab (issue #20): an operator has the same case in triage open in two tabs; the first forwards it; the
 * second's forward is refused by the service (409: the case is no longer in triage), and the second tab says in
 * French that the case changed, with a button that reloads it as it is now (forwarded, no action left to take).
 */
import { ACCOUNTS, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';
import { orphan } from './seed';

jest.setTimeout(180_000);

describe('console: a stale tab', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness();
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  const forward = async (page: import('playwright-core').Page, caseId: string) => {
    await page.getByRole('button', { name: /^Transférer/ }).click();
    const dialog = page.getByRole('dialog', { name: `Transférer le dossier ${caseId}` });
    await dialog.getByLabel(/Rechercher une institution/).fill('Rhône-Alpes');
    await dialog.getByRole('radio', { name: /^Carsat Rhône-Alpes FR:CARSATRA1/ }).check();
    await dialog.getByRole('button', { name: 'Transférer à Carsat Rhône-Alpes' }).click();
    await dialog.getByRole('button', { name: 'Confirmer le transfert' }).click();
    return dialog;
  };

  it('refuses the second tab\'s forward and says in French that the case changed, offering to reload it', async () => {
    await h.send(orphan('5590001'));
    const { context, page: first, errors } = await h.open(ACCOUNTS.operator, { path: '/cases/5590001' });
    await first.getByText(/Vous traitez ce dossier/).waitFor();
    const second = await context.newPage();
    second.setDefaultTimeout(20_000);
    second.on('pageerror', (e) => errors.push(`second tab: ${e.message}`));
    await second.goto('/cases/5590001');
    await second.getByText(/Vous traitez ce dossier/).waitFor();
    await h.step(second, 'second-tab-open');

    await forward(first, '5590001');
    await first.getByText('Dossier 5590001 transféré à Carsat Rhône-Alpes (FR:CARSATRA1).').waitFor();

    const dialog = await forward(second, '5590001');
    const stale = dialog.locator('.stale-case');
    await stale.getByText('Le dossier a changé').waitFor();
    await stale.getByText(/Ce dossier a changé depuis que vous l’avez ouvert .* votre action n’a pas été faite\./).waitFor();
    expect(await stale.locator('code').textContent()).toBe('TRI_NOT_IN_TRIAGE');
    await h.step(second, 'second-tab-refused');

    await stale.getByRole('button', { name: 'Recharger le dossier' }).click();
    await second.getByRole('heading', { level: 1, name: /Dossier 5590001/ }).waitFor();
    await second.getByText(/FR:CARSATRA1/).first().waitFor();
    expect(await second.getByRole('button', { name: /^Transférer/ }).count()).toBe(0);
    await h.step(second, 'second-tab-reloaded');
    // The case went once, where the first tab sent it.
    const c = (await h.api('GET', '/api/cases/5590001')).body as { status: string; institutionId: string; forwards: unknown[] };
    expect([c.status, c.institutionId, c.forwards.length]).toEqual(['forwarded', 'FR:CARSATRA1', 1]);
    expect(errors).toEqual([]);
  });
});
