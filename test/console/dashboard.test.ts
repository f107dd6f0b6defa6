/**
 * The supervisor's overview as a dashboard (issue #20), in Chromium against the real service: the backlog by
 * reason and by the legal clock with links to the queue filtered the same way, SEDs and cases labelled, today and
 * this month beside the previous period, tickets at risk, the 30-day chart with axes and values, dates in French.
 */
import { ACCOUNTS, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';
import { bounced, lyon, orphan } from './seed';

jest.setTimeout(180_000);

describe('console: the overview as a dashboard', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness();
    const now = Date.now();
    // Two cases received a week ago (overdue by the legal clock), one just now, one bounced, one forwarded.
    for (const [caseId, daysAgo] of [['8800001', 7], ['8800002', 8], ['8800003', 0]] as const) {
      await h.send(orphan(caseId, { legalDeliveryAt: new Date(now - daysAgo * 86_400_000 - 60_000).toISOString(), documentId: `ov${caseId}` }));
    }
    await bounced(h, '8800004');
    await h.send(lyon('8800005'));
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  it('shows the backlog by reason and legal age with links to the queue, the periods side by side and a chart with axes', async () => {
    const { page, errors } = await h.open(ACCOUNTS.supervisor, { path: '/overview' });
    await page.getByRole('heading', { level: 1, name: 'Vue d’ensemble' }).waitFor();
    const api = (await h.api('GET', '/api/overview')).body;
    expect(api.backlog).toEqual(expect.objectContaining({ cases: 4, overdue: 2 }));
    await page.getByRole('heading', { name: 'Dossiers en tri par motif' }).waitFor();
    const backlog = page.getByRole('region', { name: 'Dossiers en tri par motif' });
    const noRule = backlog.locator('tr[data-reason="NO_RULE"]');
    expect(await noRule.locator('[data-backlog="cases"]').innerText()).toBe('3');
    expect(await noRule.locator('[data-backlog="overdue"]').innerText()).toBe('2');
    expect(await backlog.locator('tr[data-reason="BOUNCED"] [data-backlog="cases"]').innerText()).toBe('1');
    // Flows are labelled with what they count, today beside yesterday, the month beside the month before.
    const flows = page.locator('table.overview-table');
    expect(await flows.locator('tr[data-flow="received"] td').first().innerText()).toBe('SED');
    expect(await flows.locator('tr[data-flow="forwardedAfterTriage"] td').first().innerText()).toBe('dossiers');
    expect(await flows.locator('tr[data-flow="received"] td[data-period="today"]').innerText()).toBe(String(api.today.received));
    await flows.getByRole('columnheader', { name: /^Hier \(\d{2}\/\d{2}\/\d{4}\)$/ }).waitFor();
    const monthFr = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'Europe/Paris' }).format(new Date());
    await flows.getByRole('columnheader', { name: `Mois ${monthFr}` }).waitFor();
    expect(await page.locator('[data-now="ticketsAtRisk"]').innerText()).toBe(String(api.now.ticketsAtRisk));
    // The chart: 30 bars, a y axis with graduations, day labels in French (dd/mm), values above the bars.
    const chart = page.getByRole('img', { name: 'Les 30 derniers jours' });
    expect(await chart.locator('rect.bar-received').count()).toBe(30);
    expect(await chart.locator('text.chart-value').count()).toBeGreaterThan(0);
    expect(await chart.getByText('SED par jour').count()).toBe(1);
    const labels = await chart.locator('text.chart-axis').allInnerTexts();
    expect(labels.some((l) => /^\d{2}\/\d{2}$/.test(l))).toBe(true);
    await h.step(page, 'dashboard');

    await noRule.locator('[data-backlog="overdue"] a').click();
    await page.waitForURL((u) => u.pathname === '/triage' && u.searchParams.get('reason') === 'NO_RULE' && u.searchParams.get('minBusinessHours') === '16');
    await page.getByText('Page 1 sur 1 · 2 dossier(s)').waitFor();
    await h.step(page, 'queue-from-dashboard');
    expect(errors).toEqual([]);
  });
});
