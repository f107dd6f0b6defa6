/** The case state machine as a table: each row named, the legal ones with the case after, the illegal ones with the catalogue's code. */
import type { CaseRecord } from '../../src/cases/case-store';
import { BOUNCED, REOPENED_REASON, refusal, transition, type CaseTransition } from '../../src/cases/case-transitions';
import { isAppError } from '../../src/shared/errors';

const received = new Date('2025-03-03T09:00:00Z');
const at = new Date('2025-03-10T14:30:00Z');
const earlier = new Date('2025-03-05T08:00:00Z');

const base: CaseRecord = {
  caseId: 'C-1', bucType: 'P_BUC_01', senderInstitutionId: 'BE:1000', senderCountry: 'BE', status: 'triage', institutionId: null,
  triageReason: 'NO_RULE', triageSince: earlier, triageDetail: null, returnReason: null, firstLegalDeliveryAt: received,
};
const inTriage = base;
const forwarded: CaseRecord = { ...base, status: 'forwarded', institutionId: 'FR:CPAM69', triageReason: null, triageSince: null };
const returned: CaseRecord = { ...base, status: 'returned', returnReason: 'not for France', triageReason: null, triageSince: null };
const states = { triage: inTriage, forwarded, returned } as const;

const bounce: CaseTransition = { kind: 'bounce', institutionId: 'FR:CPAM69', reason: 'not competent', forwardId: 'fwd_1', ruleId: 'R-12' };
const undo: CaseTransition = { kind: 'undo', before: { triageReason: 'NO_RULE', triageSince: earlier, triageDetail: { note: 'kept' } } };

const triageFields = (reason: string, since: Date, detail: Record<string, unknown> | null = null): Partial<CaseRecord> => ({
  status: 'triage', institutionId: null, triageReason: reason, triageSince: since, triageDetail: detail, returnReason: null,
});
const forwardedFields = (institutionId: string): Partial<CaseRecord> => ({
  status: 'forwarded', institutionId, triageReason: null, triageSince: null, triageDetail: null, returnReason: null,
});

const allowed: Array<[string, keyof typeof states, CaseTransition, Partial<CaseRecord>]> = [
  ['router forwards a case waiting in triage', 'triage', { kind: 'route', outcome: 'forward', institutionId: 'FR:CAF75' }, forwardedFields('FR:CAF75')],
  ['router keeps a forwarded case on its route', 'forwarded', { kind: 'route', outcome: 'forward', institutionId: 'FR:CPAM69' }, forwardedFields('FR:CPAM69')],
  ['router sends a forwarded case to triage', 'forwarded', { kind: 'route', outcome: 'triage', reason: 'NO_RULE' }, triageFields('NO_RULE', at)],
  ['router routes a returned case again', 'returned', { kind: 'route', outcome: 'forward', institutionId: 'FR:CAF75' }, forwardedFields('FR:CAF75')],
  ['operator assigns a case in triage', 'triage', { kind: 'assign', institutionId: 'FR:CAF75' }, forwardedFields('FR:CAF75')],
  ['operator returns a case in triage', 'triage', { kind: 'return', reason: 'not for France' },
    { status: 'returned', institutionId: null, returnReason: 'not for France', triageReason: null, triageSince: null, triageDetail: null }],
  ['operator reopens a returned case', 'returned', { kind: 'reopen' }, triageFields(REOPENED_REASON, at, { returnReason: 'not for France' })],
  ['operator re-assigns a forwarded case', 'forwarded', { kind: 'reassign', institutionId: 'FR:CAF75' }, forwardedFields('FR:CAF75')],
  ['institution bounces the case forwarded to it', 'forwarded', bounce,
    triageFields(BOUNCED, at, { institutionId: 'FR:CPAM69', reason: 'not competent', forwardId: 'fwd_1', ruleId: 'R-12' })],
  ['institution accepts: the case does not change', 'forwarded', { kind: 'acknowledge' }, forwardedFields('FR:CPAM69')],
  ['an acceptance after the case moved on changes nothing', 'triage', { kind: 'acknowledge' }, triageFields('NO_RULE', earlier)],
  ['operator undoes an assignment: triage as before', 'forwarded', undo, triageFields('NO_RULE', earlier, { note: 'kept' })],
];

const refused: Array<[string, keyof typeof states, CaseTransition, string]> = [
  ['assign a forwarded case', 'forwarded', { kind: 'assign', institutionId: 'FR:CAF75' }, 'TRI_NOT_IN_TRIAGE'],
  ['assign a returned case', 'returned', { kind: 'assign', institutionId: 'FR:CAF75' }, 'TRI_NOT_IN_TRIAGE'],
  ['return a forwarded case', 'forwarded', { kind: 'return', reason: 'x' }, 'TRI_NOT_IN_TRIAGE'],
  ['reopen a case in triage', 'triage', { kind: 'reopen' }, 'CAS_NOT_RETURNED'],
  ['reopen a forwarded case', 'forwarded', { kind: 'reopen' }, 'CAS_NOT_RETURNED'],
  ['re-assign a case in triage', 'triage', { kind: 'reassign', institutionId: 'FR:CAF75' }, 'CAS_NOT_FORWARDED'],
  ['re-assign a returned case', 'returned', { kind: 'reassign', institutionId: 'FR:CAF75' }, 'CAS_NOT_FORWARDED'],
  ['re-assign to the same institution', 'forwarded', { kind: 'reassign', institutionId: 'FR:CPAM69' }, 'CAS_SAME_INSTITUTION'],
  ['bounce of a case in triage (it moved on)', 'triage', bounce, 'CAS_NOT_FORWARDED'],
  ['bounce by an institution the case is no longer forwarded to', 'forwarded', { ...bounce, institutionId: 'FR:CAF75' }, 'CAS_NOT_FORWARDED'],
  ['undo on a case in triage', 'triage', undo, 'TRI_UNDO_UNAVAILABLE'],
  ['undo on a returned case', 'returned', undo, 'TRI_UNDO_UNAVAILABLE'],
];

describe('case transitions', () => {
  it.each(allowed)('%s', (_name, from, t, expected) => {
    const c = states[from];
    expect(refusal(c, t)).toBeNull();
    const after = transition(c, t, at);
    expect(after).toEqual({ ...c, ...expected });
    // Identity and receipt never change with a transition.
    expect(after).toEqual(expect.objectContaining({ caseId: c.caseId, bucType: c.bucType, firstLegalDeliveryAt: received }));
  });

  it.each(refused)('refuses: %s (%s)', (_name, from, t, code) => {
    const c = states[from];
    expect(refusal(c, t)?.code).toBe(code);
    let thrown: unknown;
    try {
      transition(c, t, at);
    } catch (e) {
      thrown = e;
    }
    expect(isAppError(thrown) && thrown.code).toBe(code);
  });

  it('does not change the case it is given', () => {
    const c = { ...forwarded };
    transition(c, bounce, at);
    expect(c).toEqual(forwarded);
  });
});
