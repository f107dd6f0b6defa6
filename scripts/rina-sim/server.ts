/**
 * A simulator of RINA's Case Processing Interface (docs/contract.md §7), for the tests, the bench and a demo on a
 * laptop (`npm run rina:sim`). A test tool, not product: it holds its cases in memory.
 *
 * It speaks the CAS login (three steps), the case, document and action calls, creates and sends X007s through the
 * "Forward Case" action (recorded, see `x007s`), and pushes document events to the service like RINA's National
 * Interface Endpoint. It can be told (JS API below, or `POST /_sim/...`, see admin.ts) to expire its sessions,
 * answer 409 once, go down for a while (503 or reset connections), offer no "Forward Case" action, refuse the next
 * X007, or answer slowly.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleAdmin } from './admin';
import { handleCpi, type CpiAnswer } from './cpi-routes';
import { buildCase, documentEvent, SedSource, type NewCaseOptions, type SimCase, type SimOrganisation } from './sim-cases';

export interface RinaSimOptions {
  port?: number;
  host?: string;
  user?: string;
  password?: string;
  /** The liaison body's own organisation in RINA (RINA_INSTITUTION_ID). */
  own?: SimOrganisation;
  /** A session unused this long ends (RINA: 30 min). */
  sessionIdleMs?: number;
  /** Where document events are pushed: the service's base URL and an `intake` token. */
  push?: { url: string; token: string };
  /** Seed of the synthetic SEDs. */
  seed?: string;
  configDir?: string;
  /** Number of the first case id. */
  firstCaseId?: number;
}

export interface X007Record {
  caseId: string;
  documentId: string;
  institutionToAdd: { institutionID: string; institutionName?: string };
  institutionToRemove: { institutionID?: string; institutionName?: string };
  reason: string[];
  otherReason: string | null;
  status: 'created' | 'sent';
  createdAt: string;
  sentAt?: string;
}

export interface PushResult { caseId: string; documentId: string; status: number }

export interface SimStats {
  logins: number;
  /** CPI calls answered, by name (getCase, getDocument, getInitialDocument, putDocument, runAction). */
  calls: Record<string, number>;
  conflictsServed: number;
  sessionRefusals: number;
  downRefusals: number;
  eventsPushed: number;
}

