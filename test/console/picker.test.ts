/**
 * The institution picker's blocker (issue #20), in Chromium against the real service on PGlite: what is checked is
 * what is sent. Both ways it used to send a case elsewhere than shown are reproduced:
 *  1. the hidden choice: choose "CAF — Ain", then search "CPAM069": the choice stays visible (pinned, checked) and
 *     the button names it; the case goes there, nowhere else;
 *  2. the stale list: type fast and press ↓ within the search's debounce: nothing is chosen from the old list
 *     (the first institution of the directory), focus stays in the search field, never on <body>;
 * and the undo: the forward is held, "Annuler" puts the case back in triage and nothing reaches the institution.
 */
import type { Page } from 'playwright-core';
import { ACCOUNTS, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';
import { lyon, orphan } from './seed';

jest.setTimeout(180_000);

const activeId = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string; tagName: string } | null } }).document.activeElement?.id || (globalThis as unknown as { document: { activeElement: { tagName: string } | null } }).document.activeElement?.tagName);

describe('console: the institution picker sends only what it shows', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness();
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  it('keeps a hidden choice pinned and named, ignores ↓ on a stale list, and undoes a forward', async () => {
    await h.send(orphan('7710001'));
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: '/cases/7710001' });
    await page.getByText(/Vous traitez ce dossier/).waitFor();
    await page.keyboard.press('f');
    const dialog = page.getByRole('dialog', { name: 'Transférer le dossier 7710001' });
    const search = dialog.getByLabel(/Rechercher une institution/);
    const list = dialog.locator('#picker-list');
    const settled = () => dialog.locator('#picker-list[data-busy="false"]').waitFor();

    // 1. The hidden choice.
    await search.fill('caf ain');
    await settled();
    await dialog.getByRole('radio', { name: /Caisse d’allocations familiales — Ain FR:CAF001/ }).check();
    await search.fill('CPAM069');
    await settled();
    await dialog.getByRole('radio', { name: /Caisse primaire d’assurance maladie — Rhône FR:CPAM069/ }).waitFor();
    // The choice left the results: it is pinned above them, still checked; the result is not checked.
    await expect(dialog.getByRole('radio', { name: /FR:CAF001/ }).isChecked()).resolves.toBe(true);
    await expect(dialog.getByRole('radio', { name: /FR:CPAM069/ }).isChecked()).resolves.toBe(false);
    await dialog.getByText('Votre choix (absent des résultats de la recherche)').waitFor();
    const submit = dialog.getByRole('button', { name: 'Transférer à CAF — Ain' });
    await submit.waitFor();
    await h.step(page, 'hidden-choice-pinned');
    await submit.click();
    // The confirmation names it in full, with its id.
    await dialog.getByText('Transférer le dossier 7710001 à :').waitFor();
    await dialog.getByText('Caisse d’allocations familiales — Ain').waitFor();
    await dialog.getByText('FR:CAF001').waitFor();
    await h.step(page, 'confirmation');
    await dialog.getByRole('button', { name: 'Confirmer le transfert' }).click();
    await page.getByText('Dossier 7710001 transféré à CAF — Ain (FR:CAF001).').waitFor();
    let c = (await h.api('GET', '/api/cases/7710001')).body;
    expect(c.status).toBe('forwarded');
    expect(c.institutionId).toBe('FR:CAF001');
    // Held: the institution sees nothing yet. The undo bar offers "Annuler".
    const caf = await h.institutionToken('FR:CAF001');
    expect((await h.api('GET', '/api/institutions/FR:CAF001/forwards', undefined, caf)).body.items).toEqual([]);
    const toast = page.locator('.undo-toast');
    await toast.getByText('Dossier 7710001 transféré à CAF — Ain.').waitFor();
    // Within the window (10 s): no axe pass before the click, it can take seconds on a busy machine.
    await toast.getByRole('button', { name: 'Annuler' }).click();
    await page.getByText('Transfert du dossier 7710001 annulé : le dossier est de nouveau en tri.').waitFor();
    await page.getByRole('heading', { level: 1, name: /Dossier 7710001/ }).waitFor();
    c = (await h.api('GET', '/api/cases/7710001')).body;
    expect(c.status).toBe('triage');
    expect(c.triage.reason).toBe('NO_RULE');
    expect(c.forwards.map((f: { status: string }) => f.status)).toEqual(['cancelled']);
    await h.step(page, 'undone');

    // 2. The stale list: ↓ pressed within the debounce chooses nothing and keeps focus in the field.
    await page.getByText(/Vous traitez ce dossier/).waitFor();
    await page.keyboard.press('f');
    await search.waitFor();
    await settled();
    await search.focus();
    await page.keyboard.type('Hauts-de-France');
    await page.keyboard.press('ArrowDown');
    await expect(list.getAttribute('data-busy')).resolves.toBe('true');
    await expect(dialog.locator('input[type=radio]:checked').count()).resolves.toBe(0);
    await expect(activeId(page)).resolves.toBe('picker-q');
    await settled();
    await expect(activeId(page)).resolves.toBe('picker-q');
    await page.keyboard.press('ArrowDown');
    const hf = dialog.getByRole('radio', { name: /Carsat Hauts-de-France FR:CARSATHF1/ });
    await expect(hf.isChecked()).resolves.toBe(true);
    await expect(dialog.locator('input[type=radio]:checked').count()).resolves.toBe(1);
    await expect(activeId(page)).resolves.not.toBe('BODY');
    await dialog.getByRole('button', { name: 'Transférer à Carsat Hauts-de-France' }).waitFor();
    await h.step(page, 'stale-list-ignored');
    await page.keyboard.press('Enter');
    await dialog.getByText('FR:CARSATHF1').waitFor();
    await expect(activeId(page)).resolves.not.toBe('BODY');
    await page.keyboard.press('Enter');
    await page.getByText('Dossier 7710001 transféré à Carsat Hauts-de-France (FR:CARSATHF1).').waitFor();

    // Only where the button said: held now, released after the window, and never to any other institution.
    const hfToken = await h.institutionToken('FR:CARSATHF1');
    expect((await h.api('GET', '/api/institutions/FR:CARSATHF1/forwards', undefined, hfToken)).body.items).toEqual([]);
    h.clock.offsetMs = 11_000;
    try {
      const pulled = (await h.api('GET', '/api/institutions/FR:CARSATHF1/forwards', undefined, hfToken)).body.items;
      expect(pulled).toEqual([expect.objectContaining({ caseId: '7710001', institutionId: 'FR:CARSATHF1' })]);
      expect((await h.api('GET', '/api/institutions/FR:CAF001/forwards', undefined, caf)).body.items).toEqual([]);
    } finally {
      h.clock.offsetMs = 0;
    }
    c = (await h.api('GET', '/api/cases/7710001')).body;
    expect(c.forwards.map((f: { institutionId: string; status: string }) => `${f.institutionId} ${f.status}`).sort()).toEqual(['FR:CAF001 cancelled', 'FR:CARSATHF1 pending']);
    // The undone decision teaches nothing: a similar case is not told "1 of 1 went to FR:CAF001".
    await h.send(orphan('7710002'));
    const suggested = (await h.api('GET', '/api/triage/7710002/suggestions')).body.items;
    expect(suggested.map((s: { institutionId: string }) => s.institutionId)).not.toContain('FR:CAF001');
    expect(errors).toEqual([]);
  });

  it('shows in French no English sentence the service produced: decisions, traces, suggestion bases', async () => {
    await h.send(orphan('7720001'));
    await h.send(orphan('7720002'));
    await h.send(lyon('7720003'));
    expect((await h.api('POST', '/api/triage/7720001/assign', { institutionId: 'FR:CARSATRA1' })).status).toBe(200);
    // The service's own English for these cases: every explanation, every reason a rule did not decide, every basis.
    const english = new Set<string>();
    for (const id of ['7720001', '7720002', '7720003']) {
      const c = (await h.api('GET', `/api/cases/${id}`)).body;
      for (const d of c.decisions) {
        english.add(d.explanation);
        for (const s of d.trace) for (const w of [s.failed, s.skipped, s.explanation]) if (w) english.add(w);
      }
    }
    for (const s of (await h.api('GET', '/api/triage/7720002/suggestions')).body.items) english.add(s.basis);
    expect(english.size).toBeGreaterThan(10);
    const { page, errors } = await h.open(ACCOUNTS.operator);
    for (const path of ['/cases/7720002', '/cases/7720003', '/cases/7720001', '/triage']) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (path.startsWith('/cases/')) {
        await page.getByRole('region', { name: 'Décisions de routage' }).waitFor();
        // Open every folded section (the list shrinks as each opens, so always the first one left).
        const folded = page.locator('details:not([open]) > summary');
        while ((await folded.count()) > 0) await folded.first().click();
      }
      if (path === '/cases/7720002') await page.getByText(/\d+ sur \d+ dossiers semblables sont allés à Carsat Rhône-Alpes/).waitFor(); // the first test's decisions may be similar too
      const text = await page.locator('body').innerText();
      const found = [...english].filter((e) => text.includes(e));
      expect({ path, found }).toEqual({ path, found: [] });
      await h.step(page, `french-${path.replace(/\W+/g, '-')}`);
    }
    // A suggestion from one or two cases is weighed as such: "1 sur 1" or "1 sur 2" says it is weak.
    await page.goto('/cases/7720002');
    await page.locator('li[data-confidence="weak"]').getByText('faible : trop peu de dossiers').first().waitFor();
    expect(errors).toEqual([]);
  });
});

