/**
 * The simulator's CAS and CPI routes (docs/contract.md §7): what a RINA installation answers, pitfalls included —
 * sessions that end (401), action ids that go stale when the case changes (409), missing actions (404).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { actionsOf, caseJson, documentEvent, draft, rinaDate, x007Template, type SimCase } from './sim-cases';
import type { RinaSimulator } from './server';

export interface CpiAnswer {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string | string[]>;
}

const CPI_SERVICE = '../portal_new/cas/cpi';
const ID = /^(AT|BE|BG|HR|CY|CZ|DK|EE|FI|FR|DE|EL|HU|IS|IE|IT|LV|LI|LT|LU|MT|NL|NO|PL|PT|RO|SK|SI|ES|SE|CH|UK|EU):[A-Za-z0-9]{4,10}$/;
const msg = (status: number, message: string): CpiAnswer => ({ status, json: { status, message } });

export function handleCpi(sim: RinaSimulator, method: string, url: URL, headers: IncomingHttpHeaders, body: string): CpiAnswer {
  const p = url.pathname;
  if (p === '/eessiCas/v1/tickets' && method === 'POST') return grantingTicket(sim, new URLSearchParams(body));
  const tgt = /^\/eessiCas\/v1\/tickets\/([^/]+)$/.exec(p);
  if (tgt && method === 'POST') return serviceTicket(sim, decodeURIComponent(tgt[1]), new URLSearchParams(body));
  if (p === '/eessiRest/login/cas' && method === 'GET') return cpiLogin(sim, url.searchParams);
  if (!p.startsWith('/eessiRest/')) return msg(404, 'Not Found');
  if (!sessionValid(sim, headers)) {
    sim.stats.sessionRefusals += 1;
    return msg(401, 'Unauthorized: no valid session');
  }
  return caseRoute(sim, method, p.slice('/eessiRest'.length).split('/').map(decodeURIComponent), body);
}

function grantingTicket(sim: RinaSimulator, form: URLSearchParams): CpiAnswer {
  if (form.get('username') !== sim.user || form.get('password') !== sim.password) return msg(401, 'Authentication failed');
  const ticket = sim.newTicket('TGT');
  sim.grantingTickets.add(ticket);
  return { status: 201, headers: { Location: `${sim.url}/eessiCas/v1/tickets/${ticket}` }, text: '' };
}

function serviceTicket(sim: RinaSimulator, tgt: string, form: URLSearchParams): CpiAnswer {
  if (!sim.grantingTickets.has(tgt)) return msg(404, 'No such ticket-granting ticket');
  if (form.get('service') !== CPI_SERVICE) return msg(400, `Unknown service ${form.get('service') ?? ''}`);
  const st = sim.newTicket('ST');
  sim.serviceTickets.add(st);
  return { status: 200, text: st };
}

function cpiLogin(sim: RinaSimulator, q: URLSearchParams): CpiAnswer {
  const st = q.get('ticket') ?? '';
  if (!sim.serviceTickets.delete(st) || q.get('serviceId') !== CPI_SERVICE) return msg(401, 'Invalid service ticket');
  const jsession = sim.newTicket('S').replace('S-', '').toUpperCase();
  const xsrf = sim.newTicket('X').slice(2);
  sim.sessions.set(jsession, { xsrf, lastUsed: Date.now() });
  sim.stats.logins += 1;
  return { status: 200, headers: { 'Set-Cookie': `JSESSIONID=${jsession}; Path=/eessiRest; HttpOnly`, 'X-Auth-Cookie': xsrf }, json: { authenticated: true } };
}

function sessionValid(sim: RinaSimulator, headers: IncomingHttpHeaders): boolean {
  const m = /(?:^|;\s*)JSESSIONID=([^;]+)/.exec(headers.cookie ?? '');
  const s = m ? sim.sessions.get(m[1]) : undefined;
  if (!s || headers['x-xsrf-token'] !== s.xsrf) return false;
  if (Date.now() - s.lastUsed > sim.sessionIdleMs) {
    sim.sessions.delete(m![1]);
    return false;
  }
  s.lastUsed = Date.now();
  return true;
}

function count(sim: RinaSimulator, name: string): void {
  sim.stats.calls[name] = (sim.stats.calls[name] ?? 0) + 1;
}

/** `/Cases/{id}`, `/Cases/{id}/Documents/{doc}`, `/Cases/{id}/Actions/{action}[/InitialDocument|/Document]`. */
function caseRoute(sim: RinaSimulator, method: string, parts: string[], body: string): CpiAnswer {
  const [, root, caseId, sub, subId, tail] = parts;
  if (root !== 'Cases' || !caseId) return msg(404, 'Not Found');
  const c = sim.cases.get(caseId);
  if (!c) return msg(404, `Case ${caseId} not found`);
  if (sub === undefined && method === 'GET') {
    count(sim, 'getCase');
    return { status: 200, json: caseJson(c) };
  }
  if (sub === 'Documents' && subId && tail === undefined && method === 'GET') {
    count(sim, 'getDocument');
    const d = c.documents.find((x) => x.id === subId && x.status !== 'empty');
    return d ? { status: 200, json: d.content } : msg(404, `Document ${subId} not found in case ${caseId}`);
  }
  if (sub !== 'Actions' || !subId) return msg(404, 'Not Found');
  const name = tail === 'InitialDocument' ? 'getInitialDocument' : tail === 'Document' ? 'putDocument' : 'runAction';
  count(sim, name);
  const conflict = sim.conflictsPending.findIndex((x) => x === null || x === caseId);
  if (conflict >= 0) {
    sim.conflictsPending.splice(conflict, 1);
    sim.stats.conflictsServed += 1;
    c.version += 1;
    return msg(409, 'The case has been changed in the meantime; read it again');
  }
  const action = actionsOf(c).find((a) => a.id === subId);
  if (!action) return c.issuedActions.has(subId) ? msg(409, 'The action is no longer valid: the case has changed') : msg(404, `Action ${subId} not found`);
  if (tail === 'InitialDocument' && method === 'GET') return { status: 200, json: action.documentType === 'X007' ? x007Template(sim.own) : { [action.documentType ?? 'SED']: {} } };
  if (tail === 'Document' && method === 'PUT') return putDocument(sim, c, action.documentType, action.documentId, body);
  if (tail === undefined && method === 'POST') return runAction(sim, c, action.operation, action.documentId);
  return msg(405, 'Method Not Allowed');
}

