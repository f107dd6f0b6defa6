/**
 * The CPI's HTTP exchange and its CAS session (docs/contract.md §7), used by cpi-client.ts only.
 *
 * Login is three calls: a ticket-granting ticket (`POST /eessiCas/v1/tickets`, form username/password, 201 with the
 * ticket's URL in `Location`), a service ticket for the CPI (`POST <that URL>`, form `service`, the ticket as the
 * body), then the CPI session (`GET /eessiRest/login/cas?ticket=…&serviceId=…`: cookie `JSESSIONID` and header
 * `X-Auth-Cookie`, sent back as `Cookie` and `X-XSRF-TOKEN`). Credentials and tickets are never logged.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { scrubString } from '../shared/redact';
import { CpiError } from './cpi-port';

const CAS_TICKETS = '/eessiCas/v1/tickets';
const CPI_SERVICE = '../portal_new/cas/cpi';
const CPI_LOGIN = '/eessiRest/login/cas';

export interface CpiResponse {
  /** HTTP status; 0 when the CPI did not answer (timeout, refused or reset connection). */
  status: number;
  text: string;
  headers: Headers | null;
  /** Why there was no answer (status 0). */
  failure?: string;
}

/** One HTTP exchange with a timeout; never throws: no answer is status 0. */
export class CpiHttp {
  readonly base: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
    private readonly fetchFn: typeof fetch,
    readonly clock: Clock,
    private readonly onCall?: (call: string, status: number, ms: number) => void,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  url(pathOrUrl: string): string {
    return /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${this.base}${pathOrUrl}`;
  }

  async send(name: string, method: string, pathOrUrl: string, headers: Record<string, string>, body?: unknown, form?: Record<string, string>): Promise<CpiResponse> {
    const started = performance.now();
    const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers }, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) };
    if (form) {
      init.body = new URLSearchParams(form).toString();
      (init.headers as Record<string, string>)['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    let res: CpiResponse;
    try {
      const r = await this.fetchFn(this.url(pathOrUrl), init);
      res = { status: r.status, text: await r.text(), headers: r.headers };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const failure = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${this.timeoutMs} ms` : (e.cause?.code ?? e.message);
      res = { status: 0, text: '', headers: null, failure };
    }
    this.onCall?.(name, res.status, performance.now() - started);
    return res;
  }
}

/** The CPI's answer for a CpiError: its message field if JSON, shortened, scrubbed of anything like personal data. */
export function shortAnswer(text: string): string {
  let t = text.trim();
  try {
    const j = JSON.parse(t) as Record<string, unknown>;
    const m = j && typeof j === 'object' ? (j.message ?? j.error ?? j.errorMessage) : undefined;
    if (typeof m === 'string') t = m;
  } catch { /* not JSON: the text itself */ }
  return scrubString(t.replace(/\s+/g, ' ').slice(0, 200));
}

export function httpFailure(call: string, caseId: string, res: CpiResponse): CpiError {
  if (res.status === 0) return new CpiError(`CPI did not answer ${call} for case ${caseId}: ${res.failure ?? 'no answer'}`, 0, true, res.failure ?? 'no answer');
  const retryable = res.status >= 500 || res.status === 409 || res.status === 429 || res.status === 401;
  const what = res.status === 404 ? 'not found (no such case, document or action)' : `HTTP ${res.status}`;
  return new CpiError(`CPI answered ${call} for case ${caseId}: ${what}`, res.status, retryable, shortAnswer(res.text) || `HTTP ${res.status}`);
}

interface Session { cookie: string; xsrf: string; since: number }

export class CpiSession {
  private current: Session | null = null;
  private pending: Promise<Session> | null = null;

  constructor(
    private readonly http: CpiHttp,
    private readonly user: string,
    private readonly password: string,
    private readonly maxAgeMs: number,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  invalidate(): void {
    this.current = null;
  }

  /** Runs `send` with the session's headers (logging in first when there is none or it is too old). */
  async withSession<T>(send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
    const s = await this.get();
    return send({ Cookie: s.cookie, 'X-XSRF-TOKEN': s.xsrf });
  }

  /** A fresh login, whatever the cached session (the status page's reachability check). */
  async renew(): Promise<void> {
    this.current = null;
    await this.get();
  }

  private async get(): Promise<Session> {
    const s = this.current;
    if (s && this.clock.now().getTime() - s.since < this.maxAgeMs) return s;
    // One login at a time: every call waiting for a session shares it.
    this.pending ??= this.login().finally(() => { this.pending = null; });
    return this.pending;
  }

  private async login(): Promise<Session> {
    const step1 = await this.http.send('casTicketGranting', 'POST', CAS_TICKETS, {}, undefined, { username: this.user, password: this.password });
    const location = step1.headers?.get('location');
    if (step1.status !== 201 || !location) throw this.failed('ticket-granting ticket', step1);
    const tgtUrl = new URL(location, `${this.http.base}/`).toString();
    const step2 = await this.http.send('casServiceTicket', 'POST', tgtUrl, {}, undefined, { service: CPI_SERVICE });
    const ticket = step2.text.trim();
    if (step2.status !== 200 || !ticket) throw this.failed('service ticket', step2);
    const q = new URLSearchParams({ ticket, serviceId: CPI_SERVICE });
    const step3 = await this.http.send('cpiLogin', 'GET', `${CPI_LOGIN}?${q.toString()}`, {});
    const xsrf = step3.headers?.get('x-auth-cookie');
    const cookie = step3.headers ? sessionCookie(step3.headers) : undefined;
    if (step3.status !== 200 || !xsrf || !cookie) throw this.failed('CPI session', step3);
    this.logger?.info('Logged in to the RINA CPI', { event: 'rina.cpi.login' });
    const session = { cookie, xsrf, since: this.clock.now().getTime() };
    this.current = session;
    return session;
  }

  private failed(step: string, res: CpiResponse): CpiError {
    this.logger?.warn('RINA CAS login failed', { event: 'rina.cpi.login_failed', step, status: res.status });
    const why = res.status === 0 ? (res.failure ?? 'no answer') : `HTTP ${res.status}`;
    // Refused credentials stay retryable: events wait (none is lost) until the configuration is put right.
    return new CpiError(`RINA login failed at the ${step}: ${why}`, res.status === 0 ? 0 : res.status, true, why);
  }
}

/** `JSESSIONID=…` from the answer's Set-Cookie headers (the CPI may set other cookies too). */
function sessionCookie(headers: Headers): string | undefined {
  const all = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [headers.get('set-cookie') ?? ''];
  for (const c of all) {
    const m = /(?:^|[;,]\s*)(JSESSIONID=[^;,\s]+)/i.exec(c);
    if (m) return m[1];
  }
  return undefined;
}
