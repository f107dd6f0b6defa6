/**
 * The draft editor of the rule table (issue #13, "Rules and directory"): a supervisor starts a draft from the table
 * in force, disables a rule, moves one by keyboard, date-limits one, adds one (the service's validation error shown
 * under it, then fixed), simulates the draft on stored traffic (publishing stays impossible until the draft as it
 * stands is simulated), publishes it with a reason, and sees the new version and its diff; the published table has
 * every change and routes the next envelope. A draft survives a reload and can be started from an older version and
 * discarded. An operator reads the table but has no way into the editor, and the API refuses their publication.
 */
import type { Page } from 'playwright-core';
import { makeEnvelope } from '../helpers/envelopes';
import { ACCOUNTS, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';
import { lyon, orphan } from './seed';

jest.setTimeout(240_000);

const AUSTRIA = { institutionId: 'AT:PVA0000001', name: 'Pensionsversicherungsanstalt', country: 'AT' };
/** The rule the supervisor adds: pension claims from Austria without any other clue go to Carsat Alsace-Moselle. */
const addedRule = (institutionId: string) => ({
  id: 'P-AUSTRIA-ALSACE',
  description: 'Pension claims from Austria with no residence or reference',
  when: [{ fact: 'sector', equals: 'P' }, { fact: 'senderCountry', equals: 'AT' }],
  then: { forward: { institutionId } },
});
const DRAFT_KEY = 'eessi-liaison.rules-draft';

const ruleOrder = (page: Page) => page.locator('table.draft-table tr[data-rule]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')));
const focusedId = async (page: Page) => (await page.locator(':focus').getAttribute('id')) ?? '';
const focusedLabel = (page: Page) => page.locator(':focus').getAttribute('aria-label');
/** The draft kept in the tab's sessionStorage (the test runs outside the page, so the page's globals are named by hand). */
const storedDraft = (page: Page) => page.evaluate((k) => (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem(k), DRAFT_KEY);

describe('console: rule-table draft', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness();
    // The stored traffic the draft is simulated on: two claimants in Lyon (P-RESIDENCE), an A1 case (LA-URSSAF),
    // an Austrian and a German orphan (FALLBACK).
    await h.send(lyon('D-1'));
    await h.send(lyon('D-2'));
    await h.send(makeEnvelope({ caseId: 'D-3', documentId: 'laD3', bucType: 'LA_BUC_01', sedType: 'A001' }));
    await h.send(orphan('D-4', { sender: AUSTRIA }));
    await h.send(orphan('D-5'));
    const ruleOf = async (caseId: string) => (await h.api('GET', `/api/cases/${caseId}`)).body.decisions[0].ruleId as string;
    expect(await Promise.all(['D-1', 'D-2', 'D-3', 'D-4', 'D-5'].map(ruleOf))).toEqual(['P-RESIDENCE', 'P-RESIDENCE', 'LA-URSSAF', 'FALLBACK', 'FALLBACK']);
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  it('edits a draft (disable, move, date-limit, add), simulates it, publishes it, and shows the new version and its diff', async () => {
    const { page, errors } = await h.open(ACCOUNTS.supervisor, { path: '/rules' });
    await page.getByRole('link', { name: 'Modifier la table (brouillon)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Brouillon de la table de règles' }).waitFor();
    expect(await page.getByLabel('À partir de la version').inputValue()).toBe('1');
    await page.getByRole('button', { name: 'Commencer le brouillon' }).click();
    await page.getByRole('table', { name: 'Brouillon : 22 règle(s), dans l’ordre d’évaluation' }).waitFor();
    const publish = page.getByRole('button', { name: 'Publier une nouvelle version' });
    expect(await publish.isDisabled()).toBe(true);
    await page.getByText('Publication impossible : simulez d’abord le brouillon sur le trafic enregistré.').waitFor();
    await h.step(page, 'draft-started');

    // Disable P-RESIDENCE.
    await page.getByRole('button', { name: 'Désactiver P-RESIDENCE' }).click();
    const residence = page.locator('table.draft-table tr[data-rule="P-RESIDENCE"]');
    await residence.getByText('désactivée').waitFor();
    await residence.getByText('modifiée').waitFor();
    await residence.getByRole('button', { name: 'Activer P-RESIDENCE' }).waitFor();

    // Move P-BENELUX-HUB up two places with the keyboard: the focus stays on its button.
    await page.getByRole('button', { name: 'Monter P-BENELUX-HUB' }).focus();
    const moveUp = await focusedId(page);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe(moveUp);
    const order = await ruleOrder(page);
    expect(order.slice(10, 14)).toEqual(['P-SPECIAL-SCHEME', 'P-BENELUX-HUB', 'P-INVALIDITY-RESIDENCE', 'P-RESIDENCE']);

    // Date-limit LA-URSSAF: in force until 30 June 2026 (the stored A1 case is of November).
    await page.getByRole('button', { name: 'Dates de LA-URSSAF' }).click();
    const dates = page.getByRole('group', { name: 'Période de validité de LA-URSSAF' });
    await dates.getByLabel('En vigueur jusqu’au (inclus)').fill('2026-06-30');
    await h.step(page, 'date-limit');
    await dates.getByRole('button', { name: 'Appliquer' }).click();
    await page.locator('table.draft-table tr[data-rule="LA-URSSAF"]').getByText('jusqu’au 2026-06-30').waitFor();

    // A first simulation: the two Lyon claimants and the A1 case change.
    await page.getByRole('button', { name: 'Simuler sur le trafic enregistré' }).click();
    const sim = page.getByRole('region', { name: 'Résultat de la simulation' });
    await sim.getByText('3 décision(s) changent sur 5 SED rejoués.').waitFor();
    await sim.getByText('Transmis automatiquement : 60.0 % avant, 0.0 % après.').waitFor();
    expect(await publish.isDisabled()).toBe(false);

    // Add a rule before FALLBACK, first with an institution the directory does not know.
    expect(await page.getByLabel('Insérer avant').locator('option:checked').textContent()).toBe('22. FALLBACK');
    // The new rule is a form; JSON is an option.
    await page.getByRole('region', { name: 'Ajouter une règle' }).getByRole('button', { name: 'Modifier en JSON' }).click();
    await page.getByLabel('La nouvelle règle (JSON : id, conditions « when », décision « then »)').fill(JSON.stringify(addedRule('FR:CARSATXX9'), null, 2));
    await page.getByRole('button', { name: 'Ajouter au brouillon' }).click();
    await page.getByText('P-AUSTRIA-ALSACE ajoutée au brouillon en position 22.').waitFor();
    // The edit makes the simulation stale: publishing is impossible again, and says why.
    await page.getByText('Le brouillon a changé depuis la dernière simulation : son résultat ne vaut plus.').waitFor();
    await page.getByText('Publication impossible : le brouillon a changé depuis la dernière simulation ; simulez-le à nouveau.').waitFor();
    expect(await publish.isDisabled()).toBe(true);
    expect(await sim.count()).toBe(0);

    // The service refuses the draft; its error is shown under the rule it concerns.
    await page.getByRole('button', { name: 'Simuler sur le trafic enregistré' }).click();
    await page.getByText('La table du brouillon n’est pas valide : 1 problème(s), indiqués à côté des règles concernées.').waitFor();
    const problems = page.locator('tr.draft-problems-row');
    await problems.getByText('Problèmes de P-AUSTRIA-ALSACE :').waitFor();
    // In French, from the console's catalogue (the service's code and values), with the place it concerns.
    await problems.getByText('Décision : FR:CARSATXX9 n’est pas dans l’annuaire des institutions').waitFor();
    expect(await problems.locator('code').first().textContent()).toBe('/then/forward/institutionId');
    expect(await page.locator('table.draft-table tr.draft-rule.has-problems').getAttribute('data-rule')).toBe('P-AUSTRIA-ALSACE');
    expect(await publish.isDisabled()).toBe(true);
    await h.step(page, 'draft-invalid');

    // Edit the rule: the form shows the problem next to the decision; then as JSON, like "make this a rule".
    await page.getByRole('button', { name: 'Modifier P-AUSTRIA-ALSACE' }).click();
    const decision = page.getByRole('group', { name: 'Décision' });
    await decision.getByRole('alert').getByText('FR:CARSATXX9 n’est pas dans l’annuaire des institutions').waitFor();
    await page.getByRole('group', { name: 'Modifier P-AUSTRIA-ALSACE' }).getByRole('button', { name: 'Modifier en JSON' }).click();
    await page.getByLabel('La règle (JSON, modifiable)').fill(JSON.stringify(addedRule('FR:CARSATAM1'), null, 2));
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.locator('table.draft-table tr[data-rule="P-AUSTRIA-ALSACE"]').getByText('transmettre à FR:CARSATAM1').waitFor();
    expect(await problems.count()).toBe(0);

    // The draft survives a reload, still unsimulated as it stands.
    await page.reload();
    await page.getByRole('table', { name: 'Brouillon : 23 règle(s), dans l’ordre d’évaluation' }).waitFor();
    expect((await ruleOrder(page)).slice(10, 14)).toEqual(['P-SPECIAL-SCHEME', 'P-BENELUX-HUB', 'P-INVALIDITY-RESIDENCE', 'P-RESIDENCE']);
    await page.locator('table.draft-table tr[data-rule="P-AUSTRIA-ALSACE"]').getByText('nouvelle').waitFor();
    expect(await publish.isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Simuler sur le trafic enregistré' }).click();
    await sim.getByText('4 décision(s) changent sur 5 SED rejoués.').waitFor();
    await sim.getByText('Transmis automatiquement : 60.0 % avant, 20.0 % après.').waitFor();
    const counts = async (table: string, key: string) => (await sim.getByRole('table', { name: table }).locator(`tr[${key}]`).evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent).join(' ')))).sort();
    expect(await counts('Par règle', 'data-rule')).toEqual(['FALLBACK 2 4', 'LA-URSSAF 1 0', 'P-AUSTRIA-ALSACE 0 1', 'P-RESIDENCE 2 0']);
    expect(await counts('Par cible', 'data-target')).toEqual(['FR:CARSATAM1 0 1', 'FR:CARSATRA1 2 0', 'FR:URSSAFINT 1 0', 'triage:NO_RULE 2 4']);
    await sim.getByRole('cell', { name: 'D-4' }).waitFor();
    await page.getByText('Le brouillon tel qu’il est a été simulé : il peut être publié comme nouvelle version de la table.').waitFor();
    await h.step(page, 'simulated');

    await page.getByLabel('Motif de la publication').fill('Austrian pension orphans to Carsat Alsace-Moselle; A1 rule ends in June');
    await publish.click();
    await page.getByRole('heading', { level: 1, name: 'Règles' }).waitFor();
    await page.getByText('Publiée : table v2 en vigueur.').waitFor();
    const versions = page.getByRole('table', { name: 'Versions' });
    await versions.getByRole('row', { name: /^v2 operator:s\.lefevre .* Austrian pension orphans/ }).waitFor();
    await page.getByRole('button', { name: 'Comparer' }).click();
    await page.getByText('Ajoutée : P-AUSTRIA-ALSACE (position 22)').waitFor();
    const changes = await page.locator('.rule-diff > li').evaluateAll((items) => items.map((li) => li.textContent));
    expect(changes).toEqual([
      'Ajoutée : P-AUSTRIA-ALSACE (position 22)',
      'Déplacée : P-BENELUX-HUB (14 → 12)',
      'Modifiée : LA-URSSAFvalidTo : — → "2026-06-30"',
      'Modifiée : P-RESIDENCEenabled : — → false',
    ]);
    await page.getByRole('link', { name: 'Modifier la table (brouillon)' }).waitFor();
    expect(await storedDraft(page)).toBeNull();
    await h.step(page, 'published-diff');

    // The table in force has every change, and routes the next Austrian orphan by the new rule.
    const table = (await h.api('GET', '/api/rules')).body as { version: number; rules: Array<{ id: string; enabled?: boolean; validTo?: string; then: unknown }> };
    expect(table.version).toBe(2);
    const ids = table.rules.map((r) => r.id);
    expect(ids.slice(10, 14)).toEqual(['P-SPECIAL-SCHEME', 'P-BENELUX-HUB', 'P-INVALIDITY-RESIDENCE', 'P-RESIDENCE']);
    expect(ids.slice(-2)).toEqual(['P-AUSTRIA-ALSACE', 'FALLBACK']);
    expect(table.rules.find((r) => r.id === 'P-RESIDENCE')?.enabled).toBe(false);
    expect(table.rules.find((r) => r.id === 'LA-URSSAF')?.validTo).toBe('2026-06-30');
    expect(table.rules.find((r) => r.id === 'P-AUSTRIA-ALSACE')).toEqual(addedRule('FR:CARSATAM1'));
    const audit = (await h.api('GET', '/api/admin/audit?action=rules.publish')).body.items[0];
    expect(audit).toEqual(expect.objectContaining({ actor: `operator:${ACCOUNTS.supervisor.username}`, subjectId: '2' }));
    await h.send(orphan('D-6', { sender: AUSTRIA }));
    const d6 = (await h.api('GET', '/api/cases/D-6')).body;
    expect(d6.decisions[0]).toEqual(expect.objectContaining({ ruleId: 'P-AUSTRIA-ALSACE', ruleSetVersion: 2, institutionId: 'FR:CARSATAM1' }));
    expect(errors).toEqual([]);
  });

  it('starts a draft from an older version, keeps a deletion across a reload, and discards it', async () => {
    const { page, errors } = await h.open(ACCOUNTS.supervisor, { path: '/rules/draft' });
    await page.getByLabel('À partir de la version').selectOption('1');
    await page.getByRole('button', { name: 'Commencer le brouillon' }).click();
    await page.getByText(/à partir de la v1 ; table en vigueur à ce moment : v2\.$/).waitFor();
    expect(await ruleOrder(page)).not.toContain('P-AUSTRIA-ALSACE');
    await page.getByRole('button', { name: 'Supprimer SA-MULTI-CPAM' }).click();
    await page.getByRole('table', { name: 'Brouillon : 21 règle(s), dans l’ordre d’évaluation' }).waitFor();
    // The focus goes to the next rule's delete button, not to the top of the page.
    expect(await focusedLabel(page)).toBe('Supprimer SA-RESIDENCE');
    await page.reload();
    await page.getByRole('table', { name: 'Brouillon : 21 règle(s), dans l’ordre d’évaluation' }).waitFor();
    expect(await ruleOrder(page)).not.toContain('SA-MULTI-CPAM');
    const stored = JSON.parse((await storedDraft(page))!) as { owner: string; basedOnVersion: number };
    expect(stored).toEqual(expect.objectContaining({ owner: ACCOUNTS.supervisor.username, basedOnVersion: 2 }));

    await page.getByRole('button', { name: 'Abandonner le brouillon' }).click();
    const dialog = page.getByRole('dialog', { name: 'Abandonner le brouillon' });
    await dialog.getByText('Abandonner le brouillon ? Ses modifications non publiées seront perdues.').waitFor();
    await h.step(page, 'discard-dialog');
    await dialog.getByRole('button', { name: 'Abandonner', exact: true }).click();
    await page.getByText('Brouillon abandonné.').waitFor();
    await page.getByRole('button', { name: 'Commencer le brouillon' }).waitFor();
    expect(await storedDraft(page)).toBeNull();
    await page.reload();
    await page.getByRole('button', { name: 'Commencer le brouillon' }).waitFor();
    await h.step(page, 'discarded');
    expect((await h.api('GET', '/api/rules')).body.version).toBe(2);
    expect(errors).toEqual([]);
  });

  it('shows an operator the table read-only, with no way into the editor; the API refuses their publication', async () => {
    const { page, errors } = await h.open(ACCOUNTS.operator, { path: '/rules' });
    await page.getByRole('heading', { level: 1, name: 'Règles' }).waitFor();
    await page.getByRole('table', { name: 'Table v2, dans l’ordre d’évaluation' }).getByRole('cell', { name: 'P-AUSTRIA-ALSACE' }).waitFor();
    expect(await page.getByRole('link', { name: /brouillon/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Désactiver|Monter|Supprimer) / }).count()).toBe(0);
    await h.step(page, 'operator-rules');
    await page.goto('/rules/draft');
    await page.getByText('Cette page demande un autre rôle que le vôtre.').waitFor();
    expect(await page.getByRole('button', { name: 'Commencer le brouillon' }).count()).toBe(0);
    await h.step(page, 'operator-draft-refused');

    const current = (await h.api('GET', '/api/rules')).body as { version: number; rules: unknown[] };
    const answer = await page.evaluate(async (body) => {
      const s = await (await fetch('/api/session')).json() as { csrfToken: string };
      const res = await fetch('/api/rules', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() as { error: { code: string } } };
    }, { rules: current.rules, reason: 'an operator tries', basedOnVersion: current.version });
    expect(answer).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'AUTH_FORBIDDEN' }) } });
    expect((await h.api('GET', '/api/rules')).body.version).toBe(2);
    expect(errors).toEqual([]);
  });
});