interface Institution { institutionID?: unknown; institutionName?: string | null }
interface X007Body { X007?: { CaseForwarding?: { InstitutionToAdd?: Institution; InstitutionToRemove?: Institution; reason?: { value?: unknown }; otherReason?: unknown } } }

function putDocument(sim: RinaSimulator, c: SimCase, type: string | null, documentId: string | null, body: string): CpiAnswer {
  const d = c.documents.find((x) => x.id === documentId);
  if (type !== 'X007' || !d) return msg(400, 'The simulator fills X007 documents only');
  const refusal = sim.refusalsPending.findIndex((r) => r.caseId === null || r.caseId === c.id);
  if (refusal >= 0) {
    const { status } = sim.refusalsPending.splice(refusal, 1)[0];
    return msg(status, 'Document validation failed: CaseForwarding refused');
  }
  let sed: X007Body;
  try {
    sed = JSON.parse(body) as X007Body;
  } catch {
    return msg(400, 'The document is not JSON');
  }
  const fwd = sed?.X007?.CaseForwarding;
  const add = fwd?.InstitutionToAdd;
  const reasons: unknown = fwd?.reason?.value;
  if (!fwd || !add || typeof add.institutionID !== 'string' || !ID.test(add.institutionID)) return msg(400, 'X007 CaseForwarding.InstitutionToAdd.institutionID is missing or not an institution id');
  if (!Array.isArray(reasons) || reasons.length === 0 || !reasons.every((r) => ['01', '02', '99'].includes(String(r)))) return msg(400, 'X007 CaseForwarding.reason.value must hold 01, 02 or 99');
  if (typeof fwd.otherReason === 'string' && fwd.otherReason.length > 255) return msg(400, 'X007 CaseForwarding.otherReason is longer than 255 characters');
  const at = rinaDate(new Date());
  Object.assign(d, { content: sed, status: 'new', versions: [{ id: '1', date: at }], creationDate: at, creator: sim.own });
  c.version += 1;
  sim.x007s.push({
    caseId: c.id, documentId: d.id, institutionToAdd: { institutionID: add.institutionID, institutionName: add.institutionName ?? undefined },
    institutionToRemove: { institutionID: typeof fwd.InstitutionToRemove?.institutionID === 'string' ? fwd.InstitutionToRemove.institutionID : undefined, institutionName: fwd.InstitutionToRemove?.institutionName ?? undefined },
    reason: reasons.map(String), otherReason: typeof fwd.otherReason === 'string' ? fwd.otherReason : null, status: 'created', createdAt: new Date().toISOString(),
  });
  return { status: 200, json: { id: d.id } };
}

function runAction(sim: RinaSimulator, c: SimCase, operation: string, documentId: string | null): CpiAnswer {
  if (operation === 'Send') {
    const d = c.documents.find((x) => x.id === documentId)!;
    d.status = 'sent';
    const rec = sim.x007s.find((x) => x.documentId === d.id);
    if (rec) Object.assign(rec, { status: 'sent', sentAt: new Date().toISOString() });
    // RINA offers "Forward Case" again (a later reassignment is a second X007).
    c.documents.push(draft('X007', rinaDate(new Date())));
    c.version += 1;
    if (sim.push) void sim.pushOne(documentEvent(c, d, 'SENT_DOCUMENT'));
  } else if (operation === 'LocalClose') {
    c.status = 'archived';
    c.version += 1;
  }
  return { status: 200, json: { success: true } };
}
