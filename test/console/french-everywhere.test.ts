/**
 * French everywhere (issue #20), in Chromium against the real service: on every page of the console in French, no
 * English sentence the service produced shows. The English is collected from the service itself: the catalogue of
 * its errors (`ERRORS`), the reasons and problems of the inputs it quarantined (schema, syntax, cross-field checks,
 * unknown BUC type), the explanations and traces of its routing decisions and the bases of its suggestions. The
 * quarantine's problems are said from their codes, in French and in English.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ERRORS, type ErrorCode } from '../../src/shared/errors';
import { makeEnvelope } from '../helpers/envelopes';
import { ACCOUNTS, BOOTSTRAP_TOKEN, HARNESS_START_MS, startConsoleHarness, type ConsoleHarness } from './harness';
import { lyon, orphan } from './seed';

jest.setTimeout(300_000);

/** Short fragments ("purged", "is invalid") could be French words or ids too: only sentences are looked for. */
const sentence = (s: unknown): s is string => typeof s === 'string' && s.length >= 15 && /\s/.test(s);

describe('console: French everywhere', () => {
  let h: ConsoleHarness;
  const english = new Set<string>();
  const quarantined: string[] = [];
  let ticketId = '';

  async function reject(body: string): Promise<void> {
    const r = await fetch(`${h.baseUrl}/api/envelopes`, { method: 'POST', headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' }, body });
    const answer = (await r.json()) as { quarantineId?: string };
    if (!answer.quarantineId) throw new Error(`not quarantined: ${r.status} ${JSON.stringify(answer)}`);
    quarantined.push(answer.quarantineId);
  }

  beforeAll(async () => {
    h = await startConsoleHarness();
    for (const e of Object.values(ERRORS) as Array<{ doc: string }>) english.add(e.doc);
    // Rejected inputs, one per kind of problem.
    const env = makeEnvelope({ caseId: '7730009' });
    await reject(JSON.stringify({ ...env, envelopeId: undefined, sedType: 42 }));
    await reject('{"envelopeId": "cut-short",');
    await reject(JSON.stringify({ ...makeEnvelope({ caseId: '7730008' }), sender: { ...env.sender, country: 'FR' } }));
    await reject(JSON.stringify(makeEnvelope({ caseId: '7730007', bucType: 'P_BUC_77' })));
    await reject(JSON.stringify({ ...makeEnvelope({ caseId: '7730006' }), sed: { P2000: {}, P5000: {} } }));
    for (const id of quarantined) {
      const q = (await h.api('GET', `/api/quarantine/${id}`)).body;
      english.add(q.message);
      for (const d of q.details) english.add(d.message);
    }
    // Cases with the router's decisions and an operator's, and one with suggestions.
    await h.send(orphan('7730001'));
    await h.send(orphan('7730002'));
    await h.send(lyon('7730003'));
    expect((await h.api('POST', '/api/triage/7730001/assign', { institutionId: 'FR:CARSATRA1' })).status).toBe(200);
    for (const id of ['7730001', '7730002', '7730003']) {
      for (const d of (await h.api('GET', `/api/cases/${id}`)).body.decisions) {
        english.add(d.explanation);
        for (const s of d.trace) for (const w of [s.failed, s.skipped, s.explanation]) english.add(w);
      }
    }
    for (const s of (await h.api('GET', '/api/triage/7730002/suggestions')).body.items) english.add(s.basis);
    const ticket = await h.api('POST', '/api/tickets', {
      counterpartCountry: 'DE', counterpartRef: 'DE-FR-7730003', priority: 'P2', subject: 'Quelle institution traite ce dossier ?',
      category: 'competent-institution', caseId: '7730003', description: 'Le bureau allemand demande qui traite ce dossier.',
    });
    if (ticket.status !== 201) throw new Error(`ticket: ${ticket.status} ${JSON.stringify(ticket.body)}`);
    ticketId = ticket.body.id as string;
    for (const s of [...english]) if (!sentence(s)) english.delete(s);
  }, HARNESS_START_MS + 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The page at `path`, loaded: its heading shown and nothing left loading. */
  async function load(page: Page, path: string): Promise<string> {
    await page.goto(path);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.locator('.status-loading').first().waitFor({ state: 'detached' });
    return page.locator('body').innerText();
  }

  it('shows each quarantined input\'s reason and problems from their codes, in French and in English', async () => {
    expect(quarantined).toHaveLength(5);
    const { page, errors } = await h.open(ACCOUNTS.admin);
    const said = async (id: string, text: string) => {
      await load(page, `/quarantine?status=open&id=${encodeURIComponent(id)}`);
      await page.getByRole('region', { name: `Entrée ${id}` }).getByText(text, { exact: false }).first().waitFor();
    };
    await said(quarantined[0]!, 'obligatoire mais absent');
    await said(quarantined[0]!, 'Le SED ne respecte pas son schéma.');
    await said(quarantined[1]!, 'la syntaxe JSON est invalide');
    await said(quarantined[2]!, 'mais l’institution');
    await said(quarantined[3]!, 'n’est pas un type de BUC du catalogue');
    await said(quarantined[4]!, 'seule clé racine');
    await h.step(page, 'quarantine-fr');
    await page.evaluate(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('liaison.console.locale', 'en'));
    await load(page, `/quarantine?status=open&id=${encodeURIComponent(quarantined[0]!)}`);
    await page.getByRole('region', { name: `Entry ${quarantined[0]}` }).getByText('is required but missing').first().waitFor();
    await h.step(page, 'quarantine-en');
    expect(errors).toEqual([]);
  });

  it('shows in French no English sentence of the service, on every page', async () => {
    expect(english.size).toBeGreaterThan(60);
    const { page, errors } = await h.open(ACCOUNTS.admin);
    const paths = [
      '/triage', '/cases/7730001', '/cases/7730002', '/cases/7730003', '/search?caseId=7730001', '/tickets', `/tickets/${ticketId}`,
      '/quarantine', ...quarantined.map((id) => `/quarantine?status=open&id=${encodeURIComponent(id)}`),
      '/overview', '/reports', '/directory', '/admin/accounts', '/admin/tokens', '/admin/audit', '/rules', '/rules/draft', '/rules/candidates',
    ];
    for (const path of paths) {
      const text = await load(page, path);
      if (path.startsWith('/cases/')) {
        // Open every folded section (the list shrinks as each opens, so always the first one left).
        const folded = page.locator('details:not([open]) > summary');
        while ((await folded.count()) > 0) await folded.first().click();
      }
      const all = path.startsWith('/cases/') ? await page.locator('body').innerText() : text;
      expect({ path, lang: await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang) }).toEqual({ path, lang: 'fr' });
      expect({ path, found: [...english].filter((e) => all.includes(e)) }).toEqual({ path, found: [] });
    }
    expect(errors).toEqual([]);
  });
});

describe('console: the service\'s error codes in French', () => {
  it('says every error code of the service in French (console/src/i18n/service-errors.ts)', () => {
    // Read as text: the console's sources are built for the browser (JSX), not by this project's tsconfig.
    const text = readFileSync(path.join(__dirname, '..', '..', 'console', 'src', 'i18n', 'service-errors.ts'), 'utf8');
    const french = new Set([...text.matchAll(/^ {2}([A-Z]+_[A-Z0-9_]+): '/gm)].map((m) => m[1]));
    expect(french.size).toBeGreaterThan(50);
    expect((Object.keys(ERRORS) as ErrorCode[]).filter((c) => !french.has(c))).toEqual([]);
  });
});