export class RinaSimulator {
  readonly cases = new Map<string, SimCase>();
  readonly x007s: X007Record[] = [];
  readonly stats: SimStats = { logins: 0, calls: {}, conflictsServed: 0, sessionRefusals: 0, downRefusals: 0, eventsPushed: 0 };
  readonly own: SimOrganisation;
  readonly user: string;
  readonly password: string;
  readonly sessionIdleMs: number;
  push?: { url: string; token: string };
  /** Sessions by JSESSIONID: the XSRF token and the last use. */
  readonly sessions = new Map<string, { xsrf: string; lastUsed: number }>();
  readonly grantingTickets = new Set<string>();
  readonly serviceTickets = new Set<string>();
  /** Controls (see the methods below). */
  downUntil = 0;
  downMode: '503' | 'reset' = '503';
  delayMs = 0;
  conflictsPending: Array<string | null> = [];
  refusalsPending: Array<{ caseId: string | null; status: number }> = [];
  private nextCaseId: number;
  private readonly sedSource: SedSource;
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: RinaSimOptions = {}) {
    this.user = opts.user ?? 'liaison';
    this.password = opts.password ?? 'liaison-secret';
    this.own = opts.own ?? { id: 'FR:CLEISS0002', name: 'CLEISS', countryCode: 'FR' };
    this.sessionIdleMs = opts.sessionIdleMs ?? 30 * 60_000;
    this.push = opts.push;
    this.nextCaseId = opts.firstCaseId ?? 4_410_023;
    this.sedSource = new SedSource(opts.seed ?? 'rina-sim', opts.configDir ?? 'config');
  }

  /** Starts listening; resolves with the base URL (RINA_URL). */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise<void>((resolve) => this.server!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error('The RINA simulator is not started');
    return `http://${a.address}:${a.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- Cases and events ----

  /** A new case holding one received SED (IN). */
  addCase(opts: NewCaseOptions = {}): SimCase {
    const c = buildCase(String(this.nextCaseId++), this.sedSource, this.own, opts, new Date());
    this.cases.set(c.id, c);
    return c;
  }

  /** Pushes the RECEIVE_DOCUMENT event of each IN document of the case (all cases when none named). */
  async pushEvents(caseIds?: string[]): Promise<PushResult[]> {
    const out: PushResult[] = [];
    for (const id of caseIds ?? [...this.cases.keys()]) {
      const c = this.cases.get(id);
      if (!c) throw new Error(`No case ${id} in the simulator`);
      for (const d of c.documents.filter((x) => x.direction === 'IN')) out.push({ caseId: c.id, documentId: d.id, status: await this.pushOne(documentEvent(c, d, 'RECEIVE_DOCUMENT')) });
    }
    return out;
  }

  /** POSTs one event body to the service's `/api/rina/events`; answers the HTTP status (0 if unreachable). */
  async pushOne(event: unknown): Promise<number> {
    if (!this.push) throw new Error('The simulator has no push target (service URL and token)');
    this.stats.eventsPushed += 1;
    try {
      const res = await fetch(`${this.push.url.replace(/\/+$/, '')}/api/rina/events`, {
        method: 'POST', headers: { Authorization: `Bearer ${this.push.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(event),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  // ---- Controls ----

  /** Ends every CPI session: the next call of a client answers 401. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** The next action call (on this case, or any) answers 409, as when the case changed since its actions were read. */
  conflictOnce(caseId?: string): void {
    this.conflictsPending.push(caseId ?? null);
  }

  /** Down for `seconds`: every CAS/CPI call answers 503, or has its connection reset (`reset`). */
  goDown(seconds: number, mode: '503' | 'reset' = '503'): void {
    this.downUntil = Date.now() + seconds * 1000;
    this.downMode = mode;
    if (mode === 'reset') for (const s of this.sockets) s.destroy();
  }

  up(): void {
    this.downUntil = 0;
  }

  get isDown(): boolean {
    return Date.now() < this.downUntil;
  }

  /** Every CPI answer waits `ms` first (0: none). */
  slow(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  /** The case stops (or starts again) offering "Forward Case". */
  setForwardCase(caseId: string, offered: boolean): void {
    const c = this.cases.get(caseId);
    if (!c) throw new Error(`No case ${caseId} in the simulator`);
    c.forwardCase = offered;
    c.version += 1;
  }

  /** The next X007 put (on this case, or any) is refused with `status` (400 by default). */
  refuseNextX007(caseId?: string, status = 400): void {
    this.refusalsPending.push({ caseId: caseId ?? null, status });
  }

  /** Forgets every case, X007, session, control and count. */
  reset(): void {
    this.cases.clear();
    this.x007s.length = 0;
    this.sessions.clear();
    this.conflictsPending = [];
    this.refusalsPending = [];
    this.downUntil = 0;
    this.delayMs = 0;
    Object.assign(this.stats, { logins: 0, calls: {}, conflictsServed: 0, sessionRefusals: 0, downRefusals: 0, eventsPushed: 0 });
  }

  newTicket(prefix: string): string {
    return `${prefix}-${randomBytes(12).toString('hex')}`;
  }

  // ---- HTTP ----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://sim');
      const body = await readBody(req);
      if (url.pathname.startsWith('/_sim/')) return send(res, await handleAdmin(this, req.method ?? 'GET', url, body));
      if (this.isDown) {
        this.stats.downRefusals += 1;
        if (this.downMode === 'reset') return void req.socket.destroy();
        return send(res, { status: 503, json: { message: 'RINA is unavailable' } });
      }
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      send(res, handleCpi(this, req.method ?? 'GET', url, req.headers, body));
    } catch (err) {
      send(res, { status: 500, json: { message: `simulator error: ${(err as Error).message}` } });
    }
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, a: CpiAnswer): void {
  if (res.destroyed) return;
  const headers: Record<string, string | string[]> = { ...(a.headers ?? {}) };
  let payload = '';
  if (a.json !== undefined) {
    payload = JSON.stringify(a.json);
    headers['Content-Type'] = 'application/json';
  } else if (a.text !== undefined) {
    payload = a.text;
    headers['Content-Type'] = 'text/plain';
  }
  res.writeHead(a.status, headers);
  res.end(payload);
}
