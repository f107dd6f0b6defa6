/**
 * What the service needs of RINA's Case Processing Interface (docs/contract.md §7), as the rest of the code sees it.
 * `cpi-client.ts` implements it over HTTP (CAS session, retries, timeouts); every CPI path and field name stays there.
 */

export interface RinaOrganisation { id: string; name?: string; countryCode?: string }

export interface RinaParticipant { role: 'CaseOwner' | 'CounterParty' | string; organisation: RinaOrganisation }

export interface RinaDocumentRef {
  id: string;
  type: string;
  direction?: string;
  status?: string;
  /** Optional (added for the operator's import, which has no event to read them from): version ids, oldest first. */
  versions?: string[];
  /** RINA's dates as it writes them (2026-11-20T09:14:03.000+0000). */
  creationDate?: string;
  receiveDate?: string;
  /** The organisation that created (sent) the document. */
  creator?: RinaOrganisation;
}

export interface RinaAction { id: string; name?: string; documentType?: string; operation?: string; documentId?: string }

export interface RinaCase {
  id: string;
  processDefinitionName: string;
  internationalId?: string;
  participants: RinaParticipant[];
  documents: RinaDocumentRef[];
  actions: RinaAction[];
}

/**
 * A CPI call that did not succeed after the client's own retries. `status` is the HTTP status (0 when the CPI did
 * not answer: timeout, refused connection). `retryable` says whether a later attempt may succeed (5xx, timeout,
 * refused, 409 after re-reads) or not (404 missing action/document, 400/422 refused content).
 */
export class CpiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
    /** The CPI's answer, shortened, without personal data (for the forward's `failed` state and the ticket). */
    readonly answer: string,
  ) {
    super(message);
    this.name = 'CpiError';
  }
}

export interface CpiPort {
  getCase(caseId: string): Promise<RinaCase>;
  /** The SED, one root key equal to its type. */
  getDocument(caseId: string, documentId: string): Promise<Record<string, unknown>>;
  /** The template of the document an action creates (the X007 of "Forward Case"). */
  getInitialDocument(caseId: string, actionId: string): Promise<Record<string, unknown>>;
  /** Creates the action's document; returns the new document's id. */
  putActionDocument(caseId: string, actionId: string, document: Record<string, unknown>): Promise<{ id: string }>;
  /** Runs an action (e.g. Send of a created document). */
  runAction(caseId: string, actionId: string): Promise<void>;
  /** Whether the CPI answers now (login + a cheap call), for /api/rina/status; never throws. */
  ping(): Promise<boolean>;
}
