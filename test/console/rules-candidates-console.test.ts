/**
 * The candidate rules page (issue #18): a supervisor reads the candidates learned from operators' decisions
 * (conditions, agreement, counter-examples, left-out conditions), accepts two into one draft, simulates it and
 * publishes one version with a reason; the next similar envelope is routed by a learned rule, and the learned
 * rules panel shows each one's precision. Screenshots at every step.
 */
import { makeEnvelope } from '../helpers/envelopes';
import { ACCOUNTS, startConsoleHarness, type Account, type ConsoleHarness } from './harness';

const SUPERVISOR: Account = { username: 's.martin', password: 'supervisor-password-1', role: 'supervisor' };

/** Sickness, living in `country`, no French reference: FALLBACK → triage NO_RULE. */
function abroad(caseId: string, country: string, postalCode: string, bucType: string) {
  const e = makeEnvelope({ caseId, documentId: `cand-${caseId}`, bucType, sender: { institutionId: `${country}:INST000001`, name: 'Sender', country } });
  const person = (e.sed as Record<string, { InsuredPerson: Record<string, unknown> }>)[e.sedType].InsuredPerson;
  person.ResidenceAddress = { town: 'Ville', postalCode, country: { value: [country] } };
  return e;
}

jest.setTimeout(240_000);

describe('console: candidate rules', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness({ accounts: [...Object.values(ACCOUNTS), SUPERVISOR] });
    const groups: Array<[string, string, string, string, number]> = [['BE', '1000', 'FR:CNSE00001', 'C-BE', 10], ['DE', '10117', 'FR:CPAM075', 'C-DE', 5]];
    for (const [country, postalCode, to, prefix, n] of groups) {
      for (let i = 0; i < n; i += 1) {
        const id = `${prefix}-${i}`;
        await h.send(abroad(id, country, postalCode, i % 2 ? 'S_BUC_06' : 'S_BUC_01'));
        // One decision of ten in Belgium goes elsewhere: the candidate (9 of 10) shows it as a counter-example.
        const target = id === 'C-BE-5' ? 'FR:CNAREFE01' : to;
        expect((await h.api('POST', `/api/triage/${id}/assign`, { institutionId: target })).status).toBe(200);
      }
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('accepts two candidates into one draft, simulates it, publishes it; the next similar case is routed by a learned rule', async () => {
    const candidates = (await h.api('GET', '/api/rules/candidates')).body.items as Array<{ rule: { id: string }; institutionId: string }>;
    expect(candidates.map((c) => c.institutionId)).toEqual(['FR:CNSE00001', 'FR:CPAM075']);
    const { page, errors } = await h.open(SUPERVISOR, { path: '/rules/candidates' });
    await page.getByRole('heading', { level: 1, name: 'Règles candidates' }).waitFor();
    await page.getByRole('link', { name: 'C-BE-5' }).waitFor();
    await page.getByText('sector S · residence country BE').waitFor();
    await page.getByText(/bucType \(S_BUC_01, S_BUC_06\)/).first().waitFor();
    await h.step(page, 'candidates');

    for (const c of candidates) await page.getByLabel(`Retenir ${c.rule.id}`).check();
    await page.getByRole('heading', { name: '2 règle(s) retenue(s) : un brouillon' }).waitFor();
    await page.getByRole('button', { name: 'Simuler sur le trafic enregistré' }).click();
    const sim = page.getByRole('region', { name: 'Résultat de la simulation' });
    await sim.waitFor();
    await h.step(page, 'simulated');

    await page.getByLabel('Motif de la publication').fill('learned from the desk’s decisions');
    await page.getByRole('button', { name: 'Publier' }).click();
    await page.getByText('Publiée : table v2 en vigueur.').waitFor();
    await page.getByRole('heading', { name: 'Règles apprises' }).waitFor();
    await h.step(page, 'published');

    const table = (await h.api('GET', '/api/rules')).body;
    expect(table.version).toBe(2);
    const ids = table.rules.map((r: { id: string }) => r.id);
    for (const c of candidates) expect(ids.indexOf(c.rule.id)).toBeGreaterThan(ids.indexOf('GATE-NIR'));
    await h.send(abroad('C-NEXT', 'BE', '4000', 'S_BUC_19'));
    const next = (await h.api('GET', '/api/cases/C-NEXT')).body;
    expect(next).toEqual(expect.objectContaining({ status: 'forwarded', institutionId: 'FR:CNSE00001' }));
    expect(next.decisions[0].ruleId).toBe(candidates[0].rule.id);
    expect(errors).toEqual([]);
  });

  it('shows the learned rules with their precision on the rules page', async () => {
    const { page, errors } = await h.open(SUPERVISOR, { path: '/rules' });
    await page.getByRole('heading', { name: 'Règles apprises' }).waitFor();
    await page.getByRole('cell', { name: '100.0 %' }).first().waitFor();
    await h.step(page, 'learned-rules');
    expect(errors).toEqual([]);
  });
});
