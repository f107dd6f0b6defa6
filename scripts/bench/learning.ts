/**
 * `npm run bench -- --only learning` (issue #18): does the learning loop take the work away? Two months of the
 * annex-2 mix (the synthetic generator, 1,200 envelopes a month); in month 1 an operator decides every case in
 * triage by a practice the default table does not know (below), through the triage API; a supervisor then takes
 * every candidate (`GET /api/rules/candidates`) covering at least 5 decisions with at least 90 % agreement,
 * makes each one's proposal (`POST /api/rules/proposals` with one of its example cases), puts them in one draft,
 * simulates it (`POST /api/rules/simulate`) and publishes it (`PUT /api/rules`). Month 2 is then routed.
 * A second run has an operator who decides 5 % of the cases at random (another institution of the sector).
 *
 * Printed: the share of envelopes routed without a person in months 1 and 2; the share the practice makes
 * learnable in month 2 (forwarded, or held in triage by a rule below the identity gates: the practice decides
 * those); wrong forwards (month-2 forwards by a learned rule the practice disagrees with); identity gates passed
 * by a learned rule; supervisor actions (one per candidate accepted, one per publication).
 * Acceptance: month 2 within 2 points of the learnable share, 0 wrong forwards (≤ 0.5 % noisy), 0 gates passed,
 * ≤ 10 supervisor actions. On PostgreSQL when the bench has one (its own schema), else PGlite.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import type { Envelope } from '../../src/intake/envelope';
import { extractFacts, type RoutingFacts } from '../../src/routing/facts';
import { Prng } from '../../src/simulation/prng';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import { silentLogger } from '../../src/shared/logger';
import { openDatabase, type Database } from '../../src/store/database';
import type { BenchContext, BenchRow, BenchSection } from './types';
import { benchSchemaUrl, dropBenchSchema } from './lib/service-process';

const TOKEN = 'bench-bootstrap-token-0123456789';
const PER_MONTH = 1200;
const GATE_REASONS = new Set(['NO_PERSON', 'IDENTITY_MISMATCH']);

/**
 * The desk's practice (plausible, not authoritative): pensions of people living abroad go to the Cnav, those with
 * no known residence to Carsat Rhône-Alpes; sickness and accidents at work to the CNSE (care received abroad);
 * family cases to the CAF of Paris; recovery to the Cnav; anything else to the CPAM of Paris.
 */
export function practice(f: RoutingFacts): string {
  switch (f.sector) {
    case 'P': return f.residence === null ? 'FR:CARSATRA1' : 'FR:CNAV00001';
    case 'S': case 'AW': return 'FR:CNSE00001';
    case 'FB': return 'FR:CAF075';
    case 'R': return 'FR:CNAV00001';
    default: return 'FR:CPAM075';
  }
}

/** What a careless decision picks: another institution serving the sector. */
const NOISE: Record<string, string[]> = {
  P: ['FR:CARSATAU1', 'FR:CARSATSE1', 'FR:CARSATNE1', 'FR:CARSATMP1'],
  S: ['FR:CPAM069', 'FR:CPAM013', 'FR:CNAREFE01'], AW: ['FR:CPAM069', 'FR:CPAM013'],
  FB: ['FR:CAF069', 'FR:CAF013', 'FR:CAF033'],
};
const noisy = (f: RoutingFacts, rng: Prng) => { const list = NOISE[f.sector ?? ''] ?? ['FR:CPAM069', 'FR:CPAM013']; return list[Math.floor(rng.next() * list.length)]; };

interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: string, path: string, body: unknown): Promise<T>;
}

function api(base: string): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json() as T;
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };
  return { get: (p) => call('GET', p), send: (m, p, b) => call(m, p, b) };
}

const month = (seed: string, from: string, to: string) =>
  generateEnvelopes({ count: PER_MONTH, seed, from, to }).filter((e): e is Envelope => !isMalformed(e));

