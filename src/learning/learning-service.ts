/**
 * The learning loop: operators' decisions become suggestions for similar orphans, rule proposals and a list of
 * candidate rules. The features of a case are recorded when an operator decides it (TriageService calls
 * `operatorDecided`), computed with the routing facts extraction on the SED that brought the case to triage.
 */
import { randomBytes } from 'node:crypto';
import type { Envelope } from '../intake/envelope';
import { extractFacts, type RoutingFacts } from '../routing/facts';
import type { RoutingConfig, RoutingConfigService } from '../routing/versions';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { DecisionLearning } from '../triage/triage-service';
import { caseFeatures, pinHasher, type CaseFeatures, type PinHasher } from './features';
import { pickerCandidates, type PickerCandidate } from './picker-candidates';
import { DEFAULT_MIN_AGREEMENT, DEFAULT_MIN_SUPPORT, generalProposal, learnCandidates, type DecisionExample } from './learn-candidates';
export type { DecisionExample } from './learn-candidates';
import type { Candidate } from './learned-rule';
import { proposeRule, type Proposal } from './rule-proposal';
import { PERSON_LEVEL, rankSuggestions, SIMILARITY_LEVELS, type SimilarityLevel, type Suggestion } from './similarity';

/** What a case offers the learning loop: the SED it was routed on, and how it got where it is. */
export interface CaseEvidence {
  caseId: string;
  envelope: Envelope;
  status: string;
  firstLegalDeliveryAt: Date;
  triageReason: string | null;
  /** The router's last decision on the case (not the "held in triage" ones). */
  routerRuleId: string | null;
}

export interface ManualDecision {
  decisionId: number;
  institutionId: string;
  decidedBy: string;
  decidedAt: Date;
}

export interface RecordedFeatures extends CaseFeatures, ManualDecision {
  caseId: string;
  triageReason: string | null;
  routerRuleId: string | null;
}

export interface LearningRepository {
  evidence(caseId: string): Promise<CaseEvidence | undefined>;
  latestManualForward(caseId: string): Promise<ManualDecision | undefined>;
  saveFeatures(f: RecordedFeatures): Promise<void>;
  /** Institutions that similar decided cases (other than `exceptCaseId`) went to and still are with. */
  similarCounts(level: SimilarityLevel, f: CaseFeatures, exceptCaseId: string): Promise<Array<{ institutionId: string; cases: number }>>;
  /**
   * The latest `limit` operator decisions the case still follows (not bounced, not re-assigned since), with the
   * SED the router decided on: what rule induction learns from.
   */
  decisionExamples(limit: number): Promise<DecisionExample[]>;
  /** The named secret, created with `generate()` by the first instance that asks. */
  secret(name: string, generate: () => string): Promise<string>;
}

export interface LearningDeps {
  repo: LearningRepository;
  routingConfig: RoutingConfigService;
  logger: Logger;
  /** PIN_HASH_KEY; when absent a key is generated once and kept in the database. */
  pinHashKey?: string;
  /** Rule induction's thresholds (LEARNING_MIN_SUPPORT, LEARNING_MIN_AGREEMENT_PERCENT / 100). */
  minSupport?: number;
  minAgreement?: number;
}

/** The most recent decisions induction reads. */
const MAX_EXAMPLES = 5000;

export class LearningService implements DecisionLearning {
  private hasher?: Promise<PinHasher>;

  constructor(private readonly deps: LearningDeps) {}

  private pinHasher(): Promise<PinHasher> {
    this.hasher ??= (this.deps.pinHashKey
      ? Promise.resolve(this.deps.pinHashKey)
      : this.deps.repo.secret('pin-hash-key', () => randomBytes(32).toString('base64url'))).then(pinHasher);
    return this.hasher;
  }

  private async featuresOf(e: CaseEvidence, cfg: RoutingConfig): Promise<{ facts: RoutingFacts; features: CaseFeatures }> {
    const facts = extractFacts(e.envelope, cfg.directory, null);
    return { facts, features: caseFeatures(facts, await this.pinHasher()) };
  }

