/**
 * Correcting and annotating cases: a note on any case; re-assigning a forwarded case that went to the wrong
 * institution (a new forward of every SED of the case and a new X007 instruction through the outbox, the old
 * forwards recorded `superseded`); reopening a returned case (back to triage, reason REOPENED). Each is a
 * recorded decision or case event, and an audit-trail entry.
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { RoutingConfigService } from '../routing/versions';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { checkForwardTarget, MANUAL_RULE } from '../cases/case-rules';
import { REOPENED_REASON, refusal, transition } from '../cases/case-transitions';
import type { CaseStore } from '../cases/case-store';
import { forwardCase } from '../cases/plan-forward';
import type { NoteCommand, ReassignCommand, ReopenCommand } from './commands';


export interface CaseActionsDeps {
  store: CaseStore;
  routingConfig: RoutingConfigService;
  clock: Clock;
  logger: Logger;
  audit: AuditTrail;
}

export class CaseActions {
  constructor(private readonly deps: CaseActionsDeps) {}

  async addNote(caseId: string, cmd: NoteCommand, by: string): Promise<{ caseId: string; at: string; by: string; note: string }> {
    const { note } = cmd;
    const at = this.deps.clock.now();
    await this.deps.store.inTransaction(async (w) => {
      if (!(await w.lockCase(caseId))) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
      await w.addEvent(caseId, 'note', at, { by, note });
    });
    // The note's text may name people: the trail keeps that there was one, and its length.
    await this.deps.audit.record({ actor: by, action: 'case.note', subjectType: 'case', subjectId: caseId, data: { length: note.length } });
    return { caseId, at: at.toISOString(), by, note };
  }

  async reassign(caseId: string, cmd: ReassignCommand, by: string): Promise<{ caseId: string; institutionId: string; forwardIds: string[]; supersededForwardIds: string[] }> {
    const { institutionId, note } = cmd;
    const cfg = await this.deps.routingConfig.current();
    const at = this.deps.clock.now();
    const r = await this.deps.store.inTransaction(async (w) => {
      const c = await w.lockCase(caseId);
      if (!c) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
      const refused = refusal(c, { kind: 'reassign', institutionId });
      if (refused) throw refused;
      checkForwardTarget(cfg.directory, c, institutionId);
      const from = c.institutionId as string;
      const superseded = await w.supersedeForwards(caseId, from);
      const decisionId = await w.insertDecision({
        caseId, envelopeId: null, outcome: 'forward', institutionId, reason: null, ruleId: MANUAL_RULE,
        ruleSetVersion: cfg.ruleSetVersion, directoryVersion: cfg.directoryVersion, trace: [],
        explanation: `${MANUAL_RULE}: re-assigned from ${from} to ${institutionId} by ${by}${note ? `: ${note}` : ''}`,
        decidedAt: at, decidedBy: by, note,
      });
      const envelopes = await w.envelopesOfCase(caseId, 'forwarded');
      await w.addEvent(caseId, 'reassigned', at, { from, institutionId, by, supersededForwardIds: superseded, note });
      // forwardCase sees a new route and asks the RINA adapter for an X007 with the first forward.
      const forwardIds = await forwardCase(w, { caseRecord: c, envelopes, institutionId, decisionId, ruleId: MANUAL_RULE, at, via: 'reassign' });
      return { from, superseded, forwardIds };
    });
    await this.deps.audit.record({
      actor: by, action: 'case.reassign', subjectType: 'case', subjectId: caseId, before: { institutionId: r.from }, after: { institutionId },
      data: { supersededForwardIds: r.superseded, forwardIds: r.forwardIds },
    });
    this.deps.logger.info('case re-assigned', { event: 'case.reassigned', caseId, from: r.from, institutionId, by, forwards: r.forwardIds.length });
    return { caseId, institutionId, forwardIds: r.forwardIds, supersededForwardIds: r.superseded };
  }

  async reopen(caseId: string, cmd: ReopenCommand, by: string): Promise<{ caseId: string; status: 'triage'; reason: string }> {
    const { note } = cmd;
    const at = this.deps.clock.now();
    await this.deps.store.inTransaction(async (w) => {
      const c = await w.lockCase(caseId);
      if (!c) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
      const reopened = transition(c, { kind: 'reopen' }, at);
      await w.insertDecision({
        caseId, envelopeId: null, outcome: 'triage', institutionId: null, reason: REOPENED_REASON, ruleId: MANUAL_RULE,
        ruleSetVersion: null, directoryVersion: null, trace: [], explanation: `${MANUAL_RULE}: reopened by ${by} (was returned: ${c.returnReason ?? 'no reason'})${note ? `: ${note}` : ''}`,
        decidedAt: at, decidedBy: by, note,
      });
      const returned = await w.envelopesOfCase(caseId, 'returned');
      await w.setEnvelopeState(returned.map((e) => e.envelopeId), 'triage');
      await w.saveCase(reopened, at);
      await w.addEvent(caseId, 'reopened', at, { by, note, returnReason: c.returnReason });
    });
    await this.deps.audit.record({ actor: by, action: 'case.reopen', subjectType: 'case', subjectId: caseId, before: { status: 'returned' }, after: { status: 'triage', reason: REOPENED_REASON } });
    this.deps.logger.info('case reopened', { event: 'case.reopened', caseId, by });
    return { caseId, status: 'triage', reason: REOPENED_REASON };
  }
}