async function receive(svc: Service, envelopes: Envelope[], ctx: BenchContext, label: string): Promise<void> {
  for (const [i, e] of envelopes.entries()) {
    await svc.intake.receive(Buffer.from(JSON.stringify(e)), 'http');
    if ((i + 1) % 100 === 0) { await svc.routingWorker.drain(); ctx.progress(label, i + 1, envelopes.length); }
  }
  await svc.routingWorker.drain();
}

/** The operator works through the whole triage queue by the practice (5 % at random when `noise`). */
async function operate(client: Api, facts: Map<string, RoutingFacts>, noise: number, rng: Prng): Promise<{ decided: number; noisy: number }> {
  let decided = 0;
  let noisyOnes = 0;
  for (;;) {
    const page = await client.get<{ items: Array<{ caseId: string }> }>('/api/triage?limit=100');
    if (page.items.length === 0) return { decided, noisy: noisyOnes };
    for (const { caseId } of page.items) {
      const f = facts.get(caseId);
      if (!f) throw new Error(`case ${caseId} not sent by the bench`);
      const careless = rng.next() < noise;
      if (careless) noisyOnes += 1;
      const to = careless ? noisy(f, rng) : practice(f);
      await client.send('POST', `/api/triage/${encodeURIComponent(caseId)}/assign`, { institutionId: to });
      decided += 1;
    }
  }
}

interface Rule { id: string }
interface CandidateItem { decisions: number; share: number; exampleCaseIds: string[]; institutionId: string }

/** The supervisor: accepts the candidates ≥ 5 decisions at ≥ 90 %, one draft, simulated, published. */
async function supervise(client: Api): Promise<{ actions: number; accepted: number; simulated: { before: number; after: number } }> {
  const candidates = (await client.get<{ items: CandidateItem[] }>('/api/rules/candidates?min=5&limit=100')).items.filter((c) => c.decisions >= 5 && c.share >= 0.9);
  const table = await client.get<{ rules: Rule[]; version: number }>('/api/rules');
  const rules = [...table.rules];
  let actions = 0;
  for (const c of candidates) {
    const p = await client.send<{ rule: Rule; insertBefore: string | null }>('POST', '/api/rules/proposals', { caseId: c.exampleCaseIds[0] });
    actions += 1;
    if (rules.some((r) => r.id === p.rule.id)) continue;
    const at = p.insertBefore === null ? rules.length : rules.findIndex((r) => r.id === p.insertBefore);
    rules.splice(at < 0 ? rules.length : at, 0, p.rule);
  }
  if (rules.length === table.rules.length) return { actions, accepted: 0, simulated: { before: 0, after: 0 } };
  const sim = await client.send<{ automaticShareBefore: number; automaticShareAfter: number }>('POST', '/api/rules/simulate', { rules });
  await client.send('PUT', '/api/rules', { rules, reason: `learned from month-1 decisions: ${candidates.length} candidates`, basedOnVersion: table.version });
  return { actions: actions + 1, accepted: rules.length - table.rules.length, simulated: { before: sim.automaticShareBefore, after: sim.automaticShareAfter } };
}

interface MonthFigures { auto: number; learnable: number; wrong: number; gatesPassed: number; learnedForwards: number }

/** Per envelope, the router's latest decision on it. */
async function figures(db: Database, envelopes: Envelope[], facts: Map<string, RoutingFacts>): Promise<MonthFigures> {
  const rows = await db.query<{ envelope_id: string; case_id: string; outcome: string; rule_id: string | null; institution_id: string | null; reason: string | null; case_reason: string | null }>(
    `SELECT DISTINCT ON (d.envelope_id) d.envelope_id, d.case_id, d.outcome, d.rule_id, d.institution_id, d.reason, c.triage_reason AS case_reason
       FROM decisions d JOIN cases c USING (case_id)
      WHERE d.decided_by = 'router' AND d.envelope_id = ANY($1::text[]) ORDER BY d.envelope_id, d.id DESC`, [envelopes.map((e) => e.envelopeId)]);
  const f: MonthFigures = { auto: 0, learnable: 0, wrong: 0, gatesPassed: 0, learnedForwards: 0 };
  for (const r of rows) {
    const reason = r.rule_id === 'CASE-IN-TRIAGE' ? r.case_reason : r.reason;
    if (r.outcome === 'forward') f.auto += 1;
    if (r.outcome === 'forward' || !GATE_REASONS.has(reason ?? '')) f.learnable += 1;
    if (r.outcome !== 'forward' || !r.rule_id?.startsWith('LEARNED-')) continue;
    f.learnedForwards += 1;
    const x = facts.get(r.envelope_id) as RoutingFacts;
    if (r.institution_id !== practice(x)) f.wrong += 1;
    if (x.person === null || x.person.birthDate === null || (x.frenchPin !== null && (x.nirValid === false || x.nirMatchesBirth === false))) f.gatesPassed += 1;
  }
  return { ...f, auto: f.auto / envelopes.length, learnable: f.learnable / envelopes.length };
}

