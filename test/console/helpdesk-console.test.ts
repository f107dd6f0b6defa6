/**
 * Workflows of the help desk's pages (issue #13): the ticket list with the SLA colours the service computes and its
 * filters in the URL, paged as the API pages; act on a ticket and see its colour change in the view and in the list;
 * every action of docs/contract.md §5 from the ticket view, internal and external messages apart, pauses with their
 * party, the conversation with the counterpart desk and the history; the service's refusal next to the form;
 * who sees the desk. On PostgreSQL (PGlite when no PostgreSQL is reachable and REQUIRE_SERVICES is not set).
 *
 * The service's clock starts at Wednesday 25 November 2026, 11:00 Paris (a business day) and runs on from there, so
 * the business-hour clocks give the same colours whatever day and hour the test runs. Logging in happens on real
 * time: the session cookie's expiry is the service's time plus 12 h, and the browser keeps only a cookie that has
 * not expired; the service's time then goes back to where it was, never before an event already recorded.
 */
import type { Locator, Page } from 'playwright-core';
import { ACCOUNTS, HARNESS_START_MS, consoleDrivers, startConsoleHarness, type Account, type BrowserUser, type ConsoleHarness } from './harness';

jest.setTimeout(240_000);

const driver = consoleDrivers().includes('postgres') ? 'postgres' : 'pglite';

const NOW = Date.parse('2026-11-25T10:00:00Z'); // Wed 25 Nov 2026 11:00 Paris (UTC+1)
const paris = (local: string) => new Date(`${local}+01:00`).toISOString();

/** The colours of the palette (console/src/styles/base.css) the SLA badges are painted with. */
const BADGE_BACKGROUND = { ok: 'rgb(227, 243, 232)', warn: 'rgb(255, 241, 209)', danger: 'rgb(253, 230, 228)' };

interface Seed {
  counterpartCountry: string;
  counterpartRef: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  slaStartAt: string;
  subject: string;
}