  /** Records what the operator decided; never fails the decision itself (a lost example is only logged). */
  async operatorDecided(d: { caseId: string; institutionId: string; decidedBy: string; decidedAt: Date }): Promise<void> {
    try {
      const [evidence, decision] = await Promise.all([this.deps.repo.evidence(d.caseId), this.deps.repo.latestManualForward(d.caseId)]);
      if (!evidence || !decision) return;
      const { features } = await this.featuresOf(evidence, await this.deps.routingConfig.current());
      await this.deps.repo.saveFeatures({ ...features, ...decision, caseId: d.caseId, triageReason: evidence.triageReason, routerRuleId: evidence.routerRuleId });
    } catch (e) {
      this.deps.logger.warn('decision features not recorded', { event: 'learning.record-failed', caseId: d.caseId, error: (e as Error).message });
    }
  }

  async suggestions(caseId: string): Promise<{ caseId: string; items: Suggestion[] }> {
    const evidence = await this.deps.repo.evidence(caseId);
    if (!evidence) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
    const cfg = await this.deps.routingConfig.current();
    const { features } = await this.featuresOf(evidence, cfg);
    const levels = features.pinHash ? [PERSON_LEVEL, ...SIMILARITY_LEVELS] : [...SIMILARITY_LEVELS];
    const counts = await Promise.all(levels.map(async (level) => ({ level, counts: await this.deps.repo.similarCounts(level, features, caseId) })));
    const at = evidence.firstLegalDeliveryAt.toISOString();
    return { caseId, items: rankSuggestions(counts, features, (id) => cfg.directory.isValidAt(id, at), undefined, (id) => cfg.directory.institution(id)?.name ?? null) };
  }

  /** What the institution picker opens on: the case's references, the funds of its residence, the suggestions. */
  async candidatesForPicker(caseId: string): Promise<{ caseId: string; items: PickerCandidate[] }> {
    const evidence = await this.deps.repo.evidence(caseId);
    if (!evidence) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
    const cfg = await this.deps.routingConfig.current();
    const [{ facts }, suggested] = await Promise.all([this.featuresOf(evidence, cfg), this.suggestions(caseId)]);
    return { caseId, items: pickerCandidates(facts, cfg.directory, suggested.items, evidence.firstLegalDeliveryAt.toISOString()) };
  }

  /** A draft rule from the case's latest manual decision (or `institutionId` for a case still in triage). */
  async propose(caseId: string, institutionId?: string): Promise<Proposal & { caseId: string; institutionId: string; basedOnVersion: number }> {
    const evidence = await this.deps.repo.evidence(caseId);
    if (!evidence) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
    const manual = await this.deps.repo.latestManualForward(caseId);
    const target = institutionId ?? manual?.institutionId;
    if (!target) {
      throw new AppError('LRN_NO_MANUAL_DECISION', `Case ${caseId} has no operator decision to learn from; assign it first, or name the institution.`, [
        { path: '/institutionId', message: 'is required for a case no operator has assigned' },
      ]);
    }
    const cfg = await this.deps.routingConfig.current();
    const { facts, features } = await this.featuresOf(evidence, cfg);
    const candidates = learnCandidates(await this.deps.repo.decisionExamples(MAX_EXAMPLES), cfg, { minSupport: this.minSupport, minAgreement: this.minAgreement });
    const general = generalProposal(candidates, facts, target, cfg);
    if (general) return { caseId, institutionId: target, basedOnVersion: cfg.ruleSetVersion, ...general };
    const proposal = proposeRule({
      caseId, facts, features, institutionId: target, routerRuleId: evidence.routerRuleId,
      decidedBy: manual?.decidedBy ?? 'proposal', decidedAt: manual?.decidedAt ?? evidence.firstLegalDeliveryAt, table: cfg.ruleTable, directory: cfg.directory,
    });
    return { caseId, institutionId: target, basedOnVersion: cfg.ruleSetVersion, ...proposal };
  }

  /** The default fewest agreeing decisions for a candidate (LEARNING_MIN_SUPPORT). */
  get minSupport(): number {
    return this.deps.minSupport ?? DEFAULT_MIN_SUPPORT;
  }

  private get minAgreement(): number {
    return this.deps.minAgreement ?? DEFAULT_MIN_AGREEMENT;
  }

  /**
   * Candidate rules at the generality operators' decisions support (induction.ts), at least `min` agreeing
   * decisions each, most useful first. Cases the table in force now forwards are not examples (a rule already
   * does it, or they were bounced from it), nor are cases the identity gates stop: a learned rule goes below them.
   */
  async candidates(min: number, limit: number): Promise<Candidate[]> {
    const cfg = await this.deps.routingConfig.current();
    return learnCandidates(await this.deps.repo.decisionExamples(MAX_EXAMPLES), cfg, { minSupport: min, minAgreement: this.minAgreement }).slice(0, limit);
  }
}
