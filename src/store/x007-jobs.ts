/** The X007 jobs of new forwards (rina_x007, migration 016), written in the forwards' own transaction. */
import type { Sql } from './database';

/**
 * A case came through RINA when one of its envelopes was taken in from a RINA document event (src/rina/,
 * envelopes.via = 'rina'). Its forwards are carried out in RINA by the service itself.
 */
const RINA_ORIGIN = `EXISTS (SELECT 1 FROM envelopes e WHERE e.case_id = f.case_id AND e.via = 'rina')`;

/**
 * In the forward's transaction: an X007 job for each of these forwards that moves its case to a new institution
 * (rina_instruction: the first forward of a new route, reassignments included) when the case came through RINA.
 * Keyed by the forward id: the same forward never gets a second job.
 */
export async function insertX007Jobs(tx: Sql, forwards: ReadonlyArray<{ forwardId: string; rinaInstruction: boolean }>): Promise<void> {
  const ids = forwards.filter((f) => f.rinaInstruction).map((f) => f.forwardId);
  if (ids.length === 0) return;
  await tx.query(
    `INSERT INTO rina_x007 (forward_id, case_id, institution_id, state, next_attempt_at, created_at, updated_at)
     SELECT f.forward_id, f.case_id, f.institution_id, 'pending', f.created_at, f.created_at, f.created_at
       FROM forwards f
      WHERE f.forward_id = ANY($1::text[]) AND f.rina_instruction AND ${RINA_ORIGIN}
     ON CONFLICT (forward_id) DO NOTHING`,
    [ids]);
}
