/**
 * A help-desk agent's day in Chromium (issue #20), with screenshots and axe at each step: open a ticket for a call
 * from a French institution, answer it (an empty answer is refused), wait on the institution and resume, resolve,
 * find it again by a word of its subject, and open the case behind it read-only (the read is audited). Then the
 * admin's audit trail pages with "next" (issue #21), and a password reset asks for confirmation.
 */
import { ACCOUNTS, HARNESS_START_MS, consoleDrivers, startConsoleHarness, type ConsoleHarness } from './harness';
import { lyon } from './seed';

jest.setTimeout(300_000); // a loaded CI machine: the day is about 80 s alone

const driver = consoleDrivers().includes('postgres') ? 'postgres' : 'pglite';

describe(`console: a help-desk day (${driver})`, () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness({ driver });
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  it('creates, answers, waits, resolves and opens the case as an agent', async () => {
    await h.send(lyon('7710001'));
    const { page, errors } = await h.open(ACCOUNTS.agent, { path: '/tickets' });
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    await page.getByRole('link', { name: 'Nouveau ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nouveau ticket' }).waitFor();
    await page.getByLabel('Appel téléphonique').check();
    await expect(page.getByLabel('Pays du demandeur').inputValue()).resolves.toBe('FR');
    await page.getByLabel('Dossier (identifiant RINA, facultatif)').fill('7710001');
    await page.getByLabel('Objet').fill('La CPAM du Rhône demande où est passé un S072');
    await page.getByLabel('Description').fill('Appel de la CPAM du Rhône au sujet du dossier 7710001.');
    await h.step(page, 'new-ticket');
    await page.getByRole('button', { name: 'Créer le ticket' }).click();
    await page.getByRole('heading', { level: 1, name: /^Ticket HD/ }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const created = (await h.api('GET', `/api/tickets/${id}`)).body;
    expect(created).toEqual(expect.objectContaining({ counterpartCountry: 'FR', source: 'operator', caseId: '7710001', state: 'new' }));
    expect(created.counterpartRef).toMatch(/^APPEL-\d{12}-[A-Z0-9]{4}$/);

    // "Répondre" with nothing to say is refused: the first-response clock keeps running.
    await page.getByRole('radio', { name: 'Répondre', exact: true }).check();
    const answer = page.getByLabel('Réponse au demandeur (obligatoire)');
    await expect(answer.getAttribute('required')).resolves.not.toBeNull();
    await answer.fill('   ');
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await page.getByText('Une réponse doit contenir un message').waitFor();
    await h.step(page, 'empty-answer-refused');
    expect((await h.api('GET', `/api/tickets/${id}`)).body.state).toBe('new');
    await answer.fill('Le S072 a été transmis à la CPAM du Rhône le 2 décembre.');
    await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await page.getByText('Action enregistrée : Répondre.').waitFor();
    expect((await h.api('GET', `/api/tickets/${id}`)).body.sla.firstResponseAt).toEqual(expect.any(String));

    await page.getByRole('radio', { name: 'Mettre en attente', exact: true }).check();
    await page.getByLabel('En attente de').selectOption('institution');
    await page.getByRole('button', { name: 'Suspendre le délai' }).click();
    await page.getByText('Action enregistrée : Mettre en attente.').waitFor();
    await page.getByRole('radio', { name: 'Reprendre', exact: true }).check();
    await page.getByRole('button', { name: 'Reprendre le traitement' }).click();
    await page.getByText('Action enregistrée : Reprendre.').waitFor();
    await page.getByRole('radio', { name: 'Résoudre', exact: true }).check();
    await page.getByLabel('Message (facultatif)').fill('La CPAM confirme la réception.');
    await page.getByRole('button', { name: 'Résoudre le ticket' }).click();
    await page.getByText('Action enregistrée : Résoudre.').waitFor();
    await h.step(page, 'resolved');
    expect((await h.api('GET', `/api/tickets/${id}`)).body.state).toBe('resolved');

    // Found again by words of its subject, whatever the case.
    await page.goto('/tickets');
    await page.getByLabel('Recherche (objet, référence)').fill('rhône s072');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'rhône s072');
    await page.locator(`tr[data-ticket="${id}"]`).waitFor();
    expect(await page.locator('tbody tr[data-ticket]').count()).toBe(1);
    await h.step(page, 'search');

    // The case behind the ticket, read-only, and on record.
    await page.locator(`tr[data-ticket="${id}"]`).getByRole('link', { name: id }).click();
    await page.getByRole('link', { name: '7710001' }).click();
    await page.getByRole('heading', { level: 1, name: /7710001/ }).waitFor();
    await page.getByText('Consultation en lecture seule pour l’assistance').waitFor();
    await page.getByRole('heading', { name: 'Décisions de routage' }).waitFor();
    await expect(page.getByRole('button', { name: /Transférer|Retourner/ }).count()).resolves.toBe(0);
    await h.step(page, 'case-read-only');
    const audit = await h.api('GET', '/api/admin/audit?action=case.read&subjectId=7710001');
    expect(audit.body.items[0]).toEqual(expect.objectContaining({ actor: `operator:${ACCOUNTS.agent.username}`, data: { as: 'agent' } }));
    await page.getByRole('link', { name: `Retour au ticket ${id}` }).click();
    await page.getByRole('heading', { level: 1, name: `Ticket ${id}` }).waitFor();
    expect(errors).toEqual([]);
  });

  it('pages the audit trail with "next", and asks before resetting a password', async () => {
    for (let i = 0; i < 101; i += 1) expect((await h.api('POST', '/api/admin/tokens', { role: 'intake', label: `lot ${i}` })).status).toBe(201);
    // Someone failed on the admin's account: the admin is told at the next login.
    const wrong = await fetch(`${h.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ACCOUNTS.admin.username, password: 'Not-the-right-one-1' }) });
    expect(wrong.status).toBe(401);
    const { page, errors } = await h.open(ACCOUNTS.admin, { path: '/admin/audit' });
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText('1 tentative(s) de connexion échouée(s) sur votre compte').waitFor();
    const first = await page.locator('tbody tr').count();
    expect(first).toBe(100);
    await page.getByRole('link', { name: 'Page suivante' }).click();
    await page.waitForURL((u) => u.searchParams.has('cursor'));
    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('.notice-error').count()).toBe(0);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    await h.step(page, 'audit-next-page');

    await page.goto('/admin/accounts');
    await page.getByRole('heading', { level: 1 }).waitFor();
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
    await page.getByRole('button', { name: `Réinitialiser le mot de passe ${ACCOUNTS.operator.username}` }).click();
    expect(asked).toContain(ACCOUNTS.operator.username);
    // Dismissed: nothing was reset.
    const accounts = (await h.api('GET', '/api/admin/accounts')).body.items as Array<{ username: string; mustChangePassword?: boolean }>;
    expect(accounts.find((a) => a.username === ACCOUNTS.operator.username)?.mustChangePassword).toBeFalsy();
    expect(errors).toEqual([]);
  });
});
