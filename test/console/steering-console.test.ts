/**
 * Workflows of the quarantine and overview pages and of the case view's suggestions (issue #13): re-submit a
 * quarantined input after adding its BUC type to the catalogue; dismiss one with a reason; the overview's figures
 * are the API's; accept a suggestion in one click; generate, view and download a monthly report.
 */
import { makeEnvelope } from '../helpers/envelopes';
import { ACCOUNTS, BOOTSTRAP_TOKEN, startConsoleHarness, type Account, type ConsoleHarness } from './harness';

const SUPERVISOR: Account = { username: 's.durand', password: 'supervisor-password-1', role: 'supervisor' };

jest.setTimeout(180_000);

describe('console: quarantine and overview', () => {
  let h: ConsoleHarness;
  const raw = async (body: string) => {
    const res = await fetch(`${h.baseUrl}/api/envelopes`, { method: 'POST', headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' }, body });
    return { status: res.status, body: (await res.json()) as { quarantineId: string } };
  };
  beforeAll(async () => {
    h = await startConsoleHarness({ accounts: [...Object.values(ACCOUNTS), SUPERVISOR] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('re-submits a quarantined input after adding its BUC type to the catalogue', async () => {
    const envelope = makeEnvelope({ caseId: 'Q-BUC11', documentId: 'qbuc11', bucType: 'P_BUC_11' });
    const rejected = await raw(JSON.stringify(envelope));
    expect(rejected.status).toBe(422);
    const { page, errors } = await h.open(SUPERVISOR, { path: '/quarantine' });
    await page.getByRole('heading', { level: 1, name: 'Quarantaine' }).waitFor();
    await page.getByRole('cell', { name: 'VAL_UNKNOWN_BUC' }).waitFor();
    await h.step(page, 'list');
    await page.getByRole('row').filter({ hasText: 'VAL_UNKNOWN_BUC' }).getByRole('link').click();
    await page.getByRole('heading', { name: `Entrée ${rejected.body.quarantineId}` }).waitFor();
    await page.getByRole('button', { name: 'Resoumettre' }).click();
    await page.getByText('refusée à nouveau').first().waitFor();
    await h.step(page, 'rejected-again');

    await page.getByLabel('Intitulé').fill('Test pension BUC');
    await page.getByLabel('Motif du changement').fill('new BUC type in EESSI');
    await page.getByRole('button', { name: 'Ajouter au catalogue' }).click();
    await page.getByText('P_BUC_11 est au catalogue : resoumettez l’entrée.').waitFor();
    await page.getByRole('button', { name: 'Resoumettre' }).click();
    await page.getByRole('status').filter({ hasText: 'acceptée' }).waitFor();
    await h.step(page, 'accepted');
    await h.svc.routingWorker.drain();
    expect((await h.api('GET', '/api/cases/Q-BUC11')).body.status).toBe('forwarded');
    expect((await h.api('GET', `/api/quarantine/${rejected.body.quarantineId}`)).body.status).toBe('resubmitted');
    const audit = (await h.api('GET', '/api/admin/audit?action=quarantine.resubmit')).body.items;
    expect(audit.map((a: { data: { outcome: string } }) => a.data.outcome)).toEqual(['accepted', 'rejected']);
    expect(errors).toEqual([]);
  });

  it('dismisses a quarantined input with a reason', async () => {
    const rejected = await raw('{"truncated": ');
    expect(rejected.status).toBe(400);
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: `/quarantine?status=open&id=${rejected.body.quarantineId}` });
    await page.getByRole('heading', { name: `Entrée ${rejected.body.quarantineId}` }).waitFor();
    await page.getByLabel('Motif de l’abandon').fill('test message from the RINA team');
    await page.getByRole('button', { name: 'Écarter' }).click();
    await page.getByText(/^Clôturée par operator:o\.martin le .* : test message from the RINA team$/).waitFor();
    await h.step(page, 'dismissed');
    await page.getByLabel('État').selectOption('dismissed');
    await page.getByRole('row').filter({ hasText: 'VAL_NOT_JSON' }).waitFor();
    expect((await h.api('GET', `/api/quarantine/${rejected.body.quarantineId}`)).body.status).toBe('dismissed');
    expect(errors).toEqual([]);
  });

  it("shows the overview's figures as the API gives them, with a 30-day chart", async () => {
    await h.send(makeEnvelope({ caseId: 'OV-1', documentId: 'ov1' }));
    await h.send(makeEnvelope({ caseId: 'OV-2', documentId: 'ov2', person: { PersonIdentification: { familyName: 'A', forename: 'B', dateBirth: '1960-01-01' } } }));
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: '/overview' });
    await page.getByRole('heading', { level: 1, name: 'Vue d’ensemble' }).waitFor();
    await page.getByRole('img', { name: 'Les 30 derniers jours' }).waitFor();
    await h.step(page, 'overview');
    const api = (await h.api('GET', '/api/overview')).body;
    for (const flow of ['received', 'forwardedAutomatically', 'forwardedAfterTriage', 'toTriage', 'quarantined', 'bounced']) {
      expect(await page.locator(`tr[data-flow="${flow}"] td[data-period="today"]`).innerText()).toBe(String(api.today[flow]));
      expect(await page.locator(`tr[data-flow="${flow}"] td[data-period="month"]`).innerText()).toBe(String(api.month[flow]));
    }
    for (const k of ['inTriage', 'quarantineOpen', 'ticketsAtRisk', 'x007Failed']) expect(await page.locator(`[data-now="${k}"]`).innerText()).toBe(String(api.now[k]));
    expect(api.today.received).toBe(3);
    expect(api.today.quarantined).toBe(2);
    expect(await page.locator('svg rect.bar-received').count()).toBe(30);
    expect(errors).toEqual([]);
  });

  it('accepts a suggestion in one click: the case is forwarded where similar cases went', async () => {
    const orphan = (caseId: string) => makeEnvelope({
      caseId, documentId: `doc-${caseId}`,
      person: { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } },
    });
    for (const id of ['SG-1', 'SG-2', 'SG-3']) await h.send(orphan(id));
    for (const id of ['SG-1', 'SG-2']) expect((await h.api('POST', `/api/triage/${id}/assign`, { institutionId: 'FR:CARSATRA1' })).status).toBe(200);
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: '/cases/SG-3' });
    await page.getByRole('heading', { name: 'Décisions pour des dossiers semblables' }).waitFor();
    // OV-2 (the overview test's orphan) is similar too, but no operator decided it: it does not count.
    await page.getByText('2 sur 2 dossiers semblables sont allés à Carsat Rhône-Alpes').waitFor();
    await h.step(page, 'suggestions');
    const accept = page.getByRole('button', { name: 'Transférer à Carsat Rhône-Alpes (FR:CARSATRA1)' });
    await expect(accept.isEnabled()).resolves.toBe(true);
    await accept.click();
    await page.getByRole('heading', { level: 1, name: 'File de tri' }).waitFor();
    await h.step(page, 'accepted');
    const c = (await h.api('GET', '/api/cases/SG-3')).body;
    expect(c.status).toBe('forwarded');
    expect(c.institutionId).toBe('FR:CARSATRA1');
    expect(c.decisions.at(-1)).toEqual(expect.objectContaining({ ruleId: 'MANUAL', decidedBy: `operator:${ACCOUNTS.operator.username}` }));
    expect(errors).toEqual([]);
  });

  it('generates a monthly report, shows its figures as the API gives them, and offers its downloads', async () => {
    const { page, errors } = await h.open(SUPERVISOR, { path: '/reports' });
    await page.getByRole('heading', { level: 1, name: 'Rapports' }).waitFor();
    await page.getByLabel('Mois (AAAA-MM)').fill('2026-11');
    await page.getByRole('button', { name: 'Générer une nouvelle version' }).click();
    await page.getByText('Rapport 2026-11 généré.').waitFor();
    const figures = page.getByRole('definition').and(page.locator('[data-figure="cases.received"]'));
    await figures.waitFor();
    await h.step(page, 'report');
    const api = (await h.api('GET', '/api/reports/monthly/2026-11?format=json')).body;
    expect(await page.locator('[data-figure="cases.received"]').innerText()).toBe(String(api.cases.received));
    expect(await page.locator('[data-figure="cases.forwardedAutomatically"]').innerText()).toBe(String(api.cases.forwardedAutomatically));
    expect(await page.locator('[data-figure="version"]').innerText()).toBe(`v${api.version}`);
    const csv = await page.getByRole('link', { name: 'CSV' }).first().getAttribute('href');
    expect(csv).toBe('/api/reports/monthly/2026-11?format=csv');
    const download = await page.evaluate(async (href) => (await fetch(href)).status, csv!);
    expect(download).toBe(200);
    expect(errors).toEqual([]);
  });
});
