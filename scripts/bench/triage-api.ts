/**
 * The console's two hottest reads with 10,000 orphan cases in the database: the triage queue API (first page,
 * filtered by reason, a deep page through the cursor) and the case view with its SED facts (audited), through
 * HTTP on a listening service. On PGlite always; on PostgreSQL when the bench has one (ctx.databaseUrl).
 * Targets (issue #10): queue p95 < 200 ms, case view p95 < 100 ms.
 *
 * The cases are seeded straight into the tables (one envelope, one triage decision each, the synthetic
 * generator's bodies): routing 10,000 envelopes first would measure the pipeline, not these reads.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/env';
import { startService } from '../../src/app/service';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';
import { silentLogger } from '../../src/shared/logger';
import { openDatabase, type Database } from '../../src/store/database';
import type { BenchContext, BenchRow, BenchSection } from './types';
import { benchSchemaUrl, dropBenchSchema } from './lib/service-process';

const CASES = 10_000;
const SAMPLES = 200;
const TOKEN = 'bench-bootstrap-token-0123456789';
const REASONS = ['NO_RULE', 'NO_PERSON', 'AMBIGUOUS_TERRITORY', 'AMBIGUOUS_REFERENCE', 'IDENTITY_MISMATCH', 'BOUNCED'];

async function seed(db: Database, ctx: BenchContext): Promise<string[]> {
  const templates = generateEnvelopes({ count: 50, seed: 'bench-triage', from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', malformedShare: 0 })
    .filter((e) => !isMalformed(e));
  const ids: string[] = [];
  const batch = 500;
  for (let start = 0; start < CASES; start += batch) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let i = start; i < Math.min(CASES, start + batch); i += 1) {
      const t = templates[i % templates.length] as unknown as Record<string, unknown> & { sender: { institutionId: string; country: string }; bucType: string; sedType: string };
      const caseId = `B${String(i).padStart(7, '0')}`;
      const envelopeId = `${t.sedType}_bench${i}_1`;
      const at = new Date(Date.parse('2026-10-01T00:00:00Z') + i * 60_000);
      ids.push(caseId);
      const body = { ...t, caseId, envelopeId, documentId: `bench${i}`, documentVersion: '1', legalDeliveryAt: at.toISOString() };
      values.push(caseId, envelopeId, t.bucType, t.sedType, t.sender.institutionId, t.sender.country, at, JSON.stringify(body), REASONS[i % REASONS.length]);
      const k = values.length - 9;
      rows.push(`($${k + 1},$${k + 2},$${k + 3},$${k + 4},$${k + 5},$${k + 6},$${k + 7},$${k + 8}::jsonb,$${k + 9})`);
    }
    await db.query(
      `WITH v(case_id, envelope_id, buc_type, sed_type, sender_id, sender_country, at, body, reason) AS (VALUES ${rows.join(',')}),
       c AS (INSERT INTO cases (case_id, buc_type, sender_institution_id, sender_country, status, triage_reason, triage_since, first_legal_delivery_at, created_at, updated_at)
             SELECT case_id, buc_type, sender_id, sender_country, 'triage', reason, at::timestamptz, at::timestamptz, at::timestamptz, at::timestamptz FROM v RETURNING case_id),
       e AS (INSERT INTO envelopes (envelope_id, case_id, buc_type, sed_type, document_id, document_version, sender_institution_id, sender_country,
               legal_delivery_at, received_at, via, content_sha256, body, state)
             SELECT envelope_id, case_id, buc_type, sed_type, 'bench', '1', sender_id, sender_country, at::timestamptz, at::timestamptz, 'http', md5(envelope_id), body, 'triage' FROM v RETURNING envelope_id)
       SELECT 1`, values);
    await db.query(
      `INSERT INTO decisions (case_id, envelope_id, outcome, reason, rule_id, rule_set_version, directory_version, explanation, trace, decided_at, decided_by)
       SELECT e.case_id, e.envelope_id, 'triage', c.triage_reason, 'FALLBACK', 1, 1, 'FALLBACK: no rule matched', '[]', e.received_at, 'router'
         FROM envelopes e JOIN cases c USING (case_id) WHERE e.case_id = ANY($1::text[])`, [ids.slice(start, start + batch)]);
    ctx.progress('seeding orphan cases', Math.min(CASES, start + batch), CASES);
  }
  await db.exec('ANALYZE');
  return ids;
}

function p95(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Number(s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1));
  return { median: at(0.5), p95: at(0.95) };
}

async function timed(url: string, n: number, ctx: BenchContext, label: string, path: (i: number) => string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    const res = await fetch(`${url}${path(i)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} for ${path(i)}`);
    out.push(performance.now() - t0);
    if ((i + 1) % 50 === 0) ctx.progress(label, i + 1, n);
  }
  return out;
}

async function measure(driver: string, databaseUrl: string | undefined, ctx: BenchContext): Promise<BenchRow[]> {
  const scratch = databaseUrl ? await benchSchemaUrl(databaseUrl, 'triage') : undefined;
  const db = await openDatabase({ databaseUrl: scratch?.url });
  const svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN, PORT: '0' }), { db, logger: silentLogger(), workers: false });
  try {
    const ids = await seed(db, ctx);
    const base = `http://127.0.0.1:${(svc.server!.address() as AddressInfo).port}`;
    const first = await fetch(`${base}/api/triage?limit=50`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json()) as { nextCursor: string };
    const deep: string[] = [];
    let cursor: string | null = first.nextCursor;
    for (let i = 0; i < 20 && cursor; i += 1) {
      deep.push(cursor);
      cursor = ((await fetch(`${base}/api/triage?limit=50&cursor=${cursor}`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json())) as { nextCursor: string | null }).nextCursor;
    }
    const queue = await timed(base, SAMPLES, ctx, `${driver}: triage queue`, (i) => [
      '/api/triage?limit=50', '/api/triage?limit=50&reason=NO_RULE&reason=BOUNCED', `/api/triage?limit=50&cursor=${deep[i % deep.length]}`, '/api/triage?limit=50&sector=P&minAgeHours=1',
    ][i % 4]);
    // The queue by the legal clock (#20): sorted by the receipt time both ways, page jumps deep into 200 pages with
    // the total, a minimum age in business hours counted from the receipt.
    const legal = await timed(base, SAMPLES, ctx, `${driver}: triage queue by the legal clock`, (i) => [
      '/api/triage?limit=50&sort=received', '/api/triage?limit=50&sort=-received&offset=9950', `/api/triage?limit=50&sort=received&offset=${50 * (i % 200)}`,
      '/api/triage?limit=50&minBusinessHours=16&ageFrom=received&sort=-received&offset=5000',
    ][i % 4]);
    const view = await timed(base, SAMPLES, ctx, `${driver}: case view`, (i) => `/api/cases/${ids[(i * 37) % ids.length]}`);
    const q = p95(queue);
    const v = p95(view);
    const l = p95(legal);
    return [
      { benchmark: `triage queue by the legal clock (sort, page jumps, business-hour age), ${CASES} cases, ${driver}`, figures: { samples: SAMPLES, 'median ms': l.median, 'p95 ms': l.p95 }, target: 'p95 < 200 ms', met: l.p95 < 200 },
      { benchmark: `triage queue API, ${CASES} orphan cases, ${driver}`, figures: { samples: SAMPLES, 'median ms': q.median, 'p95 ms': q.p95 }, target: 'p95 < 200 ms', met: q.p95 < 200 },
      { benchmark: `case view with SED facts (audited), ${driver}`, figures: { samples: SAMPLES, 'median ms': v.median, 'p95 ms': v.p95 }, target: 'p95 < 100 ms', met: v.p95 < 100 },
    ];
  } finally {
    await svc.stop();
    await db.close();
    if (scratch && databaseUrl) await dropBenchSchema(databaseUrl, scratch.schema);
  }
}

export const sections: BenchSection[] = [{
  name: 'triage-api',
  async run(ctx) {
    const rows = await measure('PGlite', undefined, ctx);
    if (ctx.databaseUrl) rows.push(...(await measure('PostgreSQL', ctx.databaseUrl, ctx)));
    return rows;
  },
}];
