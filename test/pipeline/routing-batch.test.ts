/**
 * The routing stage in batches: the pure rules (decideForCase, routeBatch) and the store's batch claim.
 * - inside a batch a case is judged as the earlier SEDs of the batch left it (CASE-IN-TRIAGE, affinity), and
 *   written once;
 * - across instances a later SED of a case waits while an earlier one is held elsewhere (PostgreSQL: a second
 *   connection holds the earlier item as another instance would), and other cases go on;
 * - one poison item fails alone and holds only its own case.
 */
import type { CaseRecord } from '../../src/cases/case-store';
import type { RoutingItem } from '../../src/pipeline/routing-queue';
import { startService, type Service } from '../../src/app/service';
import { loadConfig } from '../../src/config/env';
import { decideForCase, HELD_IN_TRIAGE_RULE } from '../../src/pipeline/decide-for-case';
import { processRoutingBatch } from '../../src/pipeline/routing-batch';
import { routeBatch } from '../../src/pipeline/routing-stage';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { PgRoutingQueue } from '../../src/store/routing-queue';
import { openPostgres, type TestDatabase } from '../helpers/db';
import { makeEnvelope } from '../helpers/envelopes';
import { at, cfg, item, orphanPerson } from '../helpers/routing-batch';
import { describeIf, pgUrlOrSkip } from '../helpers/services';


describe('decideForCase and routeBatch (pure)', () => {
  it('holds a later SED of a case in triage with it (CASE-IN-TRIAGE), within one batch', () => {
    const first = makeEnvelope({ caseId: 'C-HOLD', documentId: 'h1', person: orphanPerson });
    const later = makeEnvelope({ caseId: 'C-HOLD', documentId: 'h2' }); // routable on its own facts
    const { changes, results } = routeBatch([item(first, 1), item(later, 2)], new Map(), cfg, at);
    expect(results.map((r) => [r.outcome, r.ruleId])).toEqual([['triage', 'FALLBACK'], ['triage', HELD_IN_TRIAGE_RULE]]);
    expect(changes.cases).toHaveLength(1); // the case row written once, in its final state
    expect(changes.cases[0]).toEqual(expect.objectContaining({ status: 'triage', triageReason: 'NO_RULE' }));
    expect(changes.events.map((e) => e.kind)).toEqual(['routed', 'triaged', 'routed']);
    expect(changes.forwards).toEqual([]);
  });

  it('sends a later SED of a forwarded case to the same institution, with one X007 per route', () => {
    const first = makeEnvelope({ caseId: 'C-AFF', documentId: 'f1' });
    const later = makeEnvelope({ caseId: 'C-AFF', documentId: 'f2', person: orphanPerson });
    const { changes, results } = routeBatch([item(first, 1), item(later, 2)], new Map(), cfg, at);
    expect(results.map((r) => r.institutionId)).toEqual(['FR:CARSATRA1', 'FR:CARSATRA1']);
    expect(results[1].ruleId).toBe('AFFINITY');
    expect(changes.forwards.map((f) => f.rinaInstruction)).toEqual([true, false]);
    expect(changes.cases).toHaveLength(1);
  });

  it('skips items already routed or gone, and the decision agrees with the case it started from', () => {
    const e = makeEnvelope({ caseId: 'C-DONE', documentId: 'd1' });
    const done: RoutingItem = { ...item(e, 1), stored: { envelope: e, receivedAt: at, state: 'forwarded' } };
    const gone: RoutingItem = { workId: 2, envelopeId: 'X_gone_1', attempts: 0 };
    expect(routeBatch([done, gone], new Map(), cfg, at).results).toEqual([]);
    const triaged: CaseRecord = {
      caseId: 'C-DONE', bucType: 'P_BUC_01', senderInstitutionId: 'DE:DRV0000001', senderCountry: 'DE', status: 'triage', institutionId: null,
      triageReason: 'BOUNCED', triageSince: at, triageDetail: null, returnReason: null, firstLegalDeliveryAt: at,
    };
    const step = decideForCase(triaged, e, cfg, at);
    expect(step.decision).toEqual(expect.objectContaining({ ruleId: HELD_IN_TRIAGE_RULE, reason: 'BOUNCED' }));
    expect(step.caseAfter.triageSince).toBe(at); // still waiting since the bounce
  });
});

