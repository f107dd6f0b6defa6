/**
 * The case state machine, pure (the twin of helpdesk/tickets/ticket-state.ts): every change of a case's status and
 * triage fields goes through `transition`, which refuses an illegal one with the catalogue's code. The router,
 * the operators' commands (triage/, cases/case-actions.ts) and the institutions' acknowledgements (forwarding/)
 * build their change sets with it; the store only writes what it returns.
 *
 * States: `triage` (waiting for an operator, with a reason), `forwarded` (routed to one institution), `returned`
 * (sent back, with a reason). A case is created by its first SED's `route`.
 *
 * - `route`: the router's decision on one SED. Forward: the case goes (or stays) forwarded to that institution.
 *   Triage: the case waits with the reason, from now. Allowed from any state (a returned case's later SED is
 *   routed again); the pipeline never routes a SED of a case in triage: it holds it with the case (CASE-IN-TRIAGE).
 * - `assign`, `return`: an operator's decision on a case in triage (TRI_NOT_IN_TRIAGE otherwise).
 * - `reopen`: a returned case back to triage, reason REOPENED (CAS_NOT_RETURNED otherwise).
 * - `reassign`: a forwarded case to another institution (CAS_NOT_FORWARDED, CAS_SAME_INSTITUTION).
 * - `bounce`: the institution the case is forwarded to rejected it: back to triage, reason BOUNCED
 *   (CAS_NOT_FORWARDED when the case is not, or no longer, forwarded to that institution: it moved on).
 * - `acknowledge`: the institution accepted its forward: the case does not change (any state: the case may have
 *   moved on since the forward).
 * - `undo`: an operator's assignment undone in its window: back to triage exactly as before
 *   (TRI_UNDO_UNAVAILABLE when the case is not forwarded).
 */
import { AppError } from '../shared/errors';
import type { CaseRecord } from './case-store';

export const REOPENED_REASON = 'REOPENED';
export const BOUNCED = 'BOUNCED';

/** The triage fields of a case, as an undo puts them back. */
export type TriageState = Pick<CaseRecord, 'triageReason' | 'triageSince' | 'triageDetail'>;

export type CaseTransition =
  | { kind: 'route'; outcome: 'forward'; institutionId: string }
  | { kind: 'route'; outcome: 'triage'; reason: string | null }
  | { kind: 'assign'; institutionId: string }
  | { kind: 'return'; reason: string }
  | { kind: 'reopen' }
  | { kind: 'reassign'; institutionId: string }
  | { kind: 'bounce'; institutionId: string; reason: string; forwardId: string; ruleId: string | null }
  | { kind: 'acknowledge' }
  | { kind: 'undo'; before: TriageState };

const forwardedTo = (c: CaseRecord, institutionId: string): CaseRecord => ({
  ...c, status: 'forwarded', institutionId, triageReason: null, triageSince: null, triageDetail: null, returnReason: null,
});

const inTriage = (c: CaseRecord, at: Date, reason: string | null, detail: Record<string, unknown> | null): CaseRecord => ({
  ...c, status: 'triage', institutionId: null, triageReason: reason, triageSince: at, triageDetail: detail, returnReason: null,
});

/** Why the transition is not allowed on the case as it stands, or null when it is. */
export function refusal(c: CaseRecord, t: CaseTransition): AppError | null {
  const id = c.caseId;
  switch (t.kind) {
    case 'assign':
    case 'return':
      return c.status === 'triage' ? null : new AppError('TRI_NOT_IN_TRIAGE', `Case ${id} is ${c.status}, not waiting in triage.`);
    case 'reopen':
      return c.status === 'returned' ? null : new AppError('CAS_NOT_RETURNED', `Case ${id} is ${c.status}; only a returned case can be reopened.`);
    case 'reassign':
      if (c.status !== 'forwarded' || !c.institutionId) return new AppError('CAS_NOT_FORWARDED', `Case ${id} is ${c.status}; only a forwarded case can be re-assigned.`);
      return c.institutionId === t.institutionId
        ? new AppError('CAS_SAME_INSTITUTION', `Case ${id} is already forwarded to ${t.institutionId}.`, [{ path: '/institutionId', message: 'is the current institution' }])
        : null;
    case 'bounce':
      return c.status === 'forwarded' && c.institutionId === t.institutionId
        ? null
        : new AppError('CAS_NOT_FORWARDED', `Case ${id} is not forwarded to ${t.institutionId} any more; a bounce of it does not move the case.`);
    case 'undo':
      return c.status === 'forwarded' ? null : new AppError('TRI_UNDO_UNAVAILABLE', `The forward of case ${id} cannot be undone: it is ${c.status}.`, [], { why: 'not-held' });
    case 'route':
    case 'acknowledge':
      return null;
  }
}

/** The case after the transition at `at`; throws the catalogue's error when it is not allowed. */
export function transition(c: CaseRecord, t: CaseTransition, at: Date): CaseRecord {
  const refused = refusal(c, t);
  if (refused) throw refused;
  switch (t.kind) {
    case 'route':
      return t.outcome === 'forward' ? forwardedTo(c, t.institutionId) : inTriage(c, at, t.reason, null);
    case 'assign':
    case 'reassign':
      return forwardedTo(c, t.institutionId);
    case 'return':
      return { ...c, status: 'returned', institutionId: null, returnReason: t.reason, triageReason: null, triageSince: null, triageDetail: null };
    case 'reopen':
      return inTriage(c, at, REOPENED_REASON, { returnReason: c.returnReason });
    case 'bounce':
      return inTriage(c, at, BOUNCED, { institutionId: t.institutionId, reason: t.reason, forwardId: t.forwardId, ruleId: t.ruleId });
    case 'undo':
      return { ...c, status: 'triage', institutionId: null, returnReason: null, ...t.before };
    case 'acknowledge':
      return c;
  }
}
