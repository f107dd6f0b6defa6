/**
 * The operator's triage workflows (issue #10), in Chromium against the real service on PGlite:
 * filter the queue; open a case, read its trace and facts (never in the URL or the title); forward it, see it
 * leave the queue and the institution receive it; return a case (and reopen it); keyboard only from the queue to
 * a forward. Each step is screenshotted and checked by axe.
 */
import { ACCOUNTS, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';
import { ORPHAN_PERSON, bounced, orphan, sendAged } from './seed';

jest.setTimeout(120_000);

describe('console: triage', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness();
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  const queueRows = (page: import('playwright-core').Page) => page.locator('table.queue-table tbody tr');
  /** Waits until the queue shows `n` rows (a filter's answer replaces the rows shown until then). */
  const rowCount = (page: import('playwright-core').Page, n: number) =>
    page.waitForFunction((want) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } })
      .document.querySelectorAll('table.queue-table tbody tr').length === want, n, { timeout: 20_000 });

  it('filters the queue by reason and sending country, oldest first, with counts and age colours', async () => {
    await sendAged(h, orphan('5510001'), 60);
    await h.send(orphan('5510002', { sender: { institutionId: 'BE:INAMI00001', name: 'INAMI', country: 'BE' } }));
    await bounced(h, '5510003');
    const { page, errors } = await h.open(ACCOUNTS.operator);
    await queueRows(page).first().waitFor();
    expect(await queueRows(page).count()).toBe(3);
    // Oldest first: the case sent 60 hours ago leads.
    await expect(queueRows(page).first().locator('.case-link').textContent()).resolves.toBe('5510001');
    await expect(page.getByRole('button', { name: /Aucune règle\s*2/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: /Refusé par l’institution\s*1/ }).count()).resolves.toBe(1);
    expect(await queueRows(page).first().getAttribute('class')).toMatch(/age-(old|overdue)/);
    await h.step(page, 'queue');

    await page.getByRole('button', { name: /Refusé par l’institution/ }).click();
    await page.waitForURL((u) => u.searchParams.getAll('reason').join() === 'BOUNCED');
    await page.locator('.case-link', { hasText: '5510003' }).waitFor();
    await rowCount(page, 1); // the unfiltered rows stay on screen until the filtered list arrives
    await h.step(page, 'filtered-bounced');

    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await page.getByLabel('Pays émetteur').selectOption('BE');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('senderCountry') === 'BE');
    await page.locator('.case-link', { hasText: '5510002' }).waitFor();
    await rowCount(page, 1);
    await h.step(page, 'filtered-country');
    expect(errors).toEqual([]);
  });

  it('opens a case and shows its trace, versions and key facts, never in the URL or the title', async () => {
    await h.send(orphan('5520001'));
    const { page, errors } = await h.open(ACCOUNTS.operator);
    await page.locator('.case-link', { hasText: '5520001' }).click();
    await page.getByRole('heading', { level: 1, name: /Dossier 5520001/ }).waitFor();
    const facts = page.getByRole('region', { name: 'Données clés du SED' });
    await facts.getByText(ORPHAN_PERSON.familyName).waitFor();
    await facts.getByText(ORPHAN_PERSON.forename).waitFor();
    await facts.getByText('02/04/1961').waitFor();
    await facts.getByText('65020461J555').waitFor();
    const decisions = page.getByRole('region', { name: 'Décisions de routage' });
    await decisions.getByText(/Trace complète : \d+ règles essayées/).first().waitFor();
    await decisions.getByText(/Règle [A-Z0-9-]+ : appliquée/).first().waitFor();
    await decisions.getByText(/Table de règles v1 · annuaire v1/).first().waitFor();
    await page.getByText(/Vous traitez ce dossier jusqu’à/).waitFor();
    await h.step(page, 'case');

    for (const value of Object.values(ORPHAN_PERSON)) {
      expect(page.url()).not.toContain(value);
      expect(await page.title()).not.toContain(value);
    }
    expect(await page.title()).toBe('Dossier 5520001 · Console de liaison');
    // The reading of personal data is in the audit trail, under the operator's name.
    const audit = await h.api('GET', '/api/admin/audit?action=case.read-personal-data&subjectId=5520001');
    expect(audit.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ actor: `operator:${ACCOUNTS.operator.username}` })]));
    expect(errors).toEqual([]);
  });

  it('forwards a case: it leaves the queue and the institution receives it', async () => {
    await h.send(orphan('5530001'));
    await h.send(orphan('5530002'));
    // A fund retired before the case arrived (legal receipt 2026-11-20) is in the directory but not offered.
    const retired = await h.api('PUT', '/api/institutions/FR:CARSATRA0', {
      institution: { name: 'Carsat Rhône-Alpes (ancienne caisse)', acronym: 'Carsat', networks: ['PENSION_GENERAL'], branches: ['pension'], validTo: '2025-12-31' },
      reason: 'Caisse fusionnée (test)',
    });
    expect(retired.status).toBe(201);
    expect((await h.api('GET', `/api/institutions?q=${encodeURIComponent('ancienne caisse')}`)).body.items).toHaveLength(1);
    const { page, errors } = await h.open(ACCOUNTS.operator);
    await page.locator('.case-link', { hasText: '5530001' }).click();
    await page.getByText(/Vous traitez ce dossier/).waitFor();
    await page.getByRole('button', { name: /^Transférer/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Transférer le dossier 5530001' });
    await dialog.getByLabel(/Rechercher une institution/).fill('Rhône-Alpes');
    await dialog.getByRole('radio', { name: /^Carsat Rhône-Alpes FR:CARSATRA1/ }).check();
    await dialog.getByText(/valides au 20\/11\/2026/).waitFor();
    await expect(dialog.getByRole('radio', { name: /ancienne caisse/ }).count()).resolves.toBe(0);
    await h.step(page, 'forward-dialog');
    await dialog.getByLabel('Note (facultative)').fill('Résidence connue par téléphone');
    await dialog.getByRole('button', { name: 'Transférer à Carsat Rhône-Alpes' }).click();
    await dialog.getByRole('button', { name: 'Confirmer le transfert' }).click();

    await page.getByText('Dossier 5530001 transféré à Carsat Rhône-Alpes (FR:CARSATRA1).').waitFor();
    await page.locator('.case-link', { hasText: '5530002' }).waitFor();
    await expect(page.locator('.case-link', { hasText: '5530001' }).count()).resolves.toBe(0);
    await h.step(page, 'queue-after-forward');

    const token = await h.institutionToken('FR:CARSATRA1');
    h.clock.offsetMs = 11_000; // past the undo window (TRIAGE_UNDO_SECONDS): the forward is released
    const pending = await h.api('GET', '/api/institutions/FR:CARSATRA1/forwards?status=pending', undefined, token).finally(() => { h.clock.offsetMs = 0; });
    expect(pending.body.items).toEqual([expect.objectContaining({ caseId: '5530001', institutionId: 'FR:CARSATRA1' })]);
    expect(errors).toEqual([]);
  });

  it('returns a case with a reason, then reopens it from the case view', async () => {
    await h.send(orphan('5540001'));
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: '/cases/5540001' });
    await page.getByText(/Vous traitez ce dossier/).waitFor();
    await page.getByRole('button', { name: /^Renvoyer/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Renvoyer le dossier 5540001' });
    await dialog.getByLabel('Ne peut pas être traité').check();
    await dialog.getByLabel('Précisions').fill('SED illisible, demande de renvoi à l’émetteur');
    await h.step(page, 'return-dialog');
    await dialog.getByRole('button', { name: 'Renvoyer le dossier' }).click();
    await page.getByText('Dossier 5540001 renvoyé.').waitFor();
    await expect(page.locator('.case-link', { hasText: '5540001' }).count()).resolves.toBe(0);
    const returned = await h.api('GET', '/api/cases/5540001');
    expect(returned.body).toEqual(expect.objectContaining({ status: 'returned', returnReason: 'Ne peut pas être traité : SED illisible, demande de renvoi à l’émetteur' }));

    await page.goto('/cases/5540001');
    await page.getByRole('button', { name: 'Rouvrir' }).click();
    await page.getByRole('dialog', { name: 'Rouvrir le dossier 5540001' }).getByLabel('Pourquoi le rouvrir').fill('L’émetteur a renvoyé un SED lisible');
    await page.getByRole('button', { name: 'Remettre en tri' }).click();
    await page.getByText('Dossier 5540001 remis en tri.').waitFor();
    await page.getByRole('heading', { level: 1, name: /En tri/ }).waitFor();
    await h.step(page, 'reopened');
    expect(errors).toEqual([]);
  });

  it('goes from the queue to a forward with the keyboard only', async () => {
    await sendAged(h, orphan('5550001'), 2);
    await h.send(orphan('5550002'));
    const { page, errors } = await h.open(ACCOUNTS.operator);
    await queueRows(page).first().waitFor();
    await page.keyboard.press('j');
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).resolves.toBe('5550001');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await h.step(page, 'queue-focus');
    await page.keyboard.press('Enter');
    await page.getByText(/Vous traitez ce dossier/).waitFor();
    await page.keyboard.press('f');
    const dialog = page.getByRole('dialog', { name: 'Transférer le dossier 5550001' });
    await dialog.getByLabel(/Rechercher une institution/).waitFor();
    await page.keyboard.type('Hauts-de-France');
    // ↓ chooses only from the answer to what was typed (a list still searching ignores it, see picker.test.ts).
    await dialog.locator('#picker-list[data-busy="false"] input[value="FR:CARSATHF1"]').waitFor();
    await page.keyboard.press('ArrowDown');
    await expect(dialog.getByRole('radio', { name: /Carsat Hauts-de-France/ }).isChecked()).resolves.toBe(true);
    await h.step(page, 'keyboard-forward');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Confirmer le transfert' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByText('Dossier 5550001 transféré à Carsat Hauts-de-France (FR:CARSATHF1).').waitFor();
    // Back on the queue, the forwarded case has left it (as the operator sees it) before n picks the next one.
    await queueRows(page).filter({ hasText: '5550002' }).first().waitFor();
    await queueRows(page).filter({ hasText: '5550001' }).first().waitFor({ state: 'detached' });
    // n: the next case nobody holds.
    await page.keyboard.press('n');
    await page.getByRole('heading', { level: 1, name: /Dossier 5550002/ }).waitFor();
    await h.step(page, 'next-case');
    expect(errors).toEqual([]);
  });
});
