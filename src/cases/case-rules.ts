/** The case's own rules that more than one command shares. */
import type { Directory } from '../routing/directory';
import { forwardTarget } from '../routing/forward-target';
import { AppError } from '../shared/errors';
import type { CaseRecord } from './case-store';

/** The rule id of an operator's decision (decisions.rule_id). */
export const MANUAL_RULE = 'MANUAL';

/** Refuses (FWD_TARGET_INVALID) a target that may not receive this case: routing/forward-target.ts, at the case's receipt. */
export function checkForwardTarget(directory: Pick<Directory, 'validityAt'>, c: CaseRecord, institutionId: string): void {
  const check = forwardTarget(directory, institutionId, c.firstLegalDeliveryAt.toISOString());
  if (check.allowed) return;
  const why = check.code === 'invalid' ? check.why : 'the target must be a French institution other than the liaison body';
  throw new AppError('FWD_TARGET_INVALID', `Cannot forward case ${c.caseId} to ${institutionId}: ${why}.`, [{ path: '/institutionId', message: why }]);
}
