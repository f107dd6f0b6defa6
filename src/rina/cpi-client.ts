/**
 * The CPI client: CpiPort over HTTP (docs/contract.md §7). Every CPI path and field name of the service is in this folder
 * (here and in cpi-session.ts), so a site whose RINA version differs changes one module.
 *
 * - CAS session (cpi-session.ts): logged in on first use, again after `sessionMaxAgeMs` (29 min; RINA ends sessions
 *   at 30) and on a 401, one login at a time however many calls wait for it.
 * - Every call has its own timeout; a timeout, a refused connection or a 5xx is retried with backoff
 *   (shared/backoff.ts) up to `maxAttempts`, then thrown as a retryable CpiError.
 * - A 409 on an action (the case changed since its actions were read) is retried after reading the case again, with
 *   the action found again by what it does (document type, operation, document id) in case its id changed.
 * - 404 (no such case, document or action) and other 4xx are not retried: a CpiError with `retryable: false`.
 * Logs carry call names, case ids, statuses and durations, never a body (SEDs hold personal data).
 */
import { backoffDelay, type BackoffPolicy } from '../shared/backoff';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { CpiError, type CpiPort, type RinaAction, type RinaCase, type RinaDocumentRef, type RinaParticipant } from './cpi-port';
import { CpiHttp, CpiSession, httpFailure, shortAnswer, type CpiResponse } from './cpi-session';

export interface CpiClientOptions {
  /** RINA's base URL (RINA_URL), without a trailing slash or with one. */
  baseUrl: string;
  user: string;
  password: string;
  /** Timeout of one HTTP call, ms. */
  timeoutMs: number;
  /** Attempts of one call on 5xx/timeouts before giving up (1 = no retry). */
  maxAttempts: number;
  /** Delays between those attempts. */
  retry: BackoffPolicy;
  /** Re-reads of the case after a 409 before giving up. */
  maxConflictRetries?: number;
  /** Age after which the session is renewed before use (RINA ends it at 30 min). */
  sessionMaxAgeMs?: number;
  clock: Clock;
  logger?: Logger;
  /** Each HTTP exchange with the CPI, for metrics: the call's name, the status (0: no answer), the duration. */
  onCall?: (call: string, status: number, ms: number) => void;
  /** Injected for tests; default global fetch and setTimeout. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const REST = '/eessiRest';
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Json = Record<string, unknown>;

export class CpiClient implements CpiPort {
  private readonly http: CpiHttp;
  private readonly session: CpiSession;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The last actions read per case: what an action id stood for, to find it again after a 409. */
  private readonly knownActions = new Map<string, RinaAction>();

  constructor(private readonly opts: CpiClientOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
    this.http = new CpiHttp(opts.baseUrl, opts.timeoutMs, opts.fetch ?? fetch, opts.clock, opts.onCall);
    this.session = new CpiSession(this.http, opts.user, opts.password, opts.sessionMaxAgeMs ?? 29 * 60_000, opts.clock, opts.logger);
  }

  async getCase(caseId: string): Promise<RinaCase> {
    const body = await this.json('getCase', 'GET', `${REST}/Cases/${seg(caseId)}`, caseId);
    const rinaCase = toRinaCase(body, caseId);
    if (this.knownActions.size > 10_000) this.knownActions.clear();
    for (const a of rinaCase.actions) this.knownActions.set(`${caseId}/${a.id}`, a);
    return rinaCase;
  }

  async getDocument(caseId: string, documentId: string): Promise<Json> {
    return this.json('getDocument', 'GET', `${REST}/Cases/${seg(caseId)}/Documents/${seg(documentId)}`, caseId);
  }

  async getInitialDocument(caseId: string, actionId: string): Promise<Json> {
    return this.onAction(caseId, actionId, (id) => this.json('getInitialDocument', 'GET', `${REST}/Cases/${seg(caseId)}/Actions/${seg(id)}/InitialDocument`, caseId));
  }

  async putActionDocument(caseId: string, actionId: string, document: Json): Promise<{ id: string }> {
    return this.onAction(caseId, actionId, async (id) => {
      const body = await this.json('putActionDocument', 'PUT', `${REST}/Cases/${seg(caseId)}/Actions/${seg(id)}/Document`, caseId, document);
      const docId = body.id ?? body.documentId;
      if (typeof docId !== 'string' && typeof docId !== 'number') throw new CpiError(`CPI created a document for case ${caseId} without answering its id`, 200, true, 'no id in the answer');
      return { id: String(docId) };
    });
  }

  async runAction(caseId: string, actionId: string): Promise<void> {
    await this.onAction(caseId, actionId, async (id) => {
      await this.call('runAction', 'POST', `${REST}/Cases/${seg(caseId)}/Actions/${seg(id)}`, caseId);
    });
  }

