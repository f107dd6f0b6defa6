/**
 * The supervisor's overview as a dashboard (issue #20), in Chromium against the real service: the backlog by
 * reason and by the legal clock with links to the queue filtered the same way, SEDs and cases labelled, today and
 * this month beside the previous period, tickets at risk, the 30-day chart with axes and values, dates in French.
 * Reports from the console: the HTML report styled under its own CSP (no refusal), the CSV for French
 * spreadsheets, the yearly report generated from the console, the title of a BUC type added in the console.
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
    // A BUC type added in the console (as the quarantine page does), then a case of it.
    const added = await h.api('PUT', '/api/bucs/P_BUC_11', { buc: { titleFr: 'Pension : échange test', titleEn: 'Pension: test exchange' }, reason: 'new BUC type in EESSI' });
    if (added.status !== 200 && added.status !== 201) throw new Error(`catalogue ${added.status}`);
    await h.send(orphan('8800006', { bucType: 'P_BUC_11', documentId: 'ov8800006', legalDeliveryAt: new Date(now - 3_600_000).toISOString() }));
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  it('shows the backlog by reason and legal age with links to the queue, the periods side by side and a chart with axes', async () => {
    const { page, errors } = await h.open(ACCOUNTS.supervisor, { path: '/overview' });
    await page.getByRole('heading', { level: 1, name: 'Vue d’ensemble' }).waitFor();
    const api = (await h.api('GET', '/api/overview')).body;
    // The bounced case keeps its receipt of 20/11/2026: overdue too; the P_BUC_11 case is an hour old.
    expect(api.backlog).toEqual(expect.objectContaining({ cases: 5, overdue: 3 }));
    await page.getByRole('heading', { name: 'Dossiers en tri par motif' }).waitFor();
    const backlog = page.getByRole('region', { name: 'Dossiers en tri par motif' });
    const noRule = backlog.locator('tr[data-reason="NO_RULE"]');
    expect(await noRule.locator('[data-backlog="cases"]').innerText()).toBe('4');
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
    const labels = await chart.locator('text.chart-axis').allTextContents();
    expect(labels.some((l) => /^\d{2}\/\d{2}$/.test(l))).toBe(true);
    await h.step(page, 'dashboard');

    await noRule.locator('[data-backlog="overdue"] a').click();
    await page.waitForURL((u) => u.pathname === '/triage' && u.searchParams.get('reason') === 'NO_RULE' && u.searchParams.get('minBusinessHours') === '16');
    await page.getByText('Page 1 sur 1 · 2 dossier(s)').waitFor();
    await h.step(page, 'queue-from-dashboard');
    expect(errors).toEqual([]);
  });

  it('generates the yearly report from the console, serves its HTML styled under its own CSP, and a CSV for French spreadsheets', async () => {
    const year = String(new Date().getUTCFullYear());
    const month = new Date().toISOString().slice(0, 7);
    const { page, errors } = await h.open(ACCOUNTS.supervisor, { path: '/reports' });
    await page.getByRole('heading', { level: 1, name: 'Rapports' }).waitFor();
    await page.getByLabel('Rapport', { exact: true }).selectOption('yearly');
    await page.getByLabel('Année (AAAA)').fill(year);
    await page.getByRole('button', { name: 'Générer une nouvelle version' }).click();
    await page.getByText(`Rapport ${year} généré.`).waitFor();
    const row = page.getByRole('row').filter({ hasText: `${year} (annuel)` });
    await row.waitFor();
    await h.step(page, 'yearly-generated');
    expect((await h.api('GET', `/api/reports/yearly/${year}/versions`)).body.items).toEqual([expect.objectContaining({ version: 1, trigger: 'on-demand' })]);

    // The French CSV beside the contract's: semicolons, decimal comma, hours, BOM; the added BUC type's title.
    await page.getByLabel('Rapport', { exact: true }).selectOption('monthly');
    await page.getByLabel('Mois (AAAA-MM)').fill(month);
    await page.getByRole('button', { name: 'Générer une nouvelle version' }).click();
    await page.getByText(`Rapport ${month} généré.`).waitFor();
    const monthRow = page.getByRole('row').filter({ hasText: `${month} (mensuel)` });
    const csvFr = await monthRow.getByRole('link', { name: 'CSV (tableur français)' }).getAttribute('href');
    expect(csvFr).toBe(`/api/reports/monthly/${month}?format=csv-fr`);
    const text = await page.evaluate(async (href) => {
      const res = await fetch(href);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { type: res.headers.get('content-type'), bom: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, body: new TextDecoder().decode(bytes) };
    }, csvFr!);
    expect(text.type).toBe('text/csv; charset=utf-8');
    expect(text.bom).toBe(true);
    expect(text.body).toContain('[Flux]\r\nIndicateur;Valeur');
    expect(text.body).toMatch(/Délai de transmission automatique, médiane \(h\);[0-9,]*\r\n/);
    expect(text.body).toMatch(/Taux de transfert \(%\);\d+(,\d)?\r\n/);
    expect(text.body).toContain('P_BUC_11;Pension : échange test;');
    const report = (await h.api('GET', `/api/reports/monthly/${month}`)).body;
    expect(report.byBucType).toEqual(expect.arrayContaining([expect.objectContaining({ bucType: 'P_BUC_11', title: 'Pension : échange test' })]));

    // The HTML report opened from the console: its own style applies, and nothing is refused.
    const html = await monthRow.getByRole('link', { name: 'HTML' }).getAttribute('href');
    const view = await page.context().newPage();
    const refused: string[] = [];
    view.on('console', (m) => { if (m.type() === 'error') refused.push(m.text()); });
    const res = await view.goto(html!);
    expect(res!.headers()['content-security-policy']).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'none'");
    const h1Colour = await view.locator('h1').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
    expect(h1Colour).toBe('rgb(31, 78, 121)');
    await h.step(view, 'html-report-styled');
    expect(refused).toEqual([]);
    // Elsewhere the strict policy stays.
    const consoleCsp = (await fetch(`${h.baseUrl}/reports`)).headers.get('content-security-policy');
    expect(consoleCsp).toContain("style-src 'self'");
    expect(errors).toEqual([]);
  });

  it('shows the full SED on the case page, folded, loaded when opened, each read audited', async () => {
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: '/cases/8800001' });
    await page.getByRole('heading', { level: 1, name: /Dossier 8800001/ }).waitFor();
    const before = (await h.api('GET', '/api/admin/audit?action=case.read-sed&subjectId=8800001')).body.items;
    expect(before).toEqual([]);
    const full = page.getByRole('region', { name: 'SED complet' });
    await full.getByText('SED complet').click();
    const sed = full.getByRole('article', { name: /^SED P2000/ });
    await sed.getByText('familyName').waitFor();
    await sed.getByText('Orphelin', { exact: true }).waitFor();
    await h.step(page, 'full-sed');
    await full.getByLabel('Afficher le JSON reçu').check();
    await sed.locator('pre').getByText(/"familyName": "Orphelin"/).waitFor();
    const audit = (await h.api('GET', '/api/admin/audit?action=case.read-sed&subjectId=8800001')).body.items;
    expect(audit).toEqual([expect.objectContaining({ actor: `operator:${ACCOUNTS.operator.username}` })]);
    expect(errors).toEqual([]);
  });

  it('offers, after a rule table is published, to re-route the cases in triage it now decides, with the list first', async () => {
    const current = (await h.api('GET', '/api/rules')).body;
    const rule = { id: 'P11-TO-CNAV', description: 'test: P_BUC_11 cases', when: [{ fact: 'bucType', equals: 'P_BUC_11' }], then: { forward: { institutionId: 'FR:CNAVIDF01' } } };
    expect((await h.api('PUT', '/api/rules', { rules: [rule, ...current.rules], reason: 'test re-routing', basedOnVersion: current.version })).status).toBe(201);
    const { page, errors } = await h.open(ACCOUNTS.supervisor, { path: '/rules?reroute=1' });
    const offer = page.getByRole('region', { name: 'Dossiers en tri que la table en vigueur décide' });
    await offer.getByRole('link', { name: '8800006' }).waitFor();
    // The bounced case is left out: the rules had decided it and the institution sent it back.
    expect(await offer.getByRole('link', { name: '8800004' }).count()).toBe(0);
    expect((await h.api('GET', '/api/cases/8800006')).body.status).toBe('triage');
    await h.step(page, 'reroute-list');
    await offer.getByRole('button', { name: 'Réacheminer ces 1 dossier(s)' }).click();
    await offer.getByText('1 dossier(s) transmis, 0 laissé(s) en tri.').waitFor();
    await h.step(page, 'rerouted');
    expect((await h.api('GET', '/api/cases/8800006')).body).toEqual(expect.objectContaining({ status: 'forwarded', institutionId: 'FR:CNAVIDF01' }));
    const audit = (await h.api('GET', '/api/admin/audit?action=rules.reroute')).body.items;
    expect(audit).toEqual([expect.objectContaining({ actor: `operator:${ACCOUNTS.supervisor.username}` })]);
    expect(errors).toEqual([]);
  });
});
