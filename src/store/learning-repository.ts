/** The learning loop's storage: decision features, similarity counts, repeated decisions, generated secrets. */
import type { Envelope } from '../intake/envelope';
import type { CaseFeatures } from '../learning/features';
import type { DecisionExample } from '../learning/learn-candidates';
import type { CaseEvidence, LearningRepository, ManualDecision, RecordedFeatures } from '../learning/learning-service';
import type { SimilarityField, SimilarityLevel } from '../learning/similarity';
import type { Database } from './database';

const COLUMN: Record<SimilarityField, string> = {
  bucType: 'buc_type', sector: 'sector', senderCountry: 'sender_country', residence: 'residence', refNetworks: 'ref_networks', pinHash: 'pin_hash',
};

const value = (f: CaseFeatures, field: SimilarityField): string | null =>
  field === 'refNetworks' ? f.refNetworks.join(',') : f[field];

/** Only decisions the case still follows teach: a bounced or re-assigned decision does not count. */
const LIVE = `JOIN cases c ON c.case_id = df.case_id AND c.status = 'forwarded' AND c.institution_id = df.institution_id`;

export class PgLearningRepository implements LearningRepository {
  constructor(private readonly db: Database) {}

  async evidence(caseId: string): Promise<CaseEvidence | undefined> {
    const [c] = await this.db.query<{ status: string; first_legal_delivery_at: Date; triage_reason: string | null; rule_id: string | null; envelope_id: string | null; assigned_from: string | null }>(
      `SELECT c.status, c.first_legal_delivery_at, c.triage_reason,
              (SELECT d.rule_id FROM decisions d WHERE d.case_id = c.case_id AND d.decided_by = 'router' AND d.rule_id IS DISTINCT FROM 'CASE-IN-TRIAGE' ORDER BY d.id DESC LIMIT 1) AS rule_id,
              (SELECT d.envelope_id FROM decisions d WHERE d.case_id = c.case_id AND d.decided_by = 'router' AND d.rule_id IS DISTINCT FROM 'CASE-IN-TRIAGE' ORDER BY d.id DESC LIMIT 1) AS envelope_id,
              (SELECT ev.data->>'previousReason' FROM case_events ev WHERE ev.case_id = c.case_id AND ev.kind = 'assigned' ORDER BY ev.id DESC LIMIT 1) AS assigned_from
         FROM cases c WHERE c.case_id = $1`, [caseId]);
    if (!c) return undefined;
    const [e] = await this.db.query<{ body: Envelope }>(
      `SELECT body FROM envelopes WHERE envelope_id = COALESCE($2, (SELECT envelope_id FROM envelopes WHERE case_id = $1 ORDER BY legal_delivery_at, envelope_id LIMIT 1))`,
      [caseId, c.envelope_id]);
    if (!e) return undefined;
    return {
      caseId, envelope: e.body, status: c.status, firstLegalDeliveryAt: c.first_legal_delivery_at,
      triageReason: c.triage_reason ?? c.assigned_from, routerRuleId: c.rule_id,
    };
  }

  async latestManualForward(caseId: string): Promise<ManualDecision | undefined> {
    const [d] = await this.db.query<{ id: number; institution_id: string; decided_by: string; decided_at: Date }>(
      `SELECT id, institution_id, decided_by, decided_at FROM decisions
        WHERE case_id = $1 AND outcome = 'forward' AND decided_by <> 'router' AND institution_id IS NOT NULL AND cancelled_at IS NULL ORDER BY id DESC LIMIT 1`, [caseId]);
    return d && { decisionId: Number(d.id), institutionId: d.institution_id, decidedBy: d.decided_by, decidedAt: d.decided_at };
  }

  async saveFeatures(f: RecordedFeatures): Promise<void> {
    await this.db.query(
      `INSERT INTO decision_features (case_id, decision_id, institution_id, decided_at, decided_by, triage_reason, router_rule_id,
         buc_type, sector, sender_country, residence, ref_networks, pin_hash)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
       ON CONFLICT (case_id) DO UPDATE SET decision_id = EXCLUDED.decision_id, institution_id = EXCLUDED.institution_id,
         decided_at = EXCLUDED.decided_at, decided_by = EXCLUDED.decided_by, triage_reason = EXCLUDED.triage_reason,
         router_rule_id = EXCLUDED.router_rule_id, buc_type = EXCLUDED.buc_type, sector = EXCLUDED.sector,
         sender_country = EXCLUDED.sender_country, residence = EXCLUDED.residence, ref_networks = EXCLUDED.ref_networks, pin_hash = EXCLUDED.pin_hash`,
      [f.caseId, f.decisionId, f.institutionId, f.decidedAt, f.decidedBy, f.triageReason, f.routerRuleId,
        f.bucType, f.sector, f.senderCountry, f.residence, f.refNetworks.join(','), f.pinHash]);
  }

  async similarCounts(level: SimilarityLevel, f: CaseFeatures, exceptCaseId: string): Promise<Array<{ institutionId: string; cases: number }>> {
    const params: unknown[] = [exceptCaseId];
    const where = level.fields.map((field) => {
      params.push(value(f, field));
      return `df.${COLUMN[field]} = $${params.length}`;
    });
    // Each level's columns are a prefix of decision_features_similar_idx (or the sector / person index).
    const rows = await this.db.query<{ institution_id: string; cases: number }>(
      `SELECT df.institution_id, count(*)::int AS cases FROM decision_features df ${LIVE}
        WHERE ${where.join(' AND ')} AND df.case_id <> $1 GROUP BY df.institution_id`, params);
    return rows.map((r) => ({ institutionId: r.institution_id, cases: r.cases }));
  }

  async decisionExamples(limit: number): Promise<DecisionExample[]> {
    // The SED the router last decided on (as evidence() reads it), else the case's first.
    const rows = await this.db.query<{ case_id: string; institution_id: string; decided_at: Date; body: Envelope }>(
      `SELECT df.case_id, df.institution_id, df.decided_at, e.body
         FROM (SELECT df.* FROM decision_features df ${LIVE} ORDER BY df.decided_at DESC, df.case_id LIMIT $1) df
         JOIN LATERAL (SELECT d.envelope_id FROM decisions d WHERE d.case_id = df.case_id AND d.decided_by = 'router'
                          AND d.rule_id IS DISTINCT FROM 'CASE-IN-TRIAGE' ORDER BY d.id DESC LIMIT 1) rd ON true
         JOIN envelopes e ON e.envelope_id = rd.envelope_id
        ORDER BY df.decided_at DESC, df.case_id`, [limit]);
    return rows.map((r) => ({ caseId: r.case_id, institutionId: r.institution_id, decidedAt: r.decided_at, envelope: r.body }));
  }

  async secret(name: string, generate: () => string): Promise<string> {
    // Two instances starting together: the first insert wins, both read the same value.
    await this.db.query('INSERT INTO service_secrets (name, value, created_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO NOTHING', [name, generate()]);
    const [r] = await this.db.query<{ value: string }>('SELECT value FROM service_secrets WHERE name = $1', [name]);
    return r.value;
  }
}
