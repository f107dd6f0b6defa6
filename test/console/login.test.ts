/**
 * Workflow "log in" (issue #10): the login form, a wrong password said plainly, the queue after login, logout,
 * and no page without a session (every path leads to the login form). Also how the service serves the console:
 * hashed assets cached immutably, index.html revalidated, a reload of a deep path works, no inline script or style.
 */
import { ACCOUNTS, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';

jest.setTimeout(120_000);

describe('console: log in', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness();
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  it('logs an operator in, shows the queue, and logs out', async () => {
    const { page, errors } = await h.open(undefined, { path: '/' });
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    await h.step(page, 'login-form');

    await page.getByLabel('Identifiant').fill(ACCOUNTS.operator.username);
    await page.getByLabel('Mot de passe').fill('not-the-password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('alert').filter({ hasText: 'Identifiant ou mot de passe incorrect.' }).waitFor();
    await h.step(page, 'wrong-password');

    await h.login(page, ACCOUNTS.operator);
    await page.getByRole('heading', { level: 1, name: 'File de tri' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/triage');
    expect(await page.title()).toBe('File de tri · Console de liaison');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Comptes' }).count()).resolves.toBe(0);
    await h.step(page, 'queue-after-login');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByText('Vous êtes déconnecté.').waitFor();
    await h.step(page, 'logged-out');
    // The session is gone on the server too: the API refuses the old cookie.
    const answer = await page.evaluate(async () => (await fetch('/api/triage')).status);
    expect(answer).toBe(401);
    expect(errors).toEqual([]);
  });

  it('shows no page without a session: a deep link leads to the login form, then to the page asked for', async () => {
    const { page, errors } = await h.open(undefined, { path: '/triage?reason=NO_RULE' });
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/login');
    expect(url.searchParams.get('next')).toBe('/triage?reason=NO_RULE');
    await expect(page.getByRole('navigation').count()).resolves.toBe(0);
    await h.step(page, 'redirected-to-login');
    await h.login(page, ACCOUNTS.operator);
    await page.waitForURL((u) => u.pathname === '/triage' && u.searchParams.get('reason') === 'NO_RULE');
    expect(errors).toEqual([]);
  });

  it('switches to English and remembers it', async () => {
    const { page, context } = await h.open(ACCOUNTS.operator);
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Triage queue' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await h.step(page, 'english');
    // Another tab of the same browser starts in English too (the choice is kept in the browser, not the URL).
    const again = await context.newPage();
    await again.goto('/triage');
    await again.getByRole('heading', { level: 1, name: /^(Triage queue|Log in)$/ }).waitFor();
    expect(await again.locator('html').getAttribute('lang')).toBe('en');
    await again.close();
  });

  it('serves the console: immutable hashed assets, index.html revalidated, deep paths, no inline code', async () => {
    const index = await fetch(`${h.baseUrl}/cases/4410023`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    expect(html).toContain('<div id="app"></div>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${h.baseUrl}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    const missing = await fetch(`${h.baseUrl}/assets/nope-123.js`);
    expect(missing.status).toBe(404);
    // The API keeps its own answers: JSON errors, never the console's page.
    const api = await fetch(`${h.baseUrl}/api/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('REQ_NOT_FOUND');
  });
});
