/**
 * Workflows of the rules page (issue #13): make a rule from a manual decision, simulate it, publish it, and see the
 * next similar envelope routed automatically with the new rule id and version in its trace; diff two rule-table
 * versions; an operator can simulate but not publish. The directory: searched with validity dates, a supervisor
 * changes an institution's validity (a new version), an operator cannot.
 */
import { makeEnvelope } from '../helpers/envelopes';
import { ACCOUNTS, startConsoleHarness, type Account, type ConsoleHarness } from './harness';

const SUPERVISOR: Account = { username: 's.durand', password: 'supervisor-password-1', role: 'supervisor' };

/** No residence, no French reference: FALLBACK → triage NO_RULE. */
const orphan = (caseId: string) => makeEnvelope({
  caseId, documentId: `doc-${caseId}`,
  person: { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } },
});

jest.setTimeout(180_000);

describe('console: rules', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness({ accounts: [...Object.values(ACCOUNTS), SUPERVISOR] });
    for (const id of ['R-1', 'R-2', 'R-3']) await h.send(orphan(id));
    for (const id of ['R-1', 'R-2']) expect((await h.api('POST', `/api/triage/${id}/assign`, { institutionId: 'FR:CARSATRA1' })).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('makes a rule from a manual decision, simulates it, publishes it; the next similar envelope is routed by it', async () => {
    const { page, errors } = await h.open(SUPERVISOR, { path: '/rules' });
    await page.getByRole('heading', { level: 1, name: 'Règles' }).waitFor();
    await h.step(page, 'rules');
    await page.getByLabel('Dossier décidé par un opérateur').fill('R-1');
    await page.getByRole('button', { name: 'Proposer la règle' }).first().click();
    await page.getByRole('heading', { name: 'Règle proposée d’après le dossier R-1' }).waitFor();
    // The proposal is a form (issue #20); its JSON is one click away.
    await page.getByRole('group', { name: 'Conditions (toutes doivent être remplies)' }).waitFor();
    await page.getByRole('button', { name: 'Modifier en JSON' }).click();
    const rule = JSON.parse(await page.getByLabel('La règle (JSON, modifiable)').inputValue()) as { id: string };
    expect(rule.id).toBe('LEARNED-P-BUC-01-DE-NORES');
    await page.getByText('Placée avant FALLBACK, sur la table v1.').waitFor();
    await h.step(page, 'proposal');

    await page.getByRole('button', { name: 'Simuler sur le trafic enregistré' }).click();
    const sim = page.getByRole('region', { name: 'Résultat de la simulation' });
    await sim.waitFor();
    // The three orphans replayed: before, none forwarded automatically; after, all three.
    await sim.getByText('3 décision(s) changent sur 3 SED rejoués.').waitFor();
    await sim.getByText('Transmis automatiquement : 0.0 % avant, 100.0 % après.').waitFor();
    await h.step(page, 'simulation');

    await page.getByLabel('Motif de la publication').fill('learned from R-1 and R-2');
    await page.getByRole('button', { name: 'Publier' }).click();
    await page.getByText('Publiée : table v2 en vigueur.').waitFor();
    await h.step(page, 'published');

    await h.send(orphan('R-4'));
    const c = (await h.api('GET', '/api/cases/R-4')).body;
    expect(c.status).toBe('forwarded');
    expect(c.decisions[0]).toEqual(expect.objectContaining({ ruleId: rule.id, ruleSetVersion: 2, institutionId: 'FR:CARSATRA1' }));
    expect(c.decisions[0].trace.at(-1)).toEqual(expect.objectContaining({ ruleId: rule.id, matched: true }));
    const audit = (await h.api('GET', '/api/admin/audit?action=rules.publish')).body;
    expect(audit.items[0]).toEqual(expect.objectContaining({ actor: `operator:${SUPERVISOR.username}`, action: 'rules.publish' }));
    expect(errors).toEqual([]);
  });

  it('diffs two rule-table versions', async () => {
    const { page, errors } = await h.open(SUPERVISOR, { path: '/rules' });
    await page.getByRole('heading', { name: 'Comparer deux versions' }).waitFor();
    await page.getByLabel('De la version').selectOption('1');
    await page.getByLabel('À la version').selectOption('2');
    await page.getByRole('button', { name: 'Comparer' }).click();
    await page.getByText(/^Ajoutée : LEARNED-P-BUC-01-DE-NORES \(position \d+\)$/).waitFor();
    await h.step(page, 'diff');
    expect(await page.locator('[data-change]').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('lets an operator simulate a proposal but not publish it', async () => {
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: '/rules?propose=R-2' });
    await page.getByRole('heading', { name: 'Règle proposée d’après le dossier R-2' }).waitFor();
    await page.getByRole('button', { name: 'Simuler sur le trafic enregistré' }).click();
    await page.getByText('Seul un superviseur peut publier.').waitFor();
    expect(await page.getByRole('button', { name: 'Publier' }).count()).toBe(0);
    await h.step(page, 'operator-proposal');
    // And the API refuses the operator's publication (the page only mirrors it).
    const status = await page.evaluate(async () => {
      const s = await (await fetch('/api/session')).json() as { csrfToken: string };
      const res = await fetch('/api/rules', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: JSON.stringify({ rules: [], reason: 'x' }) });
      return res.status;
    });
    expect(status).toBe(403);
    expect(errors).toEqual([]);
  });

  it('searches the directory with validity dates; a supervisor changes a validity, an operator cannot', async () => {
    const op = await h.open(ACCOUNTS.operator, { path: '/directory' });
    await op.page.getByRole('heading', { level: 1, name: 'Annuaire' }).waitFor();
    await op.page.getByLabel('Nom, sigle ou identifiant').fill('Rhône-Alpes');
    await op.page.getByRole('button', { name: 'Rechercher' }).click();
    await op.page.getByRole('cell', { name: 'FR:CARSATRA1' }).waitFor();
    await h.step(op.page, 'operator-search');
    expect(await op.page.getByRole('button', { name: /Validité de/ }).count()).toBe(0);
    expect(op.errors).toEqual([]);

    const { page, errors } = await h.open(SUPERVISOR, { path: '/directory?q=FR:CARSATRA1' });
    await page.getByRole('button', { name: 'Validité de FR:CARSATRA1' }).click();
    await page.getByLabel('Valide jusqu’au').fill('2030-12-31');
    await page.getByLabel('Motif du changement').fill('merger announced for 2031');
    await page.getByRole('button', { name: 'Publier une nouvelle version' }).click();
    await page.getByText(/^Annuaire version \d+ en vigueur\.$/).waitFor();
    await page.locator('[data-validity="FR:CARSATRA1"]').filter({ hasText: '… → 2030-12-31' }).waitFor();
    await h.step(page, 'supervisor-validity');
    const after = (await h.api('GET', '/api/institutions?q=FR:CARSATRA1')).body.items[0];
    expect(after.validTo).toBe('2030-12-31');
    expect((await h.api('GET', '/api/admin/audit?action=directory.publish')).body.items[0].actor).toBe(`operator:${SUPERVISOR.username}`);
    // The next year's case can no longer be sent there.
    expect((await h.api('GET', '/api/institutions?q=FR:CARSATRA1&validAt=2031-01-01')).body.items).toEqual([]);
    expect(errors).toEqual([]);
  });
});
