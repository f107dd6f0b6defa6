/**
 * RINA document events (docs/contract.md §7) and the §2 envelope taken in from one: what the event says, checked against
 * schemas/rina-event.schema.json, and the envelope built from the event, the case and the document read through
 * the CPI. Pure: no I/O, no clock.
 */
import type { Envelope } from '../intake/envelope';
import { AppError, type ErrorDetail } from '../shared/errors';
import { describeErrors, validatorFor } from '../validation/schemas';
import type { RinaCase, RinaDocumentRef, RinaOrganisation } from './cpi-port';

/** What the service keeps of one RINA document version to take in: the key (case, document, version) and metadata. */
export interface RinaDocumentNotice {
  caseId: string;
  documentId: string;
  /** The latest version the event (or the case) names. */
  documentVersion: string;
  documentType: string;
  bucType?: string;
  /** DOCUMENT_METADATA, reduced to ids, dates and the creator organisation (no SED, no person). */
  metadata: NoticeMetadata;
}

export interface NoticeMetadata {
  id: string;
  type: string;
  caseId: string;
  versions: string[];
  direction: string;
  status?: string;
  creationDate?: string;
  receiveDate?: string;
  creator?: RinaOrganisation;
}

export type ReadEvent =
  | { kind: 'document'; notice: RinaDocumentNotice }
  | { kind: 'ignored'; why: string };

const SCHEMA = 'rina-event.schema.json';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * The event as RINA sends it (parsed JSON). A RECEIVE_DOCUMENT of an IN document is a document to take in; other
 * event types and OUT documents are ignored. Throws RIN_EVENT_INVALID (422) naming each problem and where.
 */
export function readRinaEvent(body: unknown): ReadEvent {
  const event = obj(body);
  // Some integrations carry payLoad as a JSON text: read it as the object it holds.
  if (event && typeof event.payLoad === 'string') {
    try {
      event.payLoad = JSON.parse(event.payLoad);
    } catch {
      throw invalid([{ path: '/payLoad', message: 'payLoad is a text that is not JSON' }]);
    }
  }
  const validate = validatorFor(SCHEMA);
  if (!validate(body)) throw invalid(describeErrors(validate.errors));
  const e = event as Json;
  if (e.documentEventType !== 'RECEIVE_DOCUMENT') return { kind: 'ignored', why: `event type ${String(e.documentEventType)}` };
  const m = obj(obj(e.payLoad)?.DOCUMENT_METADATA) as Json;
  if (m.direction !== 'IN') return { kind: 'ignored', why: `direction ${String(m.direction)}` };
  const metadata = noticeMetadata(m);
  for (const key of ['creationDate', 'receiveDate'] as const) {
    if (metadata[key] !== undefined && toRfc3339(metadata[key]) === undefined) throw invalid([{ path: `/payLoad/DOCUMENT_METADATA/${key}`, message: `${metadata[key]} is not a date` }]);
  }
  return {
    kind: 'document',
    notice: { caseId: metadata.caseId, documentId: metadata.id, documentVersion: latestVersion(metadata.versions), documentType: metadata.type, bucType: str(e.buc), metadata },
  };
}

function invalid(details: ErrorDetail[]): AppError {
  const first = details[0];
  return new AppError('RIN_EVENT_INVALID', `The RINA document event is malformed${first ? `: ${first.path} ${first.message}` : ''}.`, details);
}

function noticeMetadata(m: Json): NoticeMetadata {
  const org = obj(obj(m.creator)?.organisation);
  return {
    id: str(m.id)!, type: str(m.type)!, caseId: str(m.caseId)!, direction: str(m.direction)!, status: str(m.status),
    versions: (m.versions as Json[]).map((v) => str(v.id)!),
    creationDate: str(m.creationDate), receiveDate: str(m.receiveDate),
    creator: org && str(org.id) ? { id: str(org.id)!, name: str(org.name), countryCode: str(org.countryCode) } : undefined,
  };
}

/** The highest version id (numeric when they are numbers, else the last named). */
export function latestVersion(versions: string[]): string {
  if (versions.length === 0) return '1';
  const numeric = versions.every((v) => /^[0-9]+$/.test(v));
  return numeric ? String(Math.max(...versions.map(Number))) : versions[versions.length - 1];
}

/** A RINA date (2026-11-20T09:14:03.000+0000) as RFC 3339 (2026-11-20T09:14:03.000+00:00); undefined when unreadable. */
export function toRfc3339(rinaDate: string | undefined): string | undefined {
  if (!rinaDate) return undefined;
  const text = rinaDate.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(Date.parse(text))) return undefined;
  return text;
}

/** A document of a case read by the operator's import, as the notice an event would have given. */
export function noticeFromCase(c: RinaCase, d: RinaDocumentRef): RinaDocumentNotice {
  const versions = d.versions && d.versions.length > 0 ? d.versions : ['1'];
  return {
    caseId: c.id, documentId: d.id, documentVersion: latestVersion(versions), documentType: d.type, bucType: c.processDefinitionName,
    metadata: {
      id: d.id, type: d.type, caseId: c.id, versions, direction: d.direction ?? 'IN', status: d.status,
      creationDate: d.creationDate, receiveDate: d.receiveDate, creator: d.creator,
    },
  };
}

/** The documents of a case the import takes in: received from abroad (IN), with content. */
export function importableDocuments(c: RinaCase): RinaDocumentRef[] {
  return c.documents.filter((d) => d.direction === 'IN' && d.status !== 'empty' && /^[A-Z]{1,2}[0-9]{3,5}/.test(d.type));
}

const party = (o: RinaOrganisation) => ({
  institutionId: o.id,
  ...(o.name ? { name: o.name } : {}),
  country: o.countryCode && /^[A-Z]{2}$/.test(o.countryCode) ? o.countryCode : o.id.slice(0, 2),
});

/**
 * The §2 envelope of a RINA document (docs/contract.md §7): envelopeId `<type>_<id>_<latest version>`, caseId the RINA
 * case id, bucType the case's processDefinitionName, sender the creator organisation (else the case's CaseOwner),
 * receiver the liaison body (RINA_INSTITUTION_ID), legalDeliveryAt the receive date (else the creation date), sed the
 * document. Intake validates it like any other envelope: what is missing here is its reason for quarantine.
 */
export function envelopeOf(notice: RinaDocumentNotice, rinaCase: RinaCase, sed: Record<string, unknown>, ownInstitutionId: string): Envelope {
  const m = notice.metadata;
  const creator = m.creator ?? rinaCase.participants.find((p) => p.role === 'CaseOwner')?.organisation;
  const own = rinaCase.participants.find((p) => p.organisation.id === ownInstitutionId)?.organisation ?? { id: ownInstitutionId };
  const legalDeliveryAt = toRfc3339(m.receiveDate) ?? toRfc3339(m.creationDate) ?? '';
  return {
    envelopeId: `${notice.documentType}_${notice.documentId}_${notice.documentVersion}`,
    caseId: rinaCase.id || notice.caseId,
    bucType: rinaCase.processDefinitionName,
    sedType: notice.documentType,
    documentId: notice.documentId,
    documentVersion: notice.documentVersion,
    sender: creator ? party(creator) : { institutionId: '', country: '' },
    receiver: party(own),
    legalDeliveryAt,
    sed,
  };
}
