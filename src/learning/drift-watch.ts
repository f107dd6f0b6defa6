/**
 * Drift watch notices (issue #18): a scheduled check reads the live learned rules' status (learned-rules.ts) and,
 * under its job lock, opens a drift episode for each rule that drifts without an open one — which records one
 * `rules.learned-drift` notice for the supervisors in the outbox — and closes the open episodes of rules that no
 * longer drift or are no longer live. So a rule that keeps drifting is announced once, not at every check; one
 * that recovers and drifts again is announced again. The notice carries the rule, the rule-table version and
 * the figures, nothing about a person; the leased notice relay publishes it (src/shared/notice-relay.ts).
 */
import type { ExclusiveRun, LockedRun } from '../shared/exclusive-job';
import type { Logger } from '../shared/logger';
import { noticeRelayStep, type NoticeRelayWiring } from '../shared/notice-relay';
import type { LearnedRulesService } from './learned-rules';

export const LEARNED_DRIFT_KEY = 'rules.learned-drift';
export const DRIFT_JOB_NAMES = { check: 'learning.drift-check', notify: 'learning.drift-notify' } as const;

/** A drifting rule as the check found it. */
export interface DriftFinding {
  ruleId: string;
  ruleSetVersion: number;
  forwards: number;
  undone: number;
  minForwards: number;
  maxUndoneShare: number;
}

/** A recorded drift notice (one per rule and episode). */
export interface DriftNotice extends DriftFinding {
  episode: number;
  detectedAt: Date;
}

/** The episodes' writer, bound to the check's transaction. */
export interface DriftEpisodes {
  /** Opens an episode (and its pending notice) for each finding without an open one; returns the notices recorded. */
  open(findings: DriftFinding[], at: Date): Promise<DriftNotice[]>;
  /** Closes the open episodes of every rule not in `drifting`; returns the rule ids closed. */
  closeAllBut(drifting: string[], at: Date): Promise<string[]>;
}

export interface DriftCheckResult {
  opened: DriftNotice[];
  closed: string[];
}

const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 1000);

export function driftNoticeMessage(n: DriftNotice) {
  return {
    type: LEARNED_DRIFT_KEY,
    ruleId: n.ruleId,
    ruleSetVersion: n.ruleSetVersion,
    episode: n.episode,
    detectedAt: n.detectedAt.toISOString(),
    forwards: n.forwards,
    undone: n.undone,
    undoneShare: share(n.undone, n.forwards),
    threshold: { minForwards: n.minForwards, maxUndoneShare: n.maxUndoneShare },
    links: { learnedRules: '/api/rules/learned', rules: '/api/rules' },
  };
}

export function driftRelayStep(deps: NoticeRelayWiring<DriftNotice>) {
  return noticeRelayStep<DriftNotice>({
    ...deps,
    routingKey: () => LEARNED_DRIFT_KEY,
    messageId: (n) => `learned-drift:${n.ruleId}:${n.episode}`,
    body: driftNoticeMessage,
    describe: (n) => ({ ruleId: n.ruleId, episode: n.episode, ruleSetVersion: n.ruleSetVersion }),
    event: 'learning.drift_notice',
  });
}

export interface DriftJobs {
  /** One drift check as of `now`, then the relay; `{ ran: false }` when another instance holds the check's lock. */
  check(now: Date): Promise<LockedRun<DriftCheckResult>>;
  /** Sends pending drift notices; at most `maxRounds` relay rounds. */
  relayNotifications(maxRounds?: number): Promise<void>;
}

export function driftJobs(deps: { exclusive: ExclusiveRun<DriftEpisodes>; learnedRules: LearnedRulesService; logger: Logger; relay?: () => Promise<boolean> }): DriftJobs {
  const relayNotifications = async (maxRounds = 20) => {
    if (!deps.relay) return;
    for (let round = 0; round < maxRounds && (await deps.relay()); round++);
  };
  return {
    async check(now: Date) {
      // Read before the lock: on PGlite (one connection) a read beside the open transaction would wait for it.
      const { ruleSetVersion, live } = await deps.learnedRules.statusWithVersion();
      const { minForwards, maxUndoneShare } = deps.learnedRules.drift;
      const findings = live.filter((r) => r.drifting).map((r) => ({ ruleId: r.ruleId, ruleSetVersion, forwards: r.forwards, undone: r.undone, minForwards, maxUndoneShare }));
      const run = await deps.exclusive(DRIFT_JOB_NAMES.check, async (episodes) => {
        const closed = await episodes.closeAllBut(findings.map((f) => f.ruleId), now);
        return { opened: await episodes.open(findings, now), closed };
      });
      if (!run.ran) deps.logger.debug('drift check skipped: another instance runs it', { event: 'learning.drift_check_skipped' });
      else {
        for (const n of run.result.opened) deps.logger.warn('learned rule drifts: supervisors notified', { event: 'learning.drift_detected', ruleId: n.ruleId, episode: n.episode, forwards: n.forwards, undone: n.undone });
        for (const ruleId of run.result.closed) deps.logger.info('learned rule no longer drifts', { event: 'learning.drift_ended', ruleId });
      }
      await relayNotifications();
      return run;
    },
    relayNotifications,
  };
}
