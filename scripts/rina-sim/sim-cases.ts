/**
 * The RINA simulator's cases: what RINA's CPI holds and answers (docs/contract.md §7), in the shape of a real RINA case
 * (navikt/ep-eux exampleBuc.json, copied in test/fixtures/nav/: participants with their organisation, documents with
 * versions, creator, direction and status, the actions allowed now, "Forward Case" among them).
 * The SEDs are the project's synthetic CDM SEDs (src/simulation/), or NAV's own non-CDM JSON to provoke quarantine.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Envelope } from '../../src/intake/envelope';
import { generateEnvelopes, isMalformed } from '../../src/simulation/synthetic';

export interface SimOrganisation { id: string; name: string; countryCode: string }

export interface SimDocument {
  id: string;
  type: string;
  direction: 'IN' | 'OUT';
  /** received (IN), empty (a draft an action will fill), new (created, not sent), sent. */
  status: 'received' | 'empty' | 'new' | 'sent';
  versions: Array<{ id: string; date: string }>;
  creationDate: string;
  receiveDate?: string;
  creator?: SimOrganisation;
  content: Record<string, unknown>;
}

export interface SimCase {
  id: string;
  processDefinitionName: string;
  internationalId: string;
  startDate: string;
  status: 'open' | 'archived';
  participants: Array<{ role: 'CaseOwner' | 'CounterParty'; organisation: SimOrganisation }>;
  documents: SimDocument[];
  /** Whether RINA offers "Forward Case" (X007 Create) on this case. */
  forwardCase: boolean;
  /** Grows with every change; action ids carry it, so an id read before a change is stale (409). */
  version: number;
  /** Every action id ever shown, to tell a stale id (409) from an unknown one (404). */
  issuedActions: Set<string>;
}

export interface SimAction {
  id: string;
  name: string;
  displayName: string;
  documentType: string | null;
  operation: string;
  documentId: string | null;
  caseId: string;
  isCaseRelated: boolean;
  status: 'ACTIVE';
}

export interface NewCaseOptions {
  /** BUC of the case (default: drawn from the 2024 traffic mix). */
  bucType?: string;
  /** Serve NAV's own (non-CDM) P2000 JSON as the document: intake quarantines it. */
  navFormat?: boolean;
  /** The event and the document carry no creator (the sender is then the case's CaseOwner). */
  withoutCreator?: boolean;
  /** Offer "Forward Case" (default true). */
  forwardCase?: boolean;
  /** The receive date (ISO; default now). */
  receivedAt?: string;
}

export const hexId = () => randomBytes(16).toString('hex');

/** RINA's own date form: 2026-11-20T09:14:03.000+0000. */
export function rinaDate(at: Date | string): string {
  return new Date(at).toISOString().replace('Z', '+0000');
}

const NAV_P2000 = path.resolve(__dirname, '../../test/fixtures/nav/P_BUC_01__P2000__nav-format__ep-eux.json');

/** Synthetic CDM SEDs, drawn in batches from the project's generator (seeded: the same run gives the same SEDs). */
export class SedSource {
  private pool: Envelope[] = [];
  private round = 0;

  constructor(private readonly seed: string, private readonly configDir: string) {}

  next(bucType?: string): Envelope {
    for (let tries = 0; tries < 50; tries++) {
      if (this.pool.length === 0) this.refill();
      const i = bucType ? this.pool.findIndex((e) => e.bucType === bucType) : 0;
      if (i >= 0) return this.pool.splice(i, 1)[0];
      this.pool = [];
    }
    throw new Error(`The synthetic generator drew no ${bucType} case in 50 rounds: is it in config/traffic-mix-2024.csv?`);
  }

  private refill(): void {
    this.round += 1;
    const items = generateEnvelopes({ count: 200, seed: `${this.seed}-${this.round}`, from: '2026-01-01', to: '2026-12-31', configDir: this.configDir });
    this.pool = items.filter((i): i is Envelope => !isMalformed(i));
  }
}

/** A new case as RINA holds it after a foreign institution sent its first SED to the liaison body. */
export function buildCase(caseId: string, source: SedSource, own: SimOrganisation, opts: NewCaseOptions, now: Date): SimCase {
  const envelope = source.next(opts.navFormat ? 'P_BUC_01' : opts.bucType);
  const sender: SimOrganisation = { id: envelope.sender.institutionId, name: envelope.sender.name ?? envelope.sender.institutionId, countryCode: envelope.sender.country ?? envelope.sender.institutionId.slice(0, 2) };
  const at = rinaDate(opts.receivedAt ?? now);
  const content = opts.navFormat ? (JSON.parse(readFileSync(NAV_P2000, 'utf8')) as Record<string, unknown>) : envelope.sed;
  const sedType = opts.navFormat ? 'P2000' : envelope.sedType;
  const document: SimDocument = {
    id: hexId(), type: sedType, direction: 'IN', status: 'received', versions: [{ id: '1', date: at }],
    creationDate: rinaDate(new Date(new Date(opts.receivedAt ?? now).getTime() - 60_000)), receiveDate: at,
    creator: opts.withoutCreator ? undefined : sender, content,
  };
  return {
    id: caseId, processDefinitionName: envelope.bucType, internationalId: hexId(), startDate: document.creationDate, status: 'open',
    participants: [{ role: 'CaseOwner', organisation: sender }, { role: 'CounterParty', organisation: own }],
    documents: [document, draft('X005', at), draft('X007', at)],
    forwardCase: opts.forwardCase ?? true, version: 1, issuedActions: new Set(),
  };
}

