/**
 * The simulator's control endpoints (`/_sim/...`, no authentication: a test tool bound to 127.0.0.1 by default).
 *
 * | call | what |
 * |---|---|
 * | `GET /_sim/state` | counts: cases, X007s, sessions, logins, calls, controls in force |
 * | `GET /_sim/x007` | every X007 created, with its case, institution to add/remove, reason, status (`created`, `sent`) |
 * | `GET /_sim/cases`, `GET /_sim/cases/{id}` | the cases (ids, BUC, documents, X007s) |
 * | `POST /_sim/cases` `{count?, bucType?, navFormat?, withoutCreator?, forwardCase?, push?}` | new cases, each with one received SED; `push` sends their events |
 * | `POST /_sim/push` `{caseIds?}` | pushes the RECEIVE_DOCUMENT events (all cases when none named) |
 * | `POST /_sim/push-target` `{url, token}` | where events go (the service and an `intake` token) |
 * | `POST /_sim/expire-sessions` | ends every session (next call: 401) |
 * | `POST /_sim/conflict-once` `{caseId?}` | the next action call answers 409 |
 * | `POST /_sim/down` `{seconds, mode?: "503"\|"reset"}`, `POST /_sim/up` | down for a while, or back now |
 * | `POST /_sim/slow` `{ms}` | every CPI answer waits first |
 * | `POST /_sim/cases/{id}/forward-case` `{offered}` | the case offers "Forward Case" or not |
 * | `POST /_sim/refuse-x007` `{caseId?, status?}` | the next X007 put is refused (400) |
 * | `POST /_sim/reset` | forgets everything |
 */
import type { CpiAnswer } from './cpi-routes';
import type { RinaSimulator } from './server';

type Body = Record<string, unknown>;

function parse(body: string): Body {
  if (!body.trim()) return {};
  const v: unknown = JSON.parse(body);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('the body must be a JSON object');
  return v as Body;
}

const ok = (json: unknown = { ok: true }): CpiAnswer => ({ status: 200, json });
const num = (v: unknown, def: number) => (typeof v === 'number' && Number.isFinite(v) ? v : def);
const strOrUndef = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function simState(sim: RinaSimulator): Record<string, unknown> {
  return {
    cases: sim.cases.size, x007s: { created: sim.x007s.filter((x) => x.status === 'created').length, sent: sim.x007s.filter((x) => x.status === 'sent').length },
    sessions: sim.sessions.size, stats: sim.stats,
    controls: { down: sim.isDown, downMode: sim.downMode, delayMs: sim.delayMs, conflictsPending: sim.conflictsPending.length, refusalsPending: sim.refusalsPending.length },
    push: sim.push ? { url: sim.push.url } : null,
  };
}

function caseSummary(sim: RinaSimulator, id: string): Record<string, unknown> | undefined {
  const c = sim.cases.get(id);
  if (!c) return undefined;
  return {
    id: c.id, bucType: c.processDefinitionName, status: c.status, forwardCase: c.forwardCase,
    documents: c.documents.filter((d) => d.status !== 'empty').map((d) => ({ id: d.id, type: d.type, direction: d.direction, status: d.status })),
    x007s: sim.x007s.filter((x) => x.caseId === c.id),
  };
}

// long-function: one table of control routes, read top to bottom
export async function handleAdmin(sim: RinaSimulator, method: string, url: URL, raw: string): Promise<CpiAnswer> {
  let body: Body;
  try {
    body = parse(raw);
  } catch (err) {
    return { status: 400, json: { message: (err as Error).message } };
  }
  const p = url.pathname.replace(/\/+$/, '');
  const caseRoute = /^\/_sim\/cases\/([^/]+)(\/forward-case)?$/.exec(p);
  if (method === 'GET' && p === '/_sim/state') return ok(simState(sim));
  if (method === 'GET' && p === '/_sim/x007') return ok(sim.x007s);
  if (method === 'GET' && p === '/_sim/cases') return ok([...sim.cases.keys()].map((id) => caseSummary(sim, id)));
  if (method === 'GET' && caseRoute && !caseRoute[2]) {
    const c = caseSummary(sim, caseRoute[1]);
    return c ? ok(c) : { status: 404, json: { message: `No case ${caseRoute[1]}` } };
  }
  if (method !== 'POST') return { status: 404, json: { message: `No ${method} ${p}` } };
  if (p === '/_sim/cases') {
    const n = Math.min(10_000, Math.max(1, num(body.count, 1)));
    const created = Array.from({ length: n }, () => sim.addCase({
      bucType: strOrUndef(body.bucType), navFormat: body.navFormat === true, withoutCreator: body.withoutCreator === true,
      forwardCase: body.forwardCase !== false,
    }));
    const pushed = body.push === true ? await sim.pushEvents(created.map((c) => c.id)) : [];
    return ok({ cases: created.map((c) => caseSummary(sim, c.id)), pushed });
  }
  if (p === '/_sim/push') return ok(await sim.pushEvents(Array.isArray(body.caseIds) ? body.caseIds.map(String) : undefined));
  if (p === '/_sim/push-target') {
    if (typeof body.url !== 'string' || typeof body.token !== 'string') return { status: 400, json: { message: 'url and token are needed' } };
    sim.push = { url: body.url, token: body.token };
    return ok();
  }
  if (p === '/_sim/expire-sessions') return (sim.expireSessions(), ok());
  if (p === '/_sim/conflict-once') return (sim.conflictOnce(strOrUndef(body.caseId)), ok());
  if (p === '/_sim/down') return (sim.goDown(num(body.seconds, 20), body.mode === 'reset' ? 'reset' : '503'), ok());
  if (p === '/_sim/up') return (sim.up(), ok());
  if (p === '/_sim/slow') return (sim.slow(num(body.ms, 0)), ok());
  if (p === '/_sim/refuse-x007') return (sim.refuseNextX007(strOrUndef(body.caseId), num(body.status, 400)), ok());
  if (p === '/_sim/reset') return (sim.reset(), ok());
  if (caseRoute?.[2]) {
    if (!sim.cases.has(caseRoute[1])) return { status: 404, json: { message: `No case ${caseRoute[1]}` } };
    sim.setForwardCase(caseRoute[1], body.offered !== false);
    return ok(caseSummary(sim, caseRoute[1]));
  }
  return { status: 404, json: { message: `No POST ${p}` } };
}