  async ping(): Promise<boolean> {
    try {
      await this.session.renew();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Runs an action call; on a 409 reads the case again and retries with the action found again (same id, else the
   * same document type, operation and document id). The action gone from the case is a 404: not retryable.
   */
  private async onAction<T>(caseId: string, actionId: string, run: (actionId: string) => Promise<T>): Promise<T> {
    const max = this.opts.maxConflictRetries ?? 3;
    let id = actionId;
    for (let conflicts = 0; ; conflicts++) {
      try {
        return await run(id);
      } catch (err) {
        if (!(err instanceof CpiError) || err.status !== 409) throw err;
        if (conflicts >= max) throw new CpiError(`CPI kept answering 409 on case ${caseId} after ${max} re-reads`, 409, true, err.answer);
        this.opts.logger?.info('RINA case changed meanwhile: reading it again', { event: 'rina.cpi.conflict', caseId, attempt: conflicts + 1 });
        const wanted = this.knownActions.get(`${caseId}/${id}`);
        const fresh = await this.getCase(caseId);
        const again = fresh.actions.find((a) => a.id === id) ?? (wanted && fresh.actions.find((a) => sameAction(a, wanted)));
        if (!again) throw new CpiError(`The action is no longer offered on RINA case ${caseId}`, 404, false, 'action not offered after the case changed');
        id = again.id;
      }
    }
  }

  private async json(name: string, method: string, path: string, caseId: string, body?: Json): Promise<Json> {
    const res = await this.call(name, method, path, caseId, body);
    try {
      const parsed: unknown = JSON.parse(res.text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
    } catch { /* answered below */ }
    throw new CpiError(`CPI answered ${name} for case ${caseId} with something that is not a JSON object`, res.status, true, shortAnswer(res.text));
  }

  /** One CPI call with the session, its renewal on 401, and the retries on 5xx/timeouts. */
  private async call(name: string, method: string, path: string, caseId: string, body?: Json): Promise<CpiResponse> {
    let relogged = false;
    for (let attempt = 1; ; attempt++) {
      let res: CpiResponse;
      try {
        res = await this.session.withSession((headers) => this.http.send(name, method, path, headers, body));
      } catch (err) {
        // The login itself failed (CAS down, timeout): retried like the call.
        if (!(err instanceof CpiError) || !err.retryable || attempt >= this.opts.maxAttempts) throw err;
        await this.sleep(backoffDelay(attempt, this.opts.retry));
        continue;
      }
      if (res.status === 401 && !relogged) {
        relogged = true;
        this.opts.logger?.info('RINA session refused: logging in again', { event: 'rina.cpi.session_expired', call: name });
        this.session.invalidate();
        attempt--;
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      const failure = httpFailure(name, caseId, res);
      if (!failure.retryable || failure.status === 409 || attempt >= this.opts.maxAttempts) throw failure;
      const delay = backoffDelay(attempt, this.opts.retry);
      this.opts.logger?.warn('CPI call failed: retrying', { event: 'rina.cpi.retry', call: name, caseId, status: res.status, attempt, delayMs: delay });
      await this.sleep(delay);
    }
  }
}

const seg = (s: string) => encodeURIComponent(s);

function sameAction(a: RinaAction, b: RinaAction): boolean {
  return a.documentType === b.documentType && a.operation === b.operation && (a.documentId ?? null) === (b.documentId ?? null);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : []);

/** The CPI's case JSON, reduced to what the port names (RINA sends much more: subject, conversations…). */
export function toRinaCase(body: Json, caseId: string): RinaCase {
  const id = str(body.id) ?? caseId;
  const processDefinitionName = str(body.processDefinitionName);
  if (!processDefinitionName) throw new CpiError(`CPI case ${caseId} has no processDefinitionName`, 200, false, 'case without processDefinitionName');
  const participants: RinaParticipant[] = list(body.participants).map((p) => {
    const o = (p.organisation && typeof p.organisation === 'object' ? p.organisation : {}) as Json;
    return { role: str(p.role) ?? '', organisation: { id: str(o.id) ?? '', name: str(o.name), countryCode: str(o.countryCode) } };
  });
  const documents: RinaDocumentRef[] = list(body.documents).map((d) => {
    const creator = (d.creator && typeof d.creator === 'object' ? (d.creator as Json).organisation : undefined) as Json | undefined;
    return {
      id: str(d.id) ?? '', type: str(d.type) ?? '', direction: str(d.direction), status: str(d.status),
      versions: list(d.versions).map((v) => str(v.id)).filter((v): v is string => v !== undefined),
      creationDate: str(d.creationDate), receiveDate: str(d.receiveDate),
      creator: creator && str(creator.id) ? { id: str(creator.id)!, name: str(creator.name), countryCode: str(creator.countryCode) } : undefined,
    };
  });
  const actions: RinaAction[] = list(body.actions).map((a) => ({
    id: str(a.id) ?? '', name: str(a.name), documentType: str(a.documentType), operation: str(a.operation), documentId: str(a.documentId) ?? undefined,
  }));
  return { id, processDefinitionName, internationalId: str(body.internationalId), participants, documents, actions };
}
