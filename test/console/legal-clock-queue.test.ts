/**
 * The triage queue by the legal clock (issue #20), in Chromium against the real service: a case received a week
 * ago but just arrived in triage shows its age from the legal receipt (overdue), not "fresh"; columns sort through
 * the API (aria-sort); a long queue pages with "page n of m" and a jump; the age filter is in business hours, from
 * the receipt or from the entry into triage; "my claimed cases". One seeded database for the file.
 */
import { ACCOUNTS, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';
import { orphan } from './seed';

jest.setTimeout(180_000);

/** 25 cases at 10 a page (`limit` in the console URL): three pages, small enough for axe on a busy machine. */
const CASES = 25;
const QUEUE = '/triage?limit=10';
const HOUR = 3_600_000;

describe('console: the queue by the legal clock', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness();
    // 24 cases received within the last hours, one received eight days ago: all entered triage just now.
    const now = Date.now();
    for (let i = 0; i < CASES; i += 1) {
      const caseId = i === 0 ? '7700000' : `77${String(i).padStart(5, '0')}`;
      const legalDeliveryAt = new Date(i === 0 ? now - 8 * 24 * HOUR : now - (i % 5) * 60_000 - 60_000).toISOString();
      const r = await h.api('POST', '/api/envelopes', orphan(caseId, { legalDeliveryAt, documentId: `lc${i}` }));
      if (r.status !== 202 && r.status !== 200) throw new Error(`intake ${r.status}`);
    }
    await h.svc.routingWorker.drain();
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  const rows = (page: import('playwright-core').Page) => page.locator('table.queue-table tbody tr');
  const firstCase = (page: import('playwright-core').Page) => rows(page).first().locator('.case-link').textContent();

  it('shows the legal receipt and its age, sorts by it, pages and jumps through the queue', async () => {
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: QUEUE });
    await page.getByText(`Page 1 sur 3 · ${CASES} dossier(s)`).waitFor();
    expect(await rows(page).count()).toBe(10);
    await h.step(page, 'queue-page-1');

    await page.getByRole('button', { name: /^Reçu \(heure légale\)/ }).click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'received');
    await page.locator('table.queue-table tbody tr').first().locator('.case-link', { hasText: '7700000' }).waitFor();
    const oldest = rows(page).first();
    // Received 8 days ago, in triage for minutes: overdue by the legal clock, the row coloured so.
    await oldest.getByText('hors délai').waitFor();
    expect(await oldest.getAttribute('class')).toContain('age-overdue');
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Reçu (heure légale)');
    await h.step(page, 'sorted-by-receipt');

    await page.getByRole('button', { name: /^Reçu \(heure légale\)/ }).click();
    await page.waitForURL((u) => u.searchParams.get('sort') === '-received');
    await page.locator('th[aria-sort="descending"]').waitFor();
    expect(await firstCase(page)).not.toBe('7700000');

    await page.getByLabel('Aller à la page').fill('3');
    await page.getByRole('button', { name: 'Aller', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('page') === '3');
    await page.getByText(`Page 3 sur 3 · ${CASES} dossier(s)`).waitFor();
    await rows(page).nth(4).waitFor();
    await rows(page).nth(5).waitFor({ state: 'detached' });
    // Descending by receipt: the case received a week ago is last of all; the page size stays.
    expect(new URL(page.url()).searchParams.get('limit')).toBe('10');
    expect(await rows(page).last().locator('.case-link').textContent()).toBe('7700000');
    await h.step(page, 'page-3');
    await page.getByRole('link', { name: 'Première page' }).click();
    await page.getByText(`Page 1 sur 3 · ${CASES} dossier(s)`).waitFor();
    expect(errors).toEqual([]);
  });

  it('filters by a minimum age in business hours, from the receipt or from the entry into triage, and by my claims', async () => {
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: QUEUE });
    await page.getByText(`Page 1 sur 3`).waitFor();
    await page.getByLabel('Âge minimum (heures ouvrées)').fill('16');
    expect(await page.getByLabel('Âge compté depuis').inputValue()).toBe('received');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('minBusinessHours') === '16');
    await page.getByText('Page 1 sur 1 · 1 dossier(s)').waitFor();
    expect(await firstCase(page)).toBe('7700000');
    await h.step(page, 'min-age-from-receipt');
    await page.getByLabel('Âge compté depuis').selectOption('triage');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('ageFrom') === 'triage');
    await page.getByText('Aucun dossier ne correspond à ces filtres.').waitFor();

    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await page.getByText(`Page 1 sur 3`).waitFor();
    // The case open in another tab holds its claim (leaving a case releases it).
    const other = await page.context().newPage();
    await other.goto('/cases/7700003');
    await other.getByText(/Vous traitez ce dossier/).waitFor();
    await page.getByLabel('Mes dossiers pris').check();
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('mine') === 'true');
    await page.getByText('Page 1 sur 1 · 1 dossier(s)').waitFor();
    expect(await firstCase(page)).toBe('7700003');
    await rows(page).first().getByText('vous').waitFor();
    await h.step(page, 'my-claimed-cases');
    expect(errors).toEqual([]);
  });
});
