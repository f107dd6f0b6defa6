/**
 * The rule conditions as a form (issue #20): a supervisor edits a rule of the draft without JSON: adds a condition
 * (a fact from the service's list, its values from a multi-select), removes one, switches to JSON and back (a rule
 * the form cannot show stays JSON and says so), meets the service's problem in French next to the field it concerns,
 * fixes it and publishes. A second supervisor whose draft was started on the older table is refused in French.
 */
import type { Page } from 'playwright-core';
import { ACCOUNTS, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';
import { lyon, orphan } from './seed';

jest.setTimeout(240_000);

const focusedId = async (page: Page) => (await page.locator(':focus').getAttribute('id')) ?? '';

async function startDraft(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Brouillon de la table de règles' }).waitFor();
  await page.getByRole('button', { name: 'Commencer le brouillon' }).click();
  await page.getByRole('table', { name: /^Brouillon : 22 règle\(s\)/ }).waitFor();
}

async function simulateAndPublish(page: Page, reason: string): Promise<void> {
  await page.getByRole('button', { name: 'Simuler sur le trafic enregistré' }).click();
  await page.getByRole('region', { name: 'Résultat de la simulation' }).waitFor();
  await page.getByLabel('Motif de la publication').fill(reason);
  await page.getByRole('button', { name: 'Publier une nouvelle version' }).click();
}

describe('console: rule conditions as a form', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness();
    await h.send(lyon('F-1'));
    await h.send(orphan('F-2', { sender: { institutionId: 'BE:INAMI00001', name: 'INAMI', country: 'BE' } }));
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  // long-function: one supervisor's whole edit, step by step, as the screenshots follow it.
  it('adds and removes a condition, goes to JSON and back, shows a problem in French by its field, publishes', async () => {
    const { page, errors } = await h.open(ACCOUNTS.supervisor, { path: '/rules/draft' });
    // A second supervisor (the admin) starts a draft on the same table version meanwhile.
    const other = await h.open(ACCOUNTS.admin, { path: '/rules/draft' });
    await startDraft(other.page);
    await startDraft(page);

    // A rule the form cannot show stays JSON and says why.
    await page.getByRole('button', { name: 'Modifier GATE-NO-PERSON' }).click();
    const gate = page.getByRole('group', { name: 'Modifier GATE-NO-PERSON' });
    await gate.getByText('Cette règle a une condition « l’une de » (anyOf) que le formulaire ne sait pas montrer : elle reste en JSON.').waitFor();
    expect(await gate.getByLabel('La règle (JSON, modifiable)').inputValue()).toContain('"anyOf"');
    await gate.getByRole('button', { name: 'Annuler' }).click();

    // P-BENELUX-HUB as a form: sector = P, residence country one of BE, NL; forward to Carsat Hauts-de-France.
    await page.getByRole('button', { name: 'Modifier P-BENELUX-HUB' }).click();
    const editor = page.getByRole('group', { name: 'Modifier P-BENELUX-HUB' });
    const condition = (n: number) => editor.getByRole('group', { name: `Condition ${n}` });
    expect(await condition(1).getByLabel('Fait').inputValue()).toBe('sector');
    expect(await condition(1).getByLabel('Valeur').inputValue()).toBe('P');
    expect(await condition(2).getByLabel('Opérateur').inputValue()).toBe('in');
    expect(await condition(2).getByLabel('Valeur').inputValue()).toBe('BE, NL');
    await editor.getByText('Institution : FR:CARSATHF1').waitFor();
    await h.step(page, 'form-opened');

    // Add a condition by keyboard: the new condition's fact takes the focus; the sender is Belgian or Dutch.
    await editor.getByRole('button', { name: 'Ajouter une condition' }).focus();
    await page.keyboard.press('Enter');
    await condition(3).waitFor();
    expect(await focusedId(page)).toBe(await condition(3).getByLabel('Fait').getAttribute('id'));
    await condition(3).getByLabel('Fait').selectOption({ label: 'Pays de l’expéditeur' });
    await condition(3).getByLabel('Opérateur').selectOption({ label: 'est l’un de' });
    // Remove the residence condition: the focus goes to the condition now in its place.
    await editor.getByRole('button', { name: 'Retirer la condition 2' }).click();
    await condition(3).waitFor({ state: 'detached' });
    expect(await condition(2).getByLabel('Fait').inputValue()).toBe('senderCountry');
    expect(await focusedId(page)).toBe(await condition(2).getByLabel('Fait').getAttribute('id'));
    await h.step(page, 'form-edited');

    // Apply with no country chosen: the service's problem, in French, under the rule and next to the condition.
    await editor.getByRole('button', { name: 'Appliquer' }).click();
    await page.getByRole('button', { name: 'Simuler sur le trafic enregistré' }).click();
    const problems = page.locator('tr.draft-problems-row');
    await problems.getByText('Condition 2 : au moins 1 valeur(s) attendue(s)').waitFor();
    await page.getByRole('button', { name: 'Modifier P-BENELUX-HUB' }).click();
    await condition(2).getByRole('alert').getByText('au moins 1 valeur(s) attendue(s)').waitFor();
    await h.step(page, 'problem-by-field');
    await condition(2).getByLabel('Valeur').selectOption(['BE', 'NL']);

    // JSON and back: the JSON says what the form says; an edit there shows in the form.
    await editor.getByRole('button', { name: 'Modifier en JSON' }).click();
    const json = editor.getByLabel('La règle (JSON, modifiable)');
    const rule = JSON.parse(await json.inputValue()) as { when: unknown[]; description: string };
    expect(rule.when).toEqual([{ fact: 'sector', equals: 'P' }, { fact: 'senderCountry', in: ['BE', 'NL'] }]);
    await json.fill(JSON.stringify({ ...rule, description: 'Pensions from Belgium and the Netherlands' }, null, 2));
    await editor.getByRole('button', { name: 'Revenir au formulaire' }).click();
    expect(await editor.getByLabel('Description').inputValue()).toBe('Pensions from Belgium and the Netherlands');
    expect(await condition(2).getByLabel('Valeur').evaluate((s) => [...(s as unknown as { selectedOptions: { value: string }[] }).selectedOptions].map((o) => o.value))).toEqual(['BE', 'NL']);
    await editor.getByRole('button', { name: 'Appliquer' }).click();
    await page.locator('table.draft-table tr[data-rule="P-BENELUX-HUB"]').getByText('modifiée').waitFor();
    expect(await problems.count()).toBe(0);

    await simulateAndPublish(page, 'BE/NL pensions by sender country');
    await page.getByText('Publiée : table v2 en vigueur.').waitFor();
    const table = (await h.api('GET', '/api/rules')).body as { version: number; rules: Array<{ id: string; when: unknown[]; description: string }> };
    const published = table.rules.find((r) => r.id === 'P-BENELUX-HUB')!;
    expect([table.version, published.description, published.when]).toEqual([2, 'Pensions from Belgium and the Netherlands', [{ fact: 'sector', equals: 'P' }, { fact: 'senderCountry', in: ['BE', 'NL'] }]]);
    expect(errors).toEqual([]);

    // The second supervisor's draft was started on v1: its publication is refused, said in French.
    await other.page.getByRole('button', { name: 'Désactiver SA-MULTI-CPAM' }).click();
    await simulateAndPublish(other.page, 'An older draft');
    const stale = other.page.getByRole('alert').filter({ hasText: 'La table a changé sous ce brouillon' });
    await stale.getByText('Publication refusée : un autre superviseur a publié la v2 pendant que vous travailliez sur ce brouillon (commencé sur la v1). Vos modifications n’ont pas été publiées.').waitFor();
    await h.step(other.page, 'stale-draft');
    expect((await h.api('GET', '/api/rules')).body.version).toBe(2);
    await stale.getByRole('link', { name: 'Voir la table en vigueur' }).click();
    await other.page.getByRole('heading', { level: 1, name: 'Règles' }).waitFor();
    expect(other.errors).toEqual([]);
  });
});
