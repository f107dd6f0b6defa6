/**
 * After a new rule table is published, the cases still waiting in triage that it would now decide: first the
 * list (a dry run, nothing written), then, on a supervisor's word, their re-routing through the normal forward
 * path (TriageService.assign: the decision, the forwards of every SED held, the outbox, the case events), each
 * case audited as an assignment and the whole as `rules.reroute`. The target is computed again at that moment
 * from the rule table then in force; a case someone else holds a claim on, or that left triage, is skipped and
 * said so. Bounced and reopened cases are left out: the rules had decided them, or a person sent them back.
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { Envelope } from '../intake/envelope';
import { routeEnvelope } from '../routing/evaluate';
import type { RoutingConfigService } from '../routing/versions';
import { AppError } from '../shared/errors';
import type { RerouteCommand } from './commands';
import type { TriageService } from './triage-service';

/** Triage cases one dry run looks at (oldest in triage first). */
export const REROUTE_SCAN_LIMIT = 2000;

export interface RerouteSource {
  /** Ids of cases the rules sent to triage (not bounced or reopened ones), oldest first, at most `limit`; `only`: that case if it is one. */
  triageCaseIds(limit: number, only?: string): Promise<string[]>;
  /** The stored envelopes of a case in legal order. */
  envelopesOfCase(caseId: string): Promise<Envelope[]>;
}

export interface RerouteCandidate {
  caseId: string;
  institutionId: string;
  ruleId: string | null;
  explanation: string;
}

export class TriageReroute {
  constructor(private readonly deps: { source: RerouteSource; routingConfig: RoutingConfigService; triage: TriageService; audit: AuditTrail }) {}

  private async decide(caseId: string): Promise<RerouteCandidate | null> {
    const [first] = await this.deps.source.envelopesOfCase(caseId);
    if (!first) return null;
    const { ruleTable, directory } = await this.deps.routingConfig.current();
    const { decision } = routeEnvelope(first, { ruleTable, directory, caseRoute: null });
    if (decision.outcome !== 'forward' || !decision.institutionId) return null;
    return { caseId, institutionId: decision.institutionId, ruleId: decision.ruleId, explanation: decision.explanation };
  }

  /** The dry run: the triage cases the rule table in force decides, with the target and the rule. */
  async candidates() {
    const { ruleSetVersion } = await this.deps.routingConfig.current();
    const ids = await this.deps.source.triageCaseIds(REROUTE_SCAN_LIMIT + 1);
    const scanned = ids.slice(0, REROUTE_SCAN_LIMIT);
    const items: RerouteCandidate[] = [];
    for (const id of scanned) {
      const c = await this.decide(id);
      if (c) items.push(c);
    }
    return { ruleSetVersion, scanned: scanned.length, complete: ids.length <= REROUTE_SCAN_LIMIT, items };
  }

  /** Re-routes the listed cases the rule table in force decides (at most the scan limit per call). */
  async apply({ caseIds }: RerouteCommand, by: string) {
    const { ruleSetVersion } = await this.deps.routingConfig.current();
    const results: Array<{ caseId: string; status: 'forwarded' | 'skipped'; institutionId?: string; forwardIds?: string[]; reason?: string }> = [];
    for (const caseId of new Set(caseIds)) {
      const eligible = (await this.deps.source.triageCaseIds(1, caseId)).length > 0;
      const c = eligible ? await this.decide(caseId).catch(() => null) : null;
      if (!c) {
        results.push({ caseId, status: 'skipped', reason: 'the rule table in force does not decide it' });
        continue;
      }
      try {
        const note = `re-routed after rule table v${ruleSetVersion}: ${c.ruleId ?? 'rule'} (${c.explanation})`.slice(0, 2000);
        const done = await this.deps.triage.assign(caseId, { institutionId: c.institutionId, note }, by);
        results.push({ caseId, status: 'forwarded', institutionId: done.institutionId, forwardIds: done.forwardIds });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        results.push({ caseId, status: 'skipped', reason: `${e.code}: ${e.message}` });
      }
    }
    const forwarded = results.filter((r) => r.status === 'forwarded').length;
    await this.deps.audit.record({
      actor: by, action: 'rules.reroute', subjectType: 'rule-set', subjectId: String(ruleSetVersion),
      data: { requested: caseIds.length, forwarded, skipped: results.length - forwarded, cases: results.map((r) => `${r.caseId}:${r.status}`) },
    });
    return { ruleSetVersion, forwarded, results };
  }
}
