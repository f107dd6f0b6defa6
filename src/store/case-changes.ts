/**
 * The one writer of the tables `cases`, `forwards` and `case_events` (a source test, test/architecture/one-writer,
 * holds every INSERT, UPDATE and DELETE of them to this module): every other repository calls these statements,
 * each named by intent.
 *
 * A case-pipeline change set is written in a few multi-row statements (arrays unnested server-side, so a
 * statement's size does not depend on the batch): cases once each, decisions (ids allocated first so that forwards
 * and events can name them), forwards, events in order, envelope states. The undo window (release_at, migration
 * 017) is respected here: a held forward is neither leased to a relay nor cancelled once released.
 */
import type { CaseChanges, CaseEventRecord, CaseRecord, ForwardRecord } from '../cases/case-store';
import type { Sql } from './database';
import { insertX007Jobs } from './x007-jobs';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/** Inserts case events in the given order (their ids follow it: the case history is read by id). */
export async function insertCaseEvents(tx: Sql, events: readonly CaseEventRecord[], decisionIds?: ReadonlyMap<string, number>): Promise<void> {
  if (events.length === 0) return;
  const data = events.map((e) => {
    if (e.decision === undefined) return JSON.stringify(e.data);
    const id = decisionIds?.get(e.decision);
    if (id === undefined) throw new Error(`case event ${e.kind} names decision "${e.decision}", not in its change set`);
    return JSON.stringify({ decisionId: id, ...e.data });
  });
  await tx.query(
    `INSERT INTO case_events (case_id, envelope_id, at, kind, data)
     SELECT case_id, envelope_id, at, kind, data::jsonb
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[]) WITH ORDINALITY AS t(case_id, envelope_id, at, kind, data, n)
      ORDER BY n`,
    [events.map((e) => e.caseId), events.map((e) => e.envelopeId), events.map((e) => iso(e.at)), events.map((e) => e.kind), data],
  );
}

/** Inserts or updates each case once (the first legal delivery time only ever moves earlier). */
export async function upsertCases(tx: Sql, cases: readonly CaseRecord[], at: Date): Promise<void> {
  if (cases.length === 0) return;
  const col = <T>(f: (c: CaseRecord) => T) => cases.map(f);
  await tx.query(
    `INSERT INTO cases (case_id, buc_type, sender_institution_id, sender_country, status, institution_id, triage_reason,
       triage_since, triage_detail, return_reason, first_legal_delivery_at, created_at, updated_at)
     SELECT t.case_id, t.buc_type, t.sender_institution_id, t.sender_country, t.status, t.institution_id, t.triage_reason,
            t.triage_since, t.triage_detail::jsonb, t.return_reason, t.first_legal_delivery_at, $12, $12
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[],
                   $10::text[], $11::timestamptz[])
         AS t(case_id, buc_type, sender_institution_id, sender_country, status, institution_id, triage_reason, triage_since,
              triage_detail, return_reason, first_legal_delivery_at)
     ON CONFLICT (case_id) DO UPDATE SET status = EXCLUDED.status, institution_id = EXCLUDED.institution_id,
       triage_reason = EXCLUDED.triage_reason, triage_since = EXCLUDED.triage_since, triage_detail = EXCLUDED.triage_detail,
       return_reason = EXCLUDED.return_reason,
       first_legal_delivery_at = LEAST(cases.first_legal_delivery_at, EXCLUDED.first_legal_delivery_at),
       updated_at = EXCLUDED.updated_at`,
    [col((c) => c.caseId), col((c) => c.bucType), col((c) => c.senderInstitutionId), col((c) => c.senderCountry), col((c) => c.status),
      col((c) => c.institutionId), col((c) => c.triageReason), col((c) => iso(c.triageSince)), col((c) => json(c.triageDetail)),
      col((c) => c.returnReason), col((c) => iso(c.firstLegalDeliveryAt)), at],
  );
}