describe(`console: help desk (${driver})`, () => {
  let h: ConsoleHarness;
  const ids: Record<'de' | 'be' | 'it' | 'fr', string> = { de: '', be: '', it: '', fr: '' };
  let shift = 0;

  /** Logged in on real time, then the service's clock back on the test's time line and the page loaded at `path`. */
  async function openAt(account: Account, path: string): Promise<BrowserUser> {
    h.clock.offsetMs = 0;
    const user = await h.open(account);
    h.clock.offsetMs = shift;
    await user.page.goto(path);
    await user.page.getByRole('heading', { level: 1 }).waitFor();
    return user;
  }

  async function openTicket(seed: Seed): Promise<string> {
    const r = await h.api('POST', '/api/tickets', {
      ...seed, category: 'competent-institution', caseId: '4410023', bucType: 'P_BUC_01', sedType: 'P2000',
      description: 'Le bureau demande quelle institution française traite ce dossier.',
    });
    if (r.status !== 201) throw new Error(`ticket: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  }

  const row = (page: Page, id: string) => page.locator(`tr[data-ticket="${id}"]`);
  const listedIds = async (page: Page) => page.locator('tbody tr[data-ticket]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')));
  /** The colour the browser paints an element's background with (what a person sees, not a class name). */
  const background = (badge: Locator) => badge.evaluate((el) =>
    (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
  const clock = (page: Page, name: 'firstResponse' | 'resolution') => page.locator(`[data-clock="${name}"]`);
  const act = async (page: Page, action: string, button: string, fill?: (page: Page) => Promise<unknown>) => {
    await page.getByRole('radio', { name: action, exact: true }).check();
    await fill?.(page);
    await page.getByRole('button', { name: button }).click();
    await page.getByText(`Action enregistrée : ${action}.`).waitFor();
  };

  beforeAll(async () => {
    h = await startConsoleHarness({ driver });
    shift = NOW - Date.now();
    h.clock.offsetMs = shift;
    // Opened in this order, so listed newest first: fr, it, be, de.
    ids.de = await openTicket({ counterpartCountry: 'DE', counterpartRef: 'DE-HD-4711', priority: 'P1', slaStartAt: paris('2026-11-25T09:20:00'),
      subject: 'Où est passé le P2000 du dossier 4410023 ?' }); // 100 of 120 business minutes used: warning (from 90)
    ids.be = await openTicket({ counterpartCountry: 'BE', counterpartRef: 'BE-HD-0815', priority: 'P3', slaStartAt: paris('2026-11-25T10:50:00'),
      subject: 'Demande de formulaire S1' }); // 10 minutes of 8 hours: on time
    ids.it = await openTicket({ counterpartCountry: 'IT', counterpartRef: 'IT-HD-77', priority: 'P2', slaStartAt: paris('2026-11-23T09:00:00'),
      subject: 'Relance sur un P5000' }); // response due Mon 23 Nov 13:00: breached
    ids.fr = await openTicket({ counterpartCountry: 'FR', counterpartRef: 'FR-CPAM-69-2211', priority: 'P3', slaStartAt: paris('2026-11-24T15:30:00'),
      subject: 'Dossier reçu par erreur' }); // 3 h 30 of the 8-hour response: on time
    expect((await h.api('POST', `/api/tickets/${ids.be}/actions`, { action: 'respond', message: 'Nous regardons.' })).status).toBe(200);
    expect((await h.api('POST', `/api/tickets/${ids.it}/actions`, { action: 'assign', assignee: ACCOUNTS.agent.username })).status).toBe(200);
  }, HARNESS_START_MS);
  afterAll(async () => {
    await h?.close();
  });

  it('lists tickets with the SLA colours of the service and narrows them by state, priority, country and assignee, in the URL, paged', async () => {
    const { page, errors } = await openAt(ACCOUNTS.agent, '/tickets?sort=created');
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    await page.locator('tbody tr[data-ticket]').nth(3).waitFor(); // the list arrives after the heading
    expect(await listedIds(page)).toEqual([ids.fr, ids.it, ids.be, ids.de]);
    for (const [id, text, tone] of [[ids.de, 'Échéance proche', 'warn'], [ids.be, 'Dans les délais', 'ok'], [ids.it, 'Délai dépassé', 'danger'], [ids.fr, 'Dans les délais', 'ok']] as const) {
      const badge = row(page, id).locator('td').nth(1).locator('.badge');
      expect([id, await badge.innerText(), await background(badge)]).toEqual([id, text, BADGE_BACKGROUND[tone]]);
    }
    const api = (await h.api('GET', '/api/tickets')).body.items as Array<{ id: string; sla: { status: string; firstResponseDueAt: string } }>;
    expect(api.map((t) => t.sla.status)).toEqual(['on-time', 'breached', 'on-time', 'warning']);
    await row(page, ids.de).getByText('25/11/2026 11:20 UTC+1').waitFor(); // P1: first response due 2 business hours after 09:20
    await row(page, ids.be).getByText(/^répondu le 25\/11\/2026 11:0\d UTC\+1$/).waitFor();
    await h.step(page, 'list');

    await page.getByLabel('Pays du correspondant').selectOption('DE');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('counterpartCountry') === 'DE');
    await page.locator(`tr[data-ticket="${ids.fr}"]`).waitFor({ state: 'detached' });
    expect(await listedIds(page)).toEqual([ids.de]);
    await page.reload();
    await row(page, ids.de).waitFor();
    expect(await listedIds(page)).toEqual([ids.de]);
    await expect(page.getByLabel('Pays du correspondant').inputValue()).resolves.toBe('DE');
    await h.step(page, 'filtered-by-country');

    await page.goto('/tickets?sort=created&priority=P1&priority=P2');
    await row(page, ids.it).waitFor();
    expect(await listedIds(page)).toEqual([ids.it, ids.de]);
    await expect(page.getByRole('checkbox', { name: 'P2' }).isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await page.getByRole('checkbox', { name: 'ouvert', exact: true }).check();
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.getAll('state').join() === 'open' && !u.searchParams.has('priority')); // the order (sort=created) stays
    await page.locator(`tr[data-ticket="${ids.de}"]`).waitFor({ state: 'detached' });
    expect(await listedIds(page)).toEqual([ids.be]);

    await page.getByRole('button', { name: 'Mes tickets' }).click();
    await page.waitForURL((u) => u.searchParams.get('assignee') === ACCOUNTS.agent.username && !u.searchParams.has('state'));
    await row(page, ids.it).waitFor();
    expect(await listedIds(page)).toEqual([ids.it]);
    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await page.getByLabel('Non attribués').check();
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('assigned') === 'false');
    await page.locator(`tr[data-ticket="${ids.it}"]`).waitFor({ state: 'detached' });
    expect(await listedIds(page)).toEqual([ids.fr, ids.be, ids.de]);
    await h.step(page, 'unassigned');

    await page.goto('/tickets?sort=created&limit=2');
    await row(page, ids.it).waitFor();
    expect(await listedIds(page)).toEqual([ids.fr, ids.it]);
    await page.getByRole('link', { name: 'Page suivante' }).click();
    await row(page, ids.de).waitFor();
    expect(await listedIds(page)).toEqual([ids.be, ids.de]);
    await expect(page.getByRole('link', { name: 'Page suivante' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Première page' }).waitFor();
    await h.step(page, 'second-page');
    expect(errors).toEqual([]);
  });

  it('acts on a help-desk ticket and sees its colour change, in the view and in the list', async () => {
    const { page, errors } = await openAt(ACCOUNTS.agent, '/tickets');
    // The scheduler's escalation sweep (not running in this harness) raises what the tickets crossed by now.
    const sweep = await h.svc.helpdesk.jobs.escalate(h.clock.now());
    expect(sweep.ran && sweep.result.raised.filter((e) => e.ticketId === ids.de).map((e) => e.kind)).toEqual(['response-warning']);
    await row(page, ids.de).getByRole('link', { name: ids.de }).click();
    await page.getByRole('heading', { level: 1, name: `Ticket ${ids.de}` }).waitFor();
    const header = page.getByRole('heading', { level: 1 });
    await header.getByText('Échéance proche').waitFor();
    await clock(page, 'firstResponse').getByText('Échéance proche').waitFor();
    await clock(page, 'firstResponse').getByText(/^1 h 4\d min sur 2 h$/).waitFor(); // 100 minutes at 11:00, and the test's own minutes
    expect(await background(header.locator('.badge').first())).toBe(BADGE_BACKGROUND.warn);
    expect(await background(clock(page, 'firstResponse'))).toBe(BADGE_BACKGROUND.warn);
    await clock(page, 'resolution').getByText('Dans les délais').waitFor();
    await page.locator('.ticket-escalations').getByText('alerte première réponse').waitFor();
    await page.locator('.timeline').getByText('system:escalation').waitFor();
    await h.step(page, 'view-warning');

    await act(page, 'Répondre', 'Envoyer la réponse', (p) => p.getByLabel('Réponse au demandeur (obligatoire)').fill('Le P2000 a été transmis à la Carsat Rhône-Alpes le 20/11.'));
    await header.getByText('Dans les délais').waitFor();
    await clock(page, 'firstResponse').getByText('arrêtée').waitFor();
    expect(await clock(page, 'firstResponse').locator('.badge').innerText()).toBe('Dans les délais');
    expect(await background(header.locator('.badge').first())).toBe(BADGE_BACKGROUND.ok);
    await page.getByRole('heading', { name: 'Échanges avec le bureau correspondant' }).waitFor();
    const sent = page.locator('.ticket-thread-item.thread-out');
    await sent.getByText('Le P2000 a été transmis à la Carsat Rhône-Alpes le 20/11.').waitFor();
    await sent.getByText('non envoyé (pas de courtier)').waitFor(); // no broker in this harness
    await h.step(page, 'view-answered');

    await page.getByRole('link', { name: '← Tickets' }).click();
    await row(page, ids.de).waitFor();
    await row(page, ids.de).getByText('Dans les délais').first().waitFor();
    expect(await row(page, ids.de).getAttribute('class')).toBe('sla-on-time');
    expect(await background(row(page, ids.de).locator('td').nth(1).locator('.badge'))).toBe(BADGE_BACKGROUND.ok);

    // Raising the French ticket to P1 after 3 h 30 of business time: its 2-hour first response is already late.
    await row(page, ids.fr).getByRole('link', { name: ids.fr }).click();
    await page.getByRole('heading', { level: 1, name: `Ticket ${ids.fr}` }).waitFor();
    await header.getByText('Dans les délais').waitFor();
    await act(page, 'Changer la priorité', 'Appliquer la priorité', async (p) => {
      await p.getByLabel('Nouvelle priorité').selectOption('P1');
      await p.getByLabel('Message (facultatif)').fill('Assuré sans couverture maladie depuis octobre.');
    });
    await header.getByText('Délai dépassé').waitFor();
    expect(await background(header.locator('.badge').first())).toBe(BADGE_BACKGROUND.danger);
    expect(await background(clock(page, 'firstResponse'))).toBe(BADGE_BACKGROUND.danger);
    await page.locator('.timeline').getByText('P3 → P1').waitFor();
    await page.getByText('Aucun échange (ticket français ou automatique, ou rien d’envoyé pour l’instant).').waitFor();
    await h.step(page, 'view-raised');
    await page.getByRole('link', { name: '← Tickets' }).click();
    await row(page, ids.fr).getByText('Délai dépassé').first().waitFor();
    expect(await row(page, ids.fr).getAttribute('class')).toBe('sla-breached');
    await h.step(page, 'list-after');

    const ticket = (await h.api('GET', `/api/tickets/${ids.fr}`)).body;
    expect([ticket.priority, ticket.sla.status, ticket.sla.firstResponseStatus]).toEqual(['P1', 'breached', 'breached']);
    const audit = (await h.api('GET', `/api/admin/audit?action=ticket.priority`)).body.items;
    expect(audit).toEqual([expect.objectContaining({ actor: `operator:${ACCOUNTS.agent.username}`, subjectId: ids.fr, before: { priority: 'P3' }, after: { priority: 'P1' } })]);
    expect(errors).toEqual([]);
  });

  it('offers every action of the contract from the ticket view: messages internal and external apart, pauses with their party, thread, history, refusals', async () => {
    const es = await openTicket({ counterpartCountry: 'ES', counterpartRef: 'ES-HD-2026-31', priority: 'P2', slaStartAt: paris('2026-11-25T10:30:00'),
      subject: 'Pregunta sobre un S072' });
    const { page, errors } = await openAt(ACCOUNTS.agent, `/tickets/${es}`);
    await page.getByRole('heading', { level: 1, name: `Ticket ${es}` }).waitFor();
    const offered = () => page.locator('.ticket-action-choice label').allInnerTexts();
    // A new ticket cannot wait (a first response comes first) nor be reopened or closed: the service says so.
    expect(await offered()).toEqual(['Répondre', 'Résoudre', 'Commenter', 'Attribuer', 'Changer la priorité']);
    expect((await h.api('GET', `/api/tickets/${es}`)).body.allowedActions).toEqual(['respond', 'resolve', 'comment', 'assign', 'priority']);

    await act(page, 'Attribuer', 'Enregistrer l’attribution', (p) => p.getByRole('button', { name: 'Moi', exact: true }).click());
    await page.locator('.ticket-facts').getByText(ACCOUNTS.agent.username).waitFor();
    await act(page, 'Commenter', 'Ajouter le commentaire', async (p) => {
      await expect(p.getByLabel('Interne : l’équipe seulement').isChecked()).resolves.toBe(true);
      await p.getByRole('textbox', { name: 'Commentaire' }).fill('Vérifier avec la CPAM de Lille avant de répondre.');
    });
    await act(page, 'Commenter', 'Ajouter le commentaire', async (p) => {
      await p.getByRole('textbox', { name: 'Commentaire' }).fill('Nous consultons l’institution compétente.');
      await p.getByLabel('Externe : le demandeur le reçoit').check();
    });
    await act(page, 'Répondre', 'Envoyer la réponse', (p) => p.getByLabel('Réponse au demandeur (obligatoire)').fill('Le dossier relève de la CPAM de Lille.'));
    await act(page, 'Mettre en attente', 'Suspendre le délai', async (p) => {
      await p.getByLabel('En attente de').selectOption('counterpart');
      await expect(p.getByLabel('Externe : le demandeur le reçoit').isChecked()).resolves.toBe(true);
      await p.getByLabel('Message (facultatif)').fill('Pouvez-vous nous envoyer le S072 complet ?');
    });
    await page.getByRole('heading', { level: 1 }).getByText('en attente du correspondant').waitFor();
    await clock(page, 'resolution').getByText('en pause').waitFor();
    await h.step(page, 'waiting-counterpart');

    // The Spanish desk answers on liaison.helpdesk: the message is added and the ticket resumes.
    await h.svc.helpdesk.inbound.receive({ counterpartCountry: 'ES', counterpartRef: 'ES-HD-2026-31', messageId: 'ES-MSG-1', message: 'Adjuntamos el S072.' });
    await page.reload();
    await page.getByRole('heading', { level: 1 }).getByText('ouvert').waitFor();
    const received = page.locator('.ticket-thread-item.thread-in');
    await received.getByText('Adjuntamos el S072.').waitFor();
    await received.getByText('reprise').waitFor();

    await act(page, 'Mettre en attente', 'Suspendre le délai', (p) => p.getByLabel('En attente de').selectOption('institution'));
    await page.getByRole('heading', { level: 1 }).getByText('en attente de l’institution').waitFor();
    await page.getByRole('radio', { name: 'Mettre en attente', exact: true }).check();
    expect(await page.getByLabel('En attente de').locator('option').allInnerTexts()).toEqual(['Correspondant']); // not the party waited on
    await act(page, 'Reprendre', 'Reprendre le traitement');
    await act(page, 'Résoudre', 'Résoudre le ticket', (p) => p.getByLabel('Message (facultatif)').fill('Transmis à la CPAM de Lille, qui vous répondra.'));
    await page.getByRole('heading', { level: 1 }).getByText('résolu').waitFor();
    await clock(page, 'resolution').getByText('arrêtée').waitFor();
    await act(page, 'Clore', 'Clore le ticket');
    // The confirmation shows once the view has reloaded: the new state and the actions it allows are there.
    await page.getByRole('heading', { level: 1 }).getByText('clos', { exact: true }).waitFor();
    expect(await offered()).toEqual(['Rouvrir']);
    await act(page, 'Rouvrir', 'Rouvrir le ticket', (p) => p.getByLabel('Message (facultatif)').fill('Réouvert : la CPAM de Lille n’a pas reçu le dossier.'));
    await page.getByRole('heading', { level: 1 }).getByText('ouvert').waitFor();

    const internal = page.locator('.ticket-message[data-visibility="internal"]');
    const external = page.locator('.ticket-message[data-visibility="external"]');
    expect(await internal.locator('.ticket-message-text').allInnerTexts()).toEqual(['Vérifier avec la CPAM de Lille avant de répondre.']);
    await internal.getByText('interne', { exact: true }).waitFor();
    expect(await external.locator('.ticket-message-text').allInnerTexts()).toEqual([
      'Nous consultons l’institution compétente.', 'Le dossier relève de la CPAM de Lille.', 'Pouvez-vous nous envoyer le S072 complet ?',
      'Adjuntamos el S072.', 'Transmis à la CPAM de Lille, qui vous répondra.', 'Réouvert : la CPAM de Lille n’a pas reçu le dossier.',
    ]);
    const thread = (await h.api('GET', `/api/tickets/${es}`)).body.thread as Array<{ direction: string; event: string }>;
    expect(thread.map((m) => `${m.direction}:${m.event}`)).toEqual(['out:comment', 'out:response', 'out:information-request', 'in:resumed', 'out:resolved', 'out:reopened']);
    expect(await page.locator('.ticket-thread-item .ticket-thread-event').allInnerTexts()).toEqual(['commentaire', 'réponse', 'demande d’information', 'reprise', 'résolution', 'réouverture']);
    expect(await page.locator('.timeline .timeline-kind').allInnerTexts()).toEqual([
      'Réouverture', 'Clôture', 'Résolution', 'Reprise', 'Mise en attente de l’institution', 'Reprise', 'Commentaire',
      'Mise en attente du correspondant', 'Réponse', 'Commentaire', 'Commentaire', 'Attribution', 'Ouverture',
    ]);
    await page.locator('.timeline').getByText('amqp:helpdesk · ouvert').first().waitFor(); // the counterpart's message resumed the ticket
    await h.step(page, 'all-actions');

    // Someone else resolves the ticket meanwhile: the service refuses the pause, the form says why and offers what is left.
    expect((await h.api('POST', `/api/tickets/${es}/actions`, { action: 'resolve' })).status).toBe(200);
    await page.getByRole('radio', { name: 'Mettre en attente', exact: true }).check();
    await page.getByRole('button', { name: 'Suspendre le délai' }).click();
    const refusal = page.locator('.ticket-actions').getByRole('alert');
    await refusal.getByText('HDK_INVALID_TRANSITION').waitFor();
    await refusal.getByText('Le ticket a changé : cette action n’est plus possible dans son état.', { exact: false }).waitFor(); // the service's English message, in French from the console's catalogue
    await page.getByRole('heading', { level: 1 }).getByText('résolu').waitFor();
    expect(await offered()).toEqual(['Rouvrir', 'Commenter', 'Attribuer', 'Clore']);
    await h.step(page, 'refused');
    expect(errors).toEqual([]);
  });

  it('shows the desk to the roles the API lets read tickets; other callers are refused', async () => {
    const agent = await openAt(ACCOUNTS.agent, '/triage');
    await agent.page.waitForURL((u) => u.pathname === '/tickets'); // an agent has no triage: the desk is its home
    const nav = agent.page.getByRole('navigation');
    await nav.getByRole('heading', { name: 'Assistance' }).waitFor();
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Tickets']);
    await agent.page.goto('/rules');
    await agent.page.getByText('Cette page demande un autre rôle que le vôtre.').waitFor();
    await h.step(agent.page, 'agent-refused-rules');

    const operator = await openAt(ACCOUNTS.operator, '/triage');
    await operator.page.getByRole('navigation').getByRole('link', { name: 'Tickets' }).click();
    await row(operator.page, ids.de).waitFor();
    await h.step(operator.page, 'operator-tickets');

    const institution = await h.institutionToken('FR:CARSATRA1');
    for (const [method, path, body] of [['GET', '/api/tickets'], ['GET', `/api/tickets/${ids.de}`], ['POST', `/api/tickets/${ids.de}/actions`, { action: 'comment', message: 'x' }]] as const) {
      const r = await h.api(method, path, body, institution);
      expect([path, r.status, r.body.error.code]).toEqual([path, 403, 'AUTH_FORBIDDEN']);
    }
    expect(agent.errors).toEqual([]);
    expect(operator.errors).toEqual([]);
  });
});
