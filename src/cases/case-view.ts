/**
 * The case view of the console and of GET /api/cases/:caseId, shaped from one snapshot of the case (read in one
 * transaction): status, decisions with their trace and the versions they used, envelopes, forwards (superseded
 * included), the history (events, publications, notes), and for operators the SED's key facts: the person,
 * residence, identifiers and French references. Facts are personal data: each read is recorded in the audit
 * trail, the answer is never cached, and nothing of it is logged.
 */
import type { AuditTrail } from '../audit/audit-trail';
import type { Envelope } from '../intake/envelope';
import type { Directory } from '../routing/directory';
import { extractFacts, mainPersonOf } from '../routing/facts';
import { coded, firstObject, objects, text } from '../routing/sed-reading';
import type { RoutingConfigService } from '../routing/versions';
import type { X007Status } from './x007-status';
import { AppError } from '../shared/errors';
import type { Page, PageRequest } from '../shared/paging';

export interface SnapshotCase {
  caseId: string; bucType: string; senderInstitutionId: string; senderCountry: string; status: string; institutionId: string | null;
  triageReason: string | null; triageSince: Date | null; triageDetail: unknown; returnReason: string | null; firstLegalDeliveryAt: Date;
}

export interface CaseSnapshot {
  case: SnapshotCase | null;
  envelopes: Array<{ envelopeId: string; sedType: string; bucType: string; legalDeliveryAt: string; receivedAt: Date; state: string; via: string; duplicates: number; body: Envelope }>;
  decisions: Array<{ id: number; envelopeId: string | null; outcome: string; institutionId: string | null; reason: string | null; ruleId: string | null; ruleSetVersion: number | null; directoryVersion: number | null; explanation: string; trace: unknown[]; decidedAt: Date; decidedBy: string; note: string | null }>;
  forwards: Array<{
    forwardId: string; envelopeId: string; institutionId: string; ruleId: string | null; status: string; createdAt: Date; publishedAt: Date | null; acknowledgedAt: Date | null; reason: string | null;
    /** The forward carried out in RINA (a case that came through RINA, a new route), else null. */
    x007: X007Status | null;
  }>;
  events: Array<{ at: Date; kind: string; envelopeId: string | null; data: Record<string, unknown> }>;
  quarantined: Array<{ quarantineId: string; receivedAt: Date; errorCode: string }>;
  claim: { by: string; until: Date } | null;
}

export interface CaseSearchFilter {
  caseId?: string;
  envelopeId?: string;
  institutionId?: string;
  status?: string;
  from?: Date;
  to?: Date;
}

export interface CaseSummary {
  caseId: string; status: string; bucType: string; senderCountry: string; senderInstitutionId: string; institutionId: string | null;
  triageReason: string | null; firstLegalDeliveryAt: string; updatedAt: string; envelopes: number;
}

/** What the case view and the case search need from storage (read-only). */
export interface CaseReadModel {
  /** Everything about one case, read in one snapshot; undefined when nothing of the case is known. */
  snapshot(caseId: string, now: Date): Promise<CaseSnapshot | undefined>;
  search(filter: CaseSearchFilter, page: PageRequest): Promise<Page<CaseSummary>>;
  /** The institution a case is currently forwarded to (case affinity), or null. */
  caseRoute(caseId: string): Promise<string | null>;
  /** Released forwards addressed to one institution at `now` (pull mode), oldest first; `status` pending = not yet acknowledged. */
  /** `withholdSuperseded`: a superseded forward's SED is not given (the institution no longer handles the case, #21). */
  institutionForwards(institutionId: string, status: string | undefined, page: PageRequest, now: Date, opts?: { withholdSuperseded?: boolean }): Promise<Page<Record<string, unknown>>>;
}