async function insertDecisions(tx: Sql, changes: CaseChanges): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const ds = changes.decisions;
  if (ds.length === 0) return ids;
  // Ids first: the forwards and events of the same set refer to them, and RETURNING promises no order.
  const allocated = await tx.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence('decisions', 'id'))::bigint AS id FROM generate_series(1, $1::int)`, [ds.length]);
  ds.forEach((d, i) => ids.set(d.key, Number(allocated[i].id)));
  const col = <T>(f: (d: (typeof ds)[number]) => T) => ds.map(f);
  await tx.query(
    `INSERT INTO decisions (id, case_id, envelope_id, outcome, institution_id, reason, rule_id, rule_set_version, directory_version,
       explanation, trace, decided_at, decided_by, note)
     SELECT t.id, t.case_id, t.envelope_id, t.outcome, t.institution_id, t.reason, t.rule_id, t.rsv, t.dv, t.explanation, t.trace::jsonb,
            t.decided_at, t.decided_by, t.note
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::text[],
                   $11::text[], $12::timestamptz[], $13::text[], $14::text[])
         AS t(id, case_id, envelope_id, outcome, institution_id, reason, rule_id, rsv, dv, explanation, trace, decided_at, decided_by, note)`,
    [ds.map((d) => ids.get(d.key)), col((d) => d.caseId), col((d) => d.envelopeId), col((d) => d.outcome), col((d) => d.institutionId),
      col((d) => d.reason), col((d) => d.ruleId), col((d) => d.ruleSetVersion), col((d) => d.directoryVersion), col((d) => d.explanation),
      col((d) => JSON.stringify(d.trace)), col((d) => iso(d.decidedAt)), col((d) => d.decidedBy), col((d) => d.note ?? null)],
  );
  return ids;
}

async function insertForwards(tx: Sql, changes: CaseChanges, decisionIds: ReadonlyMap<string, number>): Promise<void> {
  const fs = changes.forwards;
  if (fs.length === 0) return;
  const decisionOf = (d: number | string): number => {
    const id = typeof d === 'number' ? d : decisionIds.get(d);
    if (id === undefined) throw new Error(`a forward names decision "${String(d)}", not in its change set`);
    return id;
  };
  const col = <T>(f: (x: (typeof fs)[number]) => T) => fs.map(f);
  await tx.query(
    `INSERT INTO forwards (forward_id, case_id, envelope_id, institution_id, decision_id, rule_id, legal_delivery_at, status,
       created_at, rina_instruction, next_attempt_at, lease_owner, lease_until)
     SELECT t.forward_id, t.case_id, t.envelope_id, t.institution_id, t.decision_id, t.rule_id, t.legal_delivery_at, t.status,
            t.created_at, t.rina_instruction, t.created_at, t.lease_owner, t.lease_until
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[], $8::text[],
                   $9::timestamptz[], $10::boolean[], $11::text[], $12::timestamptz[])
         AS t(forward_id, case_id, envelope_id, institution_id, decision_id, rule_id, legal_delivery_at, status, created_at, rina_instruction,
              lease_owner, lease_until)`,
    [col((f) => f.forwardId), col((f) => f.caseId), col((f) => f.envelopeId), col((f) => f.institutionId), col((f) => decisionOf(f.decision)),
      col((f) => f.ruleId), col((f) => iso(f.legalDeliveryAt)), col((f) => f.status), col((f) => iso(f.createdAt)), col((f) => f.rinaInstruction),
      col((f) => f.lease?.owner ?? null), col((f) => iso(f.lease?.until ?? null))],
  );
}

async function updateEnvelopeStates(tx: Sql, changes: CaseChanges): Promise<void> {
  // The last state of an envelope in the set wins.
  const last = new Map(changes.envelopeStates.map((s) => [s.envelopeId, s.state]));
  if (last.size === 0) return;
  await tx.query(
    `UPDATE envelopes e SET state = t.state FROM unnest($1::text[], $2::text[]) AS t(envelope_id, state) WHERE e.envelope_id = t.envelope_id`,
    [[...last.keys()], [...last.values()]],
  );
}

/** Writes the change set in the caller's transaction; returns the decision ids by key. */
export async function applyCaseChanges(tx: Sql, changes: CaseChanges, at: Date): Promise<Map<string, number>> {
  await upsertCases(tx, changes.cases, at); // decisions and forwards refer to their case
  const decisionIds = await insertDecisions(tx, changes);
  await insertForwards(tx, changes, decisionIds);
  await insertX007Jobs(tx, changes.forwards); // a case from RINA: its X007 commits with its forward
  await insertCaseEvents(tx, changes.events, decisionIds);
  await updateEnvelopeStates(tx, changes);
  return decisionIds;
}

// --- Single-purpose writes of the operators' commands, the acknowledgements and the undo window -------------------

/** One forward written outside a change set (ForwardRecord with an existing decision id). */
export async function insertForward(tx: Sql, f: ForwardRecord): Promise<void> {
  await tx.query(
    `INSERT INTO forwards (forward_id, case_id, envelope_id, institution_id, decision_id, rule_id, legal_delivery_at, status,
       created_at, rina_instruction, next_attempt_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$9)`,
    [f.forwardId, f.caseId, f.envelopeId, f.institutionId, f.decisionId, f.ruleId, f.legalDeliveryAt, f.status, f.createdAt, f.rinaInstruction]);
}

/** The institution's answer on a forward (or a bounce rejecting the case's other pending forwards). */
export async function ackForward(tx: Sql, forwardId: string, status: 'accepted' | 'rejected', at: Date, by: string, reason: string | null): Promise<void> {
  await tx.query('UPDATE forwards SET status = $2, acked_at = $3, acked_by = $4, ack_reason = $5 WHERE forward_id = $1',
    [forwardId, status, at, by, reason]);
}

/** A re-assignment: the case's pending and accepted forwards to the old institution superseded; answers their ids. */
export async function supersedeForwards(tx: Sql, caseId: string, institutionId: string): Promise<string[]> {
  // When and by whom is the case's `reassigned` event; acked_at stays the institution's own answer, if any.
  const rows = await tx.query<{ forward_id: string }>(
    `UPDATE forwards SET status = 'superseded' WHERE case_id = $1 AND institution_id = $2 AND status IN ('pending', 'accepted') RETURNING forward_id`,
    [caseId, institutionId]);
  return rows.map((r) => r.forward_id).sort();
}

/** Holds freshly written forwards until `releaseAt` (the relay's first attempt waits for it too): the undo window. */
export async function holdForwards(tx: Sql, forwardIds: string[], releaseAt: Date): Promise<void> {
  if (forwardIds.length === 0) return;
  await tx.query('UPDATE forwards SET release_at = $2, next_attempt_at = $2 WHERE forward_id = ANY($1::text[])', [forwardIds, releaseAt]);
}

/** Cancels held forwards (only those still held at `at`: release_at in the future, never leased nor published); answers the ids cancelled. */
export async function cancelHeldForwards(tx: Sql, forwardIds: string[], at: Date): Promise<string[]> {
  const rows = await tx.query<{ forward_id: string }>(
    `UPDATE forwards SET status = 'cancelled', cancelled_at = $2
      WHERE forward_id = ANY($1::text[]) AND status = 'pending' AND published_at IS NULL AND lease_owner IS NULL AND release_at > $2
      RETURNING forward_id`, [forwardIds, at]);
  return rows.map((r) => r.forward_id).sort();
}

// --- The outbox relay's marks on forwards --------------------------------------------------------------------------

/** Due forwards (released from any undo window: release_at respected) leased to one relay in one committed statement. */
export const LEASE_DUE_FORWARDS = `
  WITH due AS (
    SELECT forward_id FROM forwards
     WHERE published_at IS NULL AND status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
       AND (release_at IS NULL OR release_at <= $1)
     ORDER BY next_attempt_at, forward_id LIMIT $2 FOR UPDATE SKIP LOCKED),
  leased AS (
    UPDATE forwards f SET lease_owner = $3, lease_until = $4 FROM due WHERE f.forward_id = due.forward_id
    RETURNING f.forward_id, f.case_id, f.envelope_id, f.institution_id, f.rina_instruction, f.rule_id, f.decision_id,
              f.publish_attempts, f.next_attempt_at)
  SELECT l.forward_id, l.case_id, l.envelope_id, l.institution_id, l.rina_instruction, l.rule_id, l.publish_attempts, d.explanation, e.body
    FROM leased l JOIN decisions d ON d.id = l.decision_id JOIN envelopes e ON e.envelope_id = l.envelope_id
   ORDER BY l.next_attempt_at, l.forward_id`;

/** Marks the relay's confirmed forwards published, with a `published` event each; answers how many. */
export async function markForwardsPublished(tx: Sql, owner: string, forwardIds: string[], at: Date): Promise<number> {
  const done = await tx.query<{ forward_id: string; case_id: string; envelope_id: string; institution_id: string }>(
    `UPDATE forwards SET published_at = $2, publish_attempts = publish_attempts + 1, last_error = NULL, lease_owner = NULL, lease_until = NULL
      WHERE forward_id = ANY($1::text[]) AND lease_owner = $3 AND published_at IS NULL
      RETURNING forward_id, case_id, envelope_id, institution_id`, [forwardIds, at, owner]);
  await insertCaseEvents(tx, done.map((r) => ({
    caseId: r.case_id, envelopeId: r.envelope_id, at, kind: 'published', data: { forwardId: r.forward_id, institutionId: r.institution_id },
  })));
  return done.length;
}

/** Releases the relay's failed forwards with their next attempt (backoff) and error. */
export async function markForwardsFailed(tx: Sql, owner: string, failures: Array<{ forwardId: string; nextAttemptAt: Date; error: string }>): Promise<void> {
  await tx.query(
    `UPDATE forwards f SET publish_attempts = f.publish_attempts + 1, next_attempt_at = t.next_attempt_at, last_error = t.error,
            lease_owner = NULL, lease_until = NULL
       FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS t(forward_id, next_attempt_at, error)
      WHERE f.forward_id = t.forward_id AND f.lease_owner = $4`,
    [failures.map((f) => f.forwardId), failures.map((f) => f.nextAttemptAt.toISOString()), failures.map((f) => f.error), owner]);
}

// --- The help desk's marks (pipeline watch) ---------------------------------------------------------------------------

/** The forwards a reminder ticket was opened for, and the case's `ticket-opened` event. */
export async function markForwardsReminded(tx: Sql, forwardIds: string[], at: Date, event: { caseId: string; data: Record<string, unknown> }): Promise<void> {
  await tx.query('UPDATE forwards SET reminder_raised_at = $2 WHERE forward_id = ANY($1::text[])', [forwardIds, at]);
  await insertCaseEvents(tx, [{ caseId: event.caseId, envelopeId: null, at, kind: 'ticket-opened', data: event.data }]);
}

/** An aged orphan's ticket: when it was opened (one per triage episode), and the case's `ticket-opened` event. */
export async function markOrphanTicket(tx: Sql, caseId: string, at: Date, data: Record<string, unknown>): Promise<void> {
  await tx.query('UPDATE cases SET orphan_ticket_at = $2 WHERE case_id = $1', [caseId, at]);
  await insertCaseEvents(tx, [{ caseId, envelopeId: null, at, kind: 'ticket-opened', data }]);
}