async function scenario(databaseUrl: string | undefined, noise: number, ctx: BenchContext): Promise<BenchRow> {
  const scratch = databaseUrl ? await benchSchemaUrl(databaseUrl, 'learning') : undefined;
  const db = await openDatabase({ databaseUrl: scratch?.url });
  const svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN, PORT: '0', PIN_HASH_KEY: 'bench-pin-hash-key-0123456789abcdef' }), { db, logger: silentLogger(), workers: false });
  try {
    const client = api(`http://127.0.0.1:${(svc.server!.address() as AddressInfo).port}`);
    const one = month('learning-m1', '2026-09-01', '2026-10-01');
    const two = month('learning-m2', '2026-10-01', '2026-11-01').map((e) => ({ ...e, caseId: `M2-${e.caseId}` }));
    // What the operator reads on a case (its first SED), and each envelope's own facts (for the checks).
    const facts = new Map<string, RoutingFacts>();
    const byEnvelope = new Map<string, RoutingFacts>();
    const directory = (await svc.routingConfig.current()).directory;
    for (const e of [...one, ...two]) {
      const f = extractFacts(e, directory, null);
      byEnvelope.set(e.envelopeId, f);
      if (!facts.has(e.caseId)) facts.set(e.caseId, f);
    }
    const label = noise ? 'noisy operator' : 'consistent operator';
    await receive(svc, one, ctx, `${label}: month 1`);
    const m1 = await figures(db, one, byEnvelope);
    const { decided, noisy: noisyDecisions } = await operate(client, facts, noise, new Prng(`learning-noise-${noise}`));
    const sup = await supervise(client);
    await receive(svc, two, ctx, `${label}: month 2`);
    const m2 = await figures(db, two, byEnvelope);
    const wrongShare = m2.wrong / two.length;
    const met = m2.learnable - m2.auto <= 0.02 && (noise ? wrongShare <= 0.005 : m2.wrong === 0) && m2.gatesPassed === 0 && sup.actions <= 10;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    return {
      benchmark: `learned rules, ${label}${databaseUrl ? ', PostgreSQL' : ', PGlite'}`,
      figures: {
        'month 1 auto': pct(m1.auto), 'month 2 auto': pct(m2.auto), learnable: pct(m2.learnable), 'decisions m1': decided, 'noisy decisions': noisyDecisions,
        'rules published': sup.accepted, 'learned forwards m2': m2.learnedForwards, 'wrong forwards': `${m2.wrong} (${pct(wrongShare)})`,
        'gates passed': m2.gatesPassed, 'supervisor actions': sup.actions, 'simulated m1': `${pct(sup.simulated.before)} → ${pct(sup.simulated.after)}`,
      },
      target: `month 2 ≥ learnable − 2 pts; wrong ${noise ? '≤ 0.5 %' : '0'}; gates 0; actions ≤ 10`,
      met,
    };
  } finally {
    await svc.stop();
    await db.close();
    if (scratch && databaseUrl) await dropBenchSchema(databaseUrl, scratch.schema);
  }
}

export const sections: BenchSection[] = [{
  name: 'learning',
  async run(ctx) {
    return [await scenario(ctx.databaseUrl, 0, ctx), await scenario(ctx.databaseUrl, 0.05, ctx)];
  },
}];