export interface CaseViewer {
  /** operator:<username> or token:<id> / bootstrap: who reads (recorded). */
  actor: string;
  /** Operators see the SED facts; other callers the case without them. */
  seesFacts: boolean;
  sourceIp?: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function residenceOf(section: Record<string, unknown>) {
  const a = firstObject(section.ResidenceAddress) ?? firstObject(section.Address);
  if (!a) return null;
  return { street: text(a.street), town: text(a.town), postalCode: text(a.postalCode), region: text(a.region), country: coded(a.country) };
}

function pinsOf(identification: Record<string, unknown>) {
  return objects(firstObject(identification.PINPersonInEachInstitution)?.PersonalIdentificationNumber).map((p) => ({
    country: coded(p.country), number: text(p.personalIdentificationNumber), sector: coded(p.sector), institutionId: text(firstObject(p.Institution)?.institutionID),
  }));
}

/** The key facts: the person from the first SED (in legal order) that identifies one; references from all. */
export function caseFacts(envelopes: Envelope[], directory: Directory) {
  const withPerson = envelopes.map((e) => ({ e, main: mainPersonOf(e) })).find((x) => x.main !== null);
  const refs = new Map<string, { institutionId: string; name: string }>();
  for (const e of envelopes) for (const r of extractFacts(e, directory).frenchRefs) refs.set(r.institutionId, { institutionId: r.institutionId, name: r.name });
  const person = withPerson ? extractFacts(withPerson.e, directory).person : null;
  return {
    sourceEnvelopeId: withPerson?.e.envelopeId ?? null,
    person: person && { familyName: person.familyName, forename: person.forename, dateBirth: person.birthDate, sex: person.sex },
    residence: withPerson?.main ? residenceOf(withPerson.main.section) : null,
    pins: withPerson?.main ? pinsOf(withPerson.main.identification) : [],
    frenchReferences: [...refs.values()],
  };
}

/** Events, plus each broker confirmation of a forward, in time order. */
function history(s: CaseSnapshot) {
  const published = s.forwards.filter((f) => f.publishedAt && !s.events.some((e) => e.kind === 'published' && e.data.forwardId === f.forwardId))
    .map((f) => ({ at: f.publishedAt!, kind: 'published', envelopeId: f.envelopeId, data: { forwardId: f.forwardId, institutionId: f.institutionId } }));
  return [...s.events, ...published].sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((e) => ({ ...e.data, at: e.at.toISOString(), kind: e.kind, envelopeId: e.envelopeId, data: e.data }));
}

export function shapeCaseView(caseId: string, s: CaseSnapshot) {
  const c = s.case;
  return {
    caseId,
    status: c ? c.status : s.envelopes.length ? 'received' : 'quarantined',
    bucType: c?.bucType ?? s.envelopes[0]?.bucType ?? null,
    senderInstitutionId: c?.senderInstitutionId ?? null,
    senderCountry: c?.senderCountry ?? null,
    institutionId: c?.institutionId ?? null,
    triage: c?.status === 'triage' ? { reason: c.triageReason, since: iso(c.triageSince), detail: c.triageDetail } : null,
    returnReason: c?.returnReason ?? null,
    firstLegalDeliveryAt: iso(c?.firstLegalDeliveryAt ?? (s.envelopes[0] ? new Date(s.envelopes[0].legalDeliveryAt) : null)),
    claim: s.claim ? { by: s.claim.by, until: s.claim.until.toISOString() } : null,
    decisions: s.decisions.map((d) => ({ ...d, decidedAt: d.decidedAt.toISOString() })),
    envelopes: s.envelopes.map((e) => ({ envelopeId: e.envelopeId, sedType: e.sedType, legalDeliveryAt: e.legalDeliveryAt, receivedAt: e.receivedAt.toISOString(), state: e.state, via: e.via, duplicates: e.duplicates })),
    forwards: s.forwards.map((f) => ({
      ...f, createdAt: f.createdAt.toISOString(), publishedAt: iso(f.publishedAt), acknowledgedAt: iso(f.acknowledgedAt),
      x007: f.x007 && { ...f.x007, updatedAt: f.x007.updatedAt.toISOString(), sentAt: iso(f.x007.sentAt) },
    })),
    quarantined: s.quarantined.map((q) => ({ ...q, receivedAt: q.receivedAt.toISOString() })),
    history: history(s),
  };
}

export class CaseViews {
  constructor(private readonly deps: { read: CaseReadModel; routingConfig: RoutingConfigService; audit: AuditTrail; now: () => Date }) {}

  async view(caseId: string, viewer: CaseViewer) {
    const s = await this.deps.read.snapshot(caseId, this.deps.now());
    if (!s) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
    const view = shapeCaseView(caseId, s);
    if (!viewer.seesFacts) return view;
    const { directory } = await this.deps.routingConfig.current();
    const facts = caseFacts(s.envelopes.map((e) => e.body), directory);
    await this.deps.audit.record({ actor: viewer.actor, action: 'case.read-personal-data', subjectType: 'case', subjectId: caseId, data: { envelopes: s.envelopes.length }, sourceIp: viewer.sourceIp });
    return { ...view, facts };
  }

  /**
   * The full SED of each envelope of the case (or of one), for an operator who needs more than the key facts:
   * personal data, so each read is recorded in the audit trail (`case.read-sed`, with the envelopes read).
   * A body the retention job purged reads as null with the date it was purged unknown to the caller.
   */
  async fullSed(caseId: string, viewer: CaseViewer, envelopeId?: string) {
    const s = await this.deps.read.snapshot(caseId, this.deps.now());
    if (!s) throw new AppError('CAS_NOT_FOUND', `No case ${caseId}.`);
    const chosen = envelopeId ? s.envelopes.filter((e) => e.envelopeId === envelopeId) : s.envelopes;
    if (envelopeId && !chosen.length) throw new AppError('CAS_NOT_FOUND', `Case ${caseId} has no envelope ${envelopeId}.`);
    await this.deps.audit.record({
      actor: viewer.actor, action: 'case.read-sed', subjectType: 'case', subjectId: caseId, sourceIp: viewer.sourceIp,
      data: { envelopes: chosen.map((e) => e.envelopeId) },
    });
    return {
      caseId,
      envelopes: chosen.map((e) => ({
        envelopeId: e.envelopeId, sedType: e.sedType, legalDeliveryAt: e.legalDeliveryAt,
        sed: (e.body as Envelope | null)?.sed ?? null,
      })),
    };
  }

  search(filter: CaseSearchFilter, page: PageRequest) {
    return this.deps.read.search(filter, page);
  }
}
