/**
 * Working together and undoing (issue #10), in Chromium against the real service on PostgreSQL (PGlite when no
 * PostgreSQL is reachable and REQUIRE_SERVICES is not set): two operators, the second sees the first one's claim;
 * re-assign a wrongly forwarded case (new forward, the old one superseded, the new institution receives it);
 * search a case by id; an admin creates, resets and disables an account and reads the audit trail; an operator
 * cannot open the admin pages.
 */
import { ACCOUNTS, HARNESS_START_MS, consoleDrivers, startConsoleHarness, type ConsoleHarness } from './harness';
import { waitFor } from '../bus/support';
import { lyon, orphan } from './seed';

jest.setTimeout(120_000);

const driver = consoleDrivers().includes('postgres') ? 'postgres' : 'pglite';

describe(`console: claims and corrections (${driver})`, () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness({ driver });
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('shows the second operator the first one’s claim, and releases it when the first leaves', async () => {
    await h.send(orphan('6610001'));
    const first = await h.open(ACCOUNTS.operator, { path: '/cases/6610001' });
    await first.page.getByText(/Vous traitez ce dossier/).waitFor();
    await h.step(first.page, 'first-holds');

    const second = await h.open(ACCOUNTS.operator2);
    const row = second.page.locator('table.queue-table tbody tr', { hasText: '6610001' });
    await row.getByText(ACCOUNTS.operator.username).waitFor();
    await h.step(second.page, 'queue-shows-claim');
    await row.locator('.case-link').click();
    await second.page.getByRole('alert').filter({ hasText: `Ce dossier est pris par ${ACCOUNTS.operator.username}` }).waitFor();
    await expect(second.page.getByRole('button', { name: /^Transférer/ }).isDisabled()).resolves.toBe(true);
    await expect(second.page.getByRole('button', { name: /^Renvoyer/ }).isDisabled()).resolves.toBe(true);
    await h.step(second.page, 'case-claimed-by-other');

    // The first operator goes back to the queue: the claim is released, the second can take the case.
    await first.page.getByRole('link', { name: /Retour à la file/ }).click();
    await first.page.getByRole('heading', { level: 1, name: 'File de tri' }).waitFor();
    await waitFor(async () => (await h.api('GET', '/api/triage')).body.items[0].claim === null, 15_000, 'the claim released');
    await second.page.reload();
    await second.page.getByText(/Vous traitez ce dossier/).waitFor();
    expect([...first.errors, ...second.errors]).toEqual([]);
  });

  it('re-assigns a wrongly forwarded case, found by its id', async () => {
    await h.send(lyon('6620001'));
    const { page, errors } = await h.open(ACCOUNTS.operator);
    await page.getByRole('navigation').getByRole('link', { name: 'Recherche' }).click();
    await page.getByLabel('Dossier (ou son début)').fill('6620001');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('caseId') === '6620001');
    const result = page.locator('table tbody tr', { hasText: '6620001' });
    await result.getByText('Transféré').waitFor();
    await expect(page.locator('table tbody tr').count()).resolves.toBe(1);
    await h.step(page, 'search-result');

    await result.getByRole('link', { name: '6620001' }).click();
    await page.getByRole('heading', { level: 1, name: /Dossier 6620001/ }).waitFor();
    await page.getByRole('button', { name: /^Réattribuer/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Réattribuer le dossier 6620001' });
    await dialog.getByLabel(/Rechercher une institution/).fill('Auvergne');
    await dialog.getByRole('radio', { name: /Carsat Auvergne/ }).check();
    await dialog.getByLabel('Pourquoi (conservé avec la décision)').fill('Résidence réelle à Clermont-Ferrand');
    await h.step(page, 'reassign-dialog');
    await dialog.getByRole('button', { name: 'Réattribuer à Carsat Auvergne' }).click();
    await dialog.getByRole('button', { name: 'Confirmer la réattribution' }).click();
    await page.getByText(/Dossier 6620001 réattribué à Carsat Auvergne \(FR:CARSATAU1\)/).waitFor();
    const forwards = page.getByRole('region', { name: 'Transferts' });
    await forwards.locator('tr', { hasText: 'FR:CARSATRA1' }).getByText('remplacé').waitFor();
    await forwards.locator('tr', { hasText: 'FR:CARSATAU1' }).getByText('en attente').waitFor();
    await h.step(page, 'reassigned');

    const token = await h.institutionToken('FR:CARSATAU1');
    const pending = await h.api('GET', '/api/institutions/FR:CARSATAU1/forwards?status=pending', undefined, token);
    expect(pending.body.items).toEqual([expect.objectContaining({ caseId: '6620001' })]);
    expect(errors).toEqual([]);
  });

  it('lets an admin create, reset and disable an account, read the audit trail, issue and revoke a token; an operator sees no admin page', async () => {
    const admin = await h.open(ACCOUNTS.admin);
    await admin.page.getByRole('navigation').getByRole('link', { name: 'Comptes' }).click();
    await admin.page.getByLabel('Identifiant').fill('n.petit');
    await admin.page.getByLabel('Rôle').selectOption('supervisor');
    await admin.page.getByRole('button', { name: 'Créer un compte' }).click();
    await admin.page.getByText(/Compte n\.petit créé/).waitFor();
    const temporary = await admin.page.locator('code.secret').textContent();
    expect(temporary?.length).toBeGreaterThanOrEqual(10);
    await h.step(admin.page, 'account-created');
    const row = admin.page.locator('tr', { hasText: 'n.petit' });
    await row.getByText('mot de passe à changer').waitFor();

    // The new person logs in with the temporary password and must choose another first.
    const newcomer = await h.open(undefined, { path: '/' });
    await newcomer.page.getByLabel('Identifiant').fill('n.petit');
    await newcomer.page.getByLabel('Mot de passe').fill(temporary!);
    await newcomer.page.getByRole('button', { name: 'Se connecter' }).click();
    await newcomer.page.getByRole('heading', { level: 1, name: 'Changer de mot de passe' }).waitFor();
    await h.step(newcomer.page, 'must-change-password');
    await newcomer.page.getByLabel('Mot de passe actuel (provisoire)').fill(temporary!);
    await newcomer.page.getByLabel(/^Nouveau mot de passe/).fill('superviseur-tout-neuf-1');
    await newcomer.page.getByLabel('Confirmez le nouveau mot de passe').fill('superviseur-tout-neuf-1');
    await newcomer.page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await newcomer.page.getByRole('heading', { level: 1, name: 'File de tri' }).waitFor();

    // A forgotten password: the admin resets it, a new temporary password is shown once, to be changed again.
    await admin.page.reload();
    await row.getByText('actif').waitFor();
    // The reset asks for confirmation first, naming the account.
    const asked: string[] = [];
    admin.page.once('dialog', (d) => { asked.push(d.message()); void d.accept(); });
    await row.getByRole('button', { name: 'Réinitialiser le mot de passe n.petit' }).click();
    await admin.page.getByText(/Mot de passe de n\.petit réinitialisé/).waitFor();
    expect(asked).toEqual([expect.stringContaining('n.petit')]);
    expect(await admin.page.locator('code.secret').textContent()).not.toBe(temporary);
    await row.getByText('mot de passe à changer').waitFor();

    admin.page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Désactiver n.petit' }).click();
    await admin.page.getByText(/Compte n\.petit désactivé/).waitFor();
    await row.getByText('désactivé').waitFor();
    await h.step(admin.page, 'account-disabled');

    await admin.page.getByRole('navigation').getByRole('link', { name: 'Journal d’audit' }).click();
    await admin.page.getByLabel('Objet', { exact: true }).fill('n.petit');
    await admin.page.getByRole('button', { name: 'Filtrer' }).click();
    await admin.page.locator('tr', { hasText: 'account.create' }).waitFor();
    await admin.page.locator('tr', { hasText: 'account.disable' }).waitFor();
    await h.step(admin.page, 'audit');

    // Machine tokens: issue one for an institution (shown once, it works), revoke it (refused from then on).
    await admin.page.getByRole('navigation').getByRole('link', { name: 'Jetons' }).click();
    await admin.page.getByLabel('Rôle').selectOption('institution');
    await admin.page.getByLabel('Institution').fill('FR:CARSATRA1');
    await admin.page.getByLabel('À quoi sert-il').fill('Pull de la Carsat Rhône-Alpes');
    await admin.page.getByRole('button', { name: 'Émettre un jeton' }).click();
    const token = (await admin.page.locator('code.secret').textContent())!;
    expect((await h.api('GET', '/api/institutions/FR:CARSATRA1/forwards', undefined, token)).status).toBe(200);
    const tokenRow = admin.page.locator('tr', { hasText: 'Pull de la Carsat Rhône-Alpes' });
    await h.step(admin.page, 'token-issued');
    admin.page.once('dialog', (d) => void d.accept());
    await tokenRow.getByRole('button', { name: /^Révoquer/ }).click();
    await tokenRow.getByText('révoqué').waitFor();
    expect((await h.api('GET', '/api/institutions/FR:CARSATRA1/forwards', undefined, token)).status).toBe(401);

    const operator = await h.open(ACCOUNTS.operator);
    await expect(operator.page.getByRole('navigation').getByRole('link', { name: 'Comptes' }).count()).resolves.toBe(0);
    await operator.page.goto('/admin/accounts');
    await operator.page.getByRole('heading', { level: 1, name: 'Cette page demande un autre rôle que le vôtre.' }).waitFor();
    await h.step(operator.page, 'operator-no-admin');
    expect([...admin.errors, ...newcomer.errors, ...operator.errors]).toEqual([]);
  });
});
