/**
 * Learned rules after publication. In shadow (`shadowUntil`): how many cases each would have decided and how often
 * it agreed with the operators who decided them. Live: each learned rule's precision so far (its forwards that
 * stayed with the institution it chose, not bounced or re-assigned) and whether it drifts: at least
 * `minForwards` forwards and more than `maxUndoneShare` of them undone (LEARNING_DRIFT_MIN_FORWARDS,
 * LEARNING_DRIFT_MAX_UNDONE_PERCENT). A learned rule is one whose id starts with LEARNED- (rule induction names
 * them so); a supervisor who renames one takes it out of this watch.
 */
import type { RoutingConfigService } from '../routing/versions';

export interface ShadowRuleCounts {
  ruleId: string;
  cases: number;
  decidedByOperators: number;
  agreed: number;
}

export interface LiveRuleCounts {
  ruleId: string;
  forwards: number;
  undone: number;
}

export interface LearnedRulesRepository {
  shadowCounts(ruleIds: string[]): Promise<ShadowRuleCounts[]>;
  liveCounts(ruleIds: string[]): Promise<LiveRuleCounts[]>;
  /** When the notice of each rule's open drift episode was sent (drift-watch.ts); rules without one are left out. */
  driftNoticesSent(ruleIds: string[]): Promise<Array<{ ruleId: string; sentAt: Date }>>;
}

export interface DriftSettings {
  minForwards: number;
  /** 0–1. */
  maxUndoneShare: number;
}

export interface ShadowRuleStatus extends ShadowRuleCounts {
  until: string;
  /** agreed / decidedByOperators, null before any operator decided such a case. */
  agreement: number | null;
}

export interface LiveRuleStatus extends LiveRuleCounts {
  /** (forwards − undone) / forwards, null before any forward. */
  precision: number | null;
  drifting: boolean;
  /** When the supervisors were notified of its current drift episode (rules.learned-drift), null otherwise. */
  driftNoticeSentAt: string | null;
}

export const isLearned = (ruleId: string) => ruleId.startsWith('LEARNED-');

const ratio = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 1000) / 1000);

export class LearnedRulesService {
  constructor(private readonly deps: { repo: LearnedRulesRepository; routingConfig: RoutingConfigService; drift: DriftSettings }) {}

  /** The drift settings this service judges by. */
  get drift(): Readonly<DriftSettings> {
    return this.deps.drift;
  }

  async status(): Promise<{ shadow: ShadowRuleStatus[]; live: LiveRuleStatus[] }> {
    const { shadow, live } = await this.statusWithVersion();
    return { shadow, live };
  }

  /** The status with the rule-table version it was read from (the drift check records it). */
  async statusWithVersion(): Promise<{ ruleSetVersion: number; shadow: ShadowRuleStatus[]; live: LiveRuleStatus[] }> {
    const { ruleTable, ruleSetVersion } = await this.deps.routingConfig.current();
    const shadowRules = ruleTable.rules.filter((r) => r.shadowUntil !== undefined);
    const liveRules = ruleTable.rules.filter((r) => r.shadowUntil === undefined && isLearned(r.id));
    const liveIds = liveRules.map((r) => r.id);
    const [shadow, live, notified] = await Promise.all([
      this.deps.repo.shadowCounts(shadowRules.map((r) => r.id)), this.deps.repo.liveCounts(liveIds), this.deps.repo.driftNoticesSent(liveIds),
    ]);
    const d = this.deps.drift;
    return {
      ruleSetVersion,
      shadow: shadowRules.map((r) => {
        const c = shadow.find((x) => x.ruleId === r.id) ?? { ruleId: r.id, cases: 0, decidedByOperators: 0, agreed: 0 };
        return { ...c, until: r.shadowUntil as string, agreement: ratio(c.agreed, c.decidedByOperators) };
      }),
      live: liveRules.map((r) => {
        const c = live.find((x) => x.ruleId === r.id) ?? { ruleId: r.id, forwards: 0, undone: 0 };
        return { ...c, precision: ratio(c.forwards - c.undone, c.forwards), drifting: c.forwards >= d.minForwards && c.undone / c.forwards > d.maxUndoneShare,
          driftNoticeSentAt: notified.find((n) => n.ruleId === r.id)?.sentAt.toISOString() ?? null };
      }),
    };
  }
}