/** An empty document a "Create" action fills (RINA pre-creates them: the action names its id). */
export function draft(type: string, at: string): SimDocument {
  return { id: hexId(), type, direction: 'OUT', status: 'empty', versions: [], creationDate: at, content: {} };
}

const actionId = (c: SimCase, slug: string) => `${c.id}_${c.version}_${slug}`;

/** The actions RINA allows now, in its shape (name, displayName, documentType, operation, documentId…). */
export function actionsOf(c: SimCase): SimAction[] {
  const act = (slug: string, name: string, displayName: string, documentType: string | null, operation: string, documentId: string | null): SimAction =>
    ({ id: actionId(c, slug), name, displayName, documentType, operation, documentId, caseId: c.id, isCaseRelated: documentId === null, status: 'ACTIVE' });
  const out: SimAction[] = [];
  for (const d of c.documents) {
    if (d.direction === 'IN') out.push(act(`read-${d.id}`, 'Read', 'Read', d.type, 'Read', d.id));
    if (d.type === 'X005' && d.status === 'empty') out.push(act(`x005-${d.id}`, 'Create', 'Add Participant', 'X005', 'Create', d.id));
    if (d.type === 'X007' && d.status === 'empty' && c.forwardCase && c.status === 'open') out.push(act(`fwd-${d.id}`, 'Create', 'Forward Case', 'X007', 'Create', d.id));
    if (d.type === 'X007' && d.status === 'new') out.push(act(`send-${d.id}`, 'Send', 'Send', 'X007', 'Send', d.id));
  }
  out.push(act('close', 'LocalClose', 'Close Case (Local)', null, 'LocalClose', null));
  for (const a of out) c.issuedActions.add(a.id);
  return out;
}

/** The case as `GET /eessiRest/Cases/{id}` answers it. */
export function caseJson(c: SimCase): Record<string, unknown> {
  const owner = c.participants.find((p) => p.role === 'CaseOwner')?.organisation;
  return {
    id: c.id, startDate: c.startDate, lastUpdate: c.documents.at(-1)?.creationDate ?? c.startDate, status: c.status,
    creator: owner ? { type: 'User', name: 'RINA', organisation: orgJson(owner) } : null,
    actions: actionsOf(c),
    documents: c.documents.map((d) => ({
      id: d.id, type: d.type, typeVersion: '4.2', direction: d.direction, status: d.status, mimeType: 'json',
      creationDate: d.creationDate, receiveDate: d.receiveDate ?? null, lastUpdate: d.versions.at(-1)?.date ?? d.creationDate,
      hasMultipleVersions: d.versions.length > 1, versions: d.versions, creator: d.creator ? { type: 'User', organisation: orgJson(d.creator) } : null,
      isAdmin: d.type.startsWith('X'), conversations: [],
    })),
    participants: c.participants.map((p) => ({ role: p.role, organisation: orgJson(p.organisation), selected: false })),
    processDefinitionName: c.processDefinitionName, processDefinitionVersion: 'v4.2', internationalId: c.internationalId,
    applicationRoleId: 'PO', sensitive: false,
  };
}

export function orgJson(o: SimOrganisation): Record<string, unknown> {
  return { id: o.id, name: o.name, countryCode: o.countryCode, acronym: o.id.split(':')[1] ?? o.id, address: { country: o.countryCode } };
}

/** The document event RINA's National Interface Endpoint pushes (docs/contract.md §7). */
export function documentEvent(c: SimCase, d: SimDocument, eventType: 'RECEIVE_DOCUMENT' | 'SENT_DOCUMENT'): Record<string, unknown> {
  return {
    documentEventType: eventType, buc: c.processDefinitionName,
    payLoad: { DOCUMENT_METADATA: {
      id: d.id, type: d.type, caseId: c.id, versions: d.versions.map((v) => ({ id: v.id })), direction: d.direction, status: d.status,
      creationDate: d.creationDate, ...(d.receiveDate ? { receiveDate: d.receiveDate } : {}),
      ...(d.creator ? { creator: { organisation: { id: d.creator.id, name: d.creator.name, countryCode: d.creator.countryCode } } } : {}),
    } },
  };
}

/** The X007 template of "Forward Case" (InitialDocument): the form the service fills. */
export function x007Template(own: SimOrganisation): Record<string, unknown> {
  return { X007: { sedGVer: '4', sedVer: '4', CaseForwarding: {
    InstitutionToAdd: { institutionID: null, institutionName: null },
    InstitutionToRemove: { institutionID: own.id, institutionName: own.name },
    reason: { value: [] }, otherReason: null,
  } } };
}
