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
import { instantBusinessHoursBefore } from '../business-time/business-age';

/** Reasons the pipeline itself sets, beside those of the rule table (NO_RULE when no rule matched). */
export const BUILT_IN_TRIAGE_REASONS = ['NO_RULE', 'BOUNCED', 'REOPENED'] as const;

export interface TriageQueueFilter {
  reasons?: string[];
  bucType?: string;
  sector?: string;
  senderCountry?: string;
  /** Only cases in triage since at or before this instant (minimum age). */
  triagedBefore?: Date;
  /** Only cases whose first envelope's legalDeliveryAt is at or before this instant (minimum legal age). */
  receivedBefore?: Date;
  /** Only cases this principal holds a running claim on. */
  claimedBy?: string;
}

/** A minimum age in business hours (desk calendar), counted from the legal receipt or from the entry into triage. */
export interface TriageMinAge {
  businessHours: number;
  from: 'received' | 'triage';
}

export const TRIAGE_SORT_KEYS = ['triageSince', 'received', 'bucType', 'senderCountry', 'reason'] as const;
export type TriageSortKey = (typeof TRIAGE_SORT_KEYS)[number];

/** A page of the queue: keyset (`after`, the sort key of the last row) or a page jump (`offset`), in `sort` order. */
export interface TriagePageRequest extends PageRequest {
  sort?: { key: TriageSortKey; desc: boolean };
  offset?: number;
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
  /** One page in the sort order (default oldest in triage first; keyset on the sort key, case_id); claims still running at `now` only. */
  queue(filter: TriageQueueFilter, page: TriagePageRequest, now: Date): Promise<{ rows: TriageQueueRow[]; nextCursor: string | null }>;
  countsByReason(filter: Omit<TriageQueueFilter, 'reasons'>, now: Date): Promise<Record<string, number>>;
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

  async list(query: TriageQueueFilter, page: TriagePageRequest, minAge?: TriageMinAge) {
    const now = this.deps.clock.now();
    const filter = { ...query, ...this.minAgeFilter(minAge, now) };
    const { reasons, ...others } = filter;
    const countsByReason = await this.deps.store.countsByReason(others, now);
    if (reasons?.length) {
      let known = await this.knownReasons(countsByReason);
      // Only when a code is not known so far: a reason still in the queue outside the other filters counts too.
      if (reasons.some((r) => !known.has(r))) known = await this.knownReasons(await this.deps.store.countsByReason({}, now));
      const unknown = reasons.filter((r) => !known.has(r));
      if (unknown.length) {
        throw new AppError('REQ_INVALID_QUERY', `Unknown triage reason ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${[...known].sort().join(', ')}.`,
          unknown.map((u) => ({ path: 'reason', message: `"${u}" is not a triage reason` })));
      }
    }
    const { rows, nextCursor } = await this.deps.store.queue(filter, page, now);
    const ages = this.businessAges(rows.map((c) => c.triageSince), now);
    const legalAges = this.businessAges(rows.map((c) => c.firstLegalDeliveryAt), now);
    const items = rows.map((c, i) => {
      const businessHours = round1(ages[i]);
      const legalHours = round1(legalAges[i]);
      return {
        caseId: c.caseId, bucType: c.bucType, sector: c.bucType.split('_BUC')[0], senderInstitutionId: c.senderInstitutionId, senderCountry: c.senderCountry,
        reason: c.triageReason, triageReason: c.triageReason, detail: c.triageDetail,
        since: c.triageSince.toISOString(), triageSince: c.triageSince.toISOString(), firstLegalDeliveryAt: c.firstLegalDeliveryAt.toISOString(),
        envelopesHeld: c.envelopesHeld, envelopes: c.envelopesHeld, explanation: c.explanation,
        age: { businessHours, class: ageClass(businessHours, this.deps.age) },
        legalAge: { businessHours: legalHours, class: ageClass(legalHours, this.deps.age) }, claim: claimView(c.claim),
      };
    });
    const total = Object.entries(countsByReason).reduce((n, [r, count]) => (!reasons?.length || reasons.includes(r) ? n + count : n), 0);
    return { items, nextCursor, countsByReason, total, offset: page.after ? null : page.offset ?? 0 };
  }

  /** A minimum age in business hours as the instant before which the case must have been received or triaged. */
  private minAgeFilter(minAge: TriageMinAge | undefined, now: Date): Pick<TriageQueueFilter, 'receivedBefore' | 'triagedBefore'> {
    if (!minAge) return {};
    const before = instantBusinessHoursBefore(this.deps.businessHoursBetween, now, minAge.businessHours);
    return minAge.from === 'received' ? { receivedBefore: before } : { triagedBefore: before };
  }

  /**
   * Business hours from each instant to now, walking the calendar once: in time order, the youngest case's age
   * plus the business time between neighbours (a page of old cases would otherwise walk months 50 times).
   */
  private businessAges(since: Date[], now: Date): number[] {
    const order = since.map((_, i) => i).sort((a, b) => since[a].getTime() - since[b].getTime());
    const ages = new Array<number>(since.length);
    let next = now;
    let acc = 0;
    for (let k = order.length - 1; k >= 0; k -= 1) {
      const i = order[k];
      const from = since[i] < next ? since[i] : next;
      acc += this.deps.businessHoursBetween(from, next);
      ages[i] = Math.max(0, acc);
      next = from;
    }
    return ages;
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
