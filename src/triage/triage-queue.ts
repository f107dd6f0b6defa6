/**
 * The triage queue as operators see it: open orphan cases oldest first, filtered, counted by reason, each with
 * its age in business hours (desk calendar) and class, and who holds a claim on it. Claims keep two operators
 * from working the same case: a claim lasts TRIAGE_CLAIM_MINUTES, is renewed by its holder, and ends when the
 * holder releases it, decides the case, or lets it expire.
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { RoutingConfigService } from '../routing/versions';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { PageRequest } from '../shared/paging';

/** Reasons the pipeline itself sets, beside those of the rule table (NO_RULE when no rule matched). */
export const BUILT_IN_TRIAGE_REASONS = ['NO_RULE', 'BOUNCED', 'REOPENED'] as const;

export interface TriageQueueFilter {
  reasons?: string[];
  bucType?: string;
  sector?: string;
  senderCountry?: string;
  /** Only cases in triage since at or before this instant (minimum age). */
  triagedBefore?: Date;
}

export interface Claim {
  by: string;
  until: Date;
}

export interface TriageQueueRow {
  caseId: string;
  bucType: string;
  senderInstitutionId: string;
  senderCountry: string;
  triageReason: string;
  triageDetail: Record<string, unknown> | null;
  triageSince: Date;
  firstLegalDeliveryAt: Date;
  envelopesHeld: number;
  explanation: string | null;
  claim: Claim | null;
}

export type ClaimOutcome =
  | { status: 'claimed'; claim: Claim }
  | { status: 'held-by-other'; claim: Claim }
  | { status: 'not-in-triage'; caseStatus: string }
  | { status: 'no-case' };

export interface TriageQueueStore {
  /** One page oldest first (keyset on triage_since, case_id); claims still running at `now` only. */
  queue(filter: TriageQueueFilter, page: PageRequest, now: Date): Promise<{ rows: TriageQueueRow[]; nextCursor: string | null }>;
  countsByReason(filter: Omit<TriageQueueFilter, 'reasons'>): Promise<Record<string, number>>;
  /** Takes or renews the claim atomically: only when the case is in triage and nobody else holds a running claim. */
  claim(caseId: string, by: string, now: Date, until: Date): Promise<ClaimOutcome>;
  /** Ends the caller's own claim; answers the claim another operator holds, if any. */
  release(caseId: string, by: string, now: Date): Promise<{ released: boolean; heldBy?: Claim }>;
}

export type AgeClass = 'fresh' | 'old' | 'overdue';

export interface TriageAgeSettings {
  /** From this many business hours a case is "old". */
  oldBusinessHours: number;
  /** ORPHAN_MAX_AGE_BUSINESS_HOURS: from here an orphan ticket is opened; the case is "overdue". */
  overdueBusinessHours: number;
}

export function ageClass(businessHours: number, s: TriageAgeSettings): AgeClass {
  if (businessHours >= s.overdueBusinessHours) return 'overdue';
  return businessHours >= s.oldBusinessHours ? 'old' : 'fresh';
}

export interface TriageQueueDeps {
  store: TriageQueueStore;
  routingConfig: RoutingConfigService;
  clock: Clock;
  audit: AuditTrail;
  /** Business hours between two instants on the desk calendar. */
  businessHoursBetween: (from: Date, to: Date) => number;
  age: TriageAgeSettings;
  claimMinutes: number;
}

const claimView = (c: Claim | null) => (c ? { by: c.by, until: c.until.toISOString() } : null);
const round1 = (n: number) => Math.round(n * 10) / 10;

export class TriageQueue {
  constructor(private readonly deps: TriageQueueDeps) {}

  /** Codes the reason filter accepts: the rule table's, the built-in ones, and any still found in the queue. */
  private async knownReasons(inQueue: Record<string, number>): Promise<Set<string>> {
    const { ruleTable } = await this.deps.routingConfig.current();
    const fromRules = ruleTable.rules.flatMap((r) => ('triage' in r.then ? [r.then.triage.reason] : []));
    return new Set([...BUILT_IN_TRIAGE_REASONS, ...fromRules, ...Object.keys(inQueue)]);
  }

  async list(filter: TriageQueueFilter, page: PageRequest) {
    const now = this.deps.clock.now();
    const { reasons, ...others } = filter;
    const countsByReason = await this.deps.store.countsByReason(others);
    if (reasons?.length) {
      const known = await this.knownReasons(await this.deps.store.countsByReason({}));
      const unknown = reasons.filter((r) => !known.has(r));
      if (unknown.length) {
        throw new AppError('REQ_INVALID_QUERY', `Unknown triage reason ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${[...known].sort().join(', ')}.`,
          unknown.map((u) => ({ path: 'reason', message: `"${u}" is not a triage reason` })));
      }
    }
    const { rows, nextCursor } = await this.deps.store.queue(filter, page, now);
    const items = rows.map((c) => {
      const businessHours = round1(this.deps.businessHoursBetween(c.triageSince, now));
      return {
        caseId: c.caseId, bucType: c.bucType, sector: c.bucType.split('_BUC')[0], senderInstitutionId: c.senderInstitutionId, senderCountry: c.senderCountry,
        reason: c.triageReason, triageReason: c.triageReason, detail: c.triageDetail,
        since: c.triageSince.toISOString(), triageSince: c.triageSince.toISOString(), firstLegalDeliveryAt: c.firstLegalDeliveryAt.toISOString(),
        envelopesHeld: c.envelopesHeld, envelopes: c.envelopesHeld, explanation: c.explanation,
        age: { businessHours, class: ageClass(businessHours, this.deps.age) }, claim: claimView(c.claim),
      };
    });
    return { items, nextCursor, countsByReason };
  }

  async claim(caseId: string, by: string): Promise<{ claim: { by: string; until: string } }> {
    const now = this.deps.clock.now();
    const until = new Date(now.getTime() + this.deps.claimMinutes * 60_000);
    const r = await this.deps.store.claim(caseId, by, now, until);
    if (r.status === 'no-case') throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
    if (r.status === 'not-in-triage') throw new AppError('TRI_NOT_IN_TRIAGE', `Case ${caseId} is ${r.caseStatus}, not waiting in triage.`);
    if (r.status === 'held-by-other') throw claimedError(caseId, r.claim);
    await this.deps.audit.record({ actor: by, action: 'triage.claim', subjectType: 'case', subjectId: caseId, after: { until: r.claim.until.toISOString() } });
    return { claim: claimView(r.claim)! };
  }

  async release(caseId: string, by: string): Promise<void> {
    const r = await this.deps.store.release(caseId, by, this.deps.clock.now());
    if (r.heldBy) throw claimedError(caseId, r.heldBy);
    if (r.released) await this.deps.audit.record({ actor: by, action: 'triage.release', subjectType: 'case', subjectId: caseId });
  }
}

export function claimedError(caseId: string, c: Claim): AppError {
  return new AppError('TRI_CLAIMED', `Case ${caseId} is claimed by ${c.by} until ${c.until.toISOString()}.`, [], { claim: claimView(c) });
}