const PG = pgUrlOrSkip();

describeIf(PG)('routing batches on PostgreSQL', () => {
  let tdb: TestDatabase;
  let svc: Service;

  beforeAll(async () => {
    tdb = await openPostgres();
    svc = await startService(loadConfig({}), { db: tdb.db, clock: new FixedClock(at.toISOString()), logger: silentLogger(), listen: false, workers: false });
  });
  afterAll(async () => {
    await svc.stop();
    await tdb.close();
  });

  const store = async (e: ReturnType<typeof makeEnvelope>) => {
    expect((await svc.intake.receive(Buffer.from(JSON.stringify(e)), 'http')).status).toBe('accepted');
  };
  const routeWith = async (queue: PgRoutingQueue) => {
    const c = await svc.routingConfig.current();
    return processRoutingBatch(queue, 50, (items, cases) => routeBatch(items, cases, c, at), { now: () => at });
  };

  it('never decides a later SED of a case while an earlier one is held by another instance', async () => {
    const e1 = makeEnvelope({ caseId: 'C-ORDER', documentId: 'o1', person: orphanPerson });
    const e2 = makeEnvelope({ caseId: 'C-ORDER', documentId: 'o2' });
    const other = makeEnvelope({ caseId: 'C-OTHER', documentId: 'x1' });
    for (const e of [e1, e2, other]) await store(e);
    const queue = new PgRoutingQueue(tdb.db);
    let release!: () => void;
    let held!: () => void;
    const holding = new Promise<void>((r) => { held = r; });
    // Another instance holds e1 (its transaction is open, the row locked).
    const otherInstance = tdb.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM work_queue WHERE ref = $1 FOR UPDATE', [e1.envelopeId]);
      held();
      await new Promise<void>((r) => { release = r; });
    });
    await holding;
    let r1;
    try {
      r1 = await routeWith(queue);
    } finally {
      release();
      await otherInstance;
    }
    expect(r1.results.map((r) => r.envelopeId)).toEqual([other.envelopeId]);
    expect(r1.deferred).toBe(1); // e2 waits for e1
    const r2 = await routeWith(queue);
    expect(r2.results.map((r) => [r.envelopeId, r.ruleId])).toEqual([[e1.envelopeId, 'FALLBACK'], [e2.envelopeId, HELD_IN_TRIAGE_RULE]]);
    const rows = await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM work_queue');
    expect(rows[0].n).toBe(0);
  });

  it('backs off a poison item alone; a later SED of its case waits behind it, other cases go on', async () => {
    const poison = makeEnvelope({ caseId: 'C-POISON', documentId: 'p1' });
    const behind = makeEnvelope({ caseId: 'C-POISON', documentId: 'p2' });
    const fine = makeEnvelope({ caseId: 'C-FINE', documentId: 'q1' });
    for (const e of [poison, behind, fine]) await store(e);
    const queue = new PgRoutingQueue(tdb.db);
    const c = await svc.routingConfig.current();
    const r = await processRoutingBatch(queue, 50, (items, cases) => {
      if (items.some((i) => i.envelopeId === poison.envelopeId)) throw new Error('cannot route this one');
      return routeBatch(items, cases, c, at);
    }, { now: () => at });
    expect(r.failed.map((f) => f.envelopeId)).toEqual([poison.envelopeId]);
    expect(r.results.map((x) => x.envelopeId)).toEqual([fine.envelopeId]);
    const left = await tdb.db.query<{ ref: string; attempts: number; later: boolean }>(
      'SELECT ref, attempts, available_at > $1 AS later FROM work_queue ORDER BY id', [at]);
    expect(left).toEqual([{ ref: poison.envelopeId, attempts: 1, later: true }, { ref: behind.envelopeId, attempts: 0, later: false }]);
    // The poison item is not due yet: its case's later SED is not claimed before it.
    expect((await routeWith(queue)).claimed).toBe(0);
  });
});
