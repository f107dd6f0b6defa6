import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Principal } from '../access/access';
import type { AuditTrail } from '../audit/audit-trail';
import type { CaseActions } from '../triage/case-actions';
import type { CaseReadModel, CaseSearchFilter, CaseViews } from '../cases/case-view';
import type { ForwardingService } from '../forwarding/forwarding-service';
import { parseAcknowledgement } from '../forwarding/forwarding-service';
import { parseAssign, parseNote, parseReassign, parseReopen, parseReturn, type RerouteCommand } from '../triage/commands';
import { TRIAGE_SORT_KEYS, type TriageMinAge, type TriagePageRequest, type TriageQueue, type TriageQueueFilter, type TriageSortKey } from '../triage/triage-queue';
import type { TriageService } from '../triage/triage-service';
import type { TriageReroute } from '../triage/reroute';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { isRealInstant, parsePageRequest } from '../shared/paging';
import { requireRole } from './auth';
import { jsonBody, noStore, pathParam, queryEnum } from './request-validation';

const json = jsonBody();

const COUNTRIES = /^(AT|BE|BG|HR|CY|CZ|DK|EE|FI|FR|DE|EL|HU|IS|IE|IT|LV|LI|LT|LU|MT|NL|NO|PL|PT|RO|SK|SI|ES|SE|CH|UK|EU)$/;
const BUC_TYPE = /^(AD|AW|FB|H|LA|M|P|R|S|UB)_BUC_[0-9]{2}[a-z]?$/;
const SECTOR = /^(AD|AW|FB|H|LA|M|P|R|S|UB)$/;
const REASON = /^[A-Z][A-Z0-9_]{0,63}$/;
const CASE_STATUSES = ['forwarded', 'triage', 'returned'];

const bad = (key: string, message: string, sentence: string) => new AppError('REQ_INVALID_QUERY', sentence, [{ path: key, message }]);

/** One value of a query parameter (a repeated one is refused), checked against a pattern. */
function one(query: Record<string, unknown>, key: string, pattern?: RegExp, what = 'a valid value'): string | undefined {
  const v = query[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw bad(key, 'given more than once', `${key} takes one value.`);
  if (pattern && !pattern.test(v)) throw bad(key, `"${v.slice(0, 64)}" is not ${what}`, `${key} must be ${what}.`);
  return v;
}

/** A parameter that may be repeated (`reason=A&reason=B` means any of them); each value checked. */
function many(query: Record<string, unknown>, key: string, pattern: RegExp, what: string): string[] | undefined {
  const raw = query[key];
  if (raw === undefined || raw === '') return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])).map((v) => (typeof v === 'string' ? v.trim() : v));
  const wrong = values.filter((v) => typeof v !== 'string' || !pattern.test(v));
  if (wrong.length) throw new AppError('REQ_INVALID_QUERY', `${key} must be ${what}.`, wrong.map((v) => ({ path: key, message: `"${String(v).slice(0, 64)}" is not ${what}` })));
  return [...new Set(values as string[])];
}

function day(query: Record<string, unknown>, key: string): Date | undefined {
  const v = one(query, key, /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'a date (YYYY-MM-DD) or an RFC 3339 time');
  if (v === undefined) return undefined;
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) throw bad(key, `"${v}" is not a real date`, `${key} must be a real date.`);
  return d;
}

export function triageFilterOf(query: Record<string, unknown>, now: Date): TriageQueueFilter {
  const minAge = one(query, 'minAgeHours', /^\d{1,6}(\.\d+)?$/, 'a number of hours (0 or more)');
  return {
    reasons: many(query, 'reason', REASON, 'a triage reason code such as NO_RULE'),
    bucType: one(query, 'bucType', BUC_TYPE, 'a BUC type such as P_BUC_01'),
    sector: one(query, 'sector', SECTOR, 'a sector (AD, AW, FB, H, LA, M, P, R, S, UB)'),
    senderCountry: one(query, 'senderCountry', COUNTRIES, 'an EESSI country code such as DE'),
    triagedBefore: minAge === undefined ? undefined : new Date(now.getTime() - Number(minAge) * 3_600_000),
  };
}

/** Sort (`received`, `-received`, …), page jump (`offset`) and keyset cursor of the triage queue. */
export function triagePageOf(query: Record<string, unknown>): TriagePageRequest {
  const rawSort = one(query, 'sort', new RegExp(`^-?(${TRIAGE_SORT_KEYS.join('|')})$`), `one of ${TRIAGE_SORT_KEYS.join(', ')} (a leading "-" for descending)`);
  const sort = rawSort ? { key: rawSort.replace(/^-/, '') as TriageSortKey, desc: rawSort.startsWith('-') } : { key: 'triageSince' as const, desc: false };
  const rawOffset = one(query, 'offset', /^\d{1,7}$/, 'a whole number of rows to skip (0 or more)');
  const page: TriagePageRequest = { ...parsePageRequest(query, { textKeys: true }), sort };
  const timeKey = sort.key === 'received' || sort.key === 'triageSince';
  if (page.after && timeKey && !isRealInstant(page.after.at)) {
    throw bad('cursor', 'not a cursor of this sort', 'cursor is not one this service returned for this sort.');
  }
  if (rawOffset !== undefined) {
    if (page.after) throw bad('offset', 'given with a cursor', 'offset and cursor exclude each other: a cursor continues a page, an offset jumps to one.');
    page.offset = Number(rawOffset);
  }
  return page;
}

/** `minBusinessHours` (business hours, desk calendar) counted from `ageFrom`: `received` (legal receipt, default) or `triage`. */
export function triageMinAgeOf(query: Record<string, unknown>): TriageMinAge | undefined {
  const hours = one(query, 'minBusinessHours', /^\d{1,6}(\.\d+)?$/, 'a number of business hours (0 or more)');
  const from = one(query, 'ageFrom', /^(received|triage)$/, '"received" or "triage"') as TriageMinAge['from'] | undefined;
  if (hours === undefined) {
    if (from !== undefined) throw bad('ageFrom', 'given without minBusinessHours', 'ageFrom says where minBusinessHours counts from; give minBusinessHours too.');
    return undefined;
  }
  return { businessHours: Number(hours), from: from ?? 'received' };
}

function searchFilterOf(query: Record<string, unknown>): CaseSearchFilter {
  const status = one(query, 'status');
  if (status !== undefined && !CASE_STATUSES.includes(status)) throw bad('status', `"${status.slice(0, 64)}" is not a case status`, `status must be one of ${CASE_STATUSES.join(', ')}.`);
  const f: CaseSearchFilter = {
    caseId: one(query, 'caseId', /^[\x21-\x7e]{1,100}$/, 'a case id (printable characters, at most 100)'),
    envelopeId: one(query, 'envelopeId', /^[\x21-\x7e]{1,200}$/, 'an envelope id'),
    institutionId: one(query, 'institutionId', /^[A-Z]{2}:[A-Za-z0-9]{4,10}$/, 'an institution id such as FR:CPAM075'),
    status, from: day(query, 'from'), to: day(query, 'to'),
  };
  // A calendar date as `to` includes that whole day.
  if (f.to && typeof query.to === 'string' && query.to.length === 10) f.to = new Date(f.to.getTime() + 86_400_000);
  return f;
}

const sourceIp = (req: Request) => req.ip;

/** A person with a help-desk agent's account (not a help-desk machine token: counterpart desks never read cases). */
const isAgent = (p: Principal) => p.kind === 'session' && p.accountRole === 'agent';

/** The helpdesk role reads a case only as a person (an agent's session), never as a machine token. */
function agentsOnly(req: Request, _res: Response, next: NextFunction): void {
  const p = req.principal!;
  if (p.roles.has('operator') || p.roles.has('admin') || isAgent(p)) return next();
  throw new AppError('AUTH_FORBIDDEN', 'A help-desk token cannot read cases; a help-desk agent reads them in the console.');
}

interface CasesDeps {
  views: CaseViews; read: CaseReadModel; triage: TriageService; queue: TriageQueue; actions: CaseActions; forwarding: ForwardingService; clock: Clock;
  /** Reads of personal data outside the case view (an institution's forwards read by a person) are recorded here. */
  audit?: AuditTrail;
  reroute: TriageReroute;
}

const caseId = (req: Request) => pathParam(req, 'caseId', 'id', 'CAS_NOT_FOUND');

export function casesRouter(deps: CasesDeps): Router {
  const r = Router();
  caseRoutes(r, deps);
  triageRoutes(r, deps);
  forwardRoutes(r, deps);
  return r;
}

/** Search, the case view, and corrections of a case. */
function caseRoutes(r: Router, deps: CasesDeps): void {
  r.get('/api/cases', requireRole('operator', 'admin'), async (req, res) => {
    const query = req.query as Record<string, unknown>;
    res.json(await deps.views.search(searchFilterOf(query), parsePageRequest(query)));
  });

  r.get('/api/cases/:caseId', requireRole('operator', 'admin', 'helpdesk'), agentsOnly, async (req, res) => {
    const p = req.principal!;
    const view = await deps.views.view(caseId(req), { actor: p.id, seesFacts: p.roles.has('operator'), sourceIp: sourceIp(req) });
    if (isAgent(p)) {
      // A help-desk agent reads the case behind a ticket without the SED facts; decisions and notes may still name
      // people, so the read is on record.
      await deps.audit?.record({ actor: p.id, action: 'case.read', subjectType: 'case', subjectId: view.caseId, sourceIp: sourceIp(req), data: { as: 'agent' } });
    }
    // The SED facts are personal data: never kept by a browser or a proxy.
    res.set('Cache-Control', 'no-store');
    res.json(view);
  });

  r.get('/api/cases/:caseId/sed', requireRole('operator'), async (req, res) => {
    const envelopeId = one(req.query as Record<string, unknown>, 'envelopeId', /^[\x21-\x7e]{1,200}$/, 'an envelope id');
    res.set('Cache-Control', 'no-store');
    res.json(await deps.views.fullSed(caseId(req), { actor: req.principal!.id, seesFacts: true, sourceIp: sourceIp(req) }, envelopeId));
  });

  r.post('/api/cases/:caseId/notes', requireRole('operator'), json, async (req, res) => {
    res.status(201).json(await deps.actions.addNote(caseId(req), parseNote(req.body), req.principal!.id));
  });

  r.post('/api/cases/:caseId/reassign', requireRole('operator'), json, async (req, res) => {
    res.json(await deps.actions.reassign(caseId(req), parseReassign(req.body), req.principal!.id));
  });

  r.post('/api/cases/:caseId/reopen', requireRole('operator'), json, async (req, res) => {
    res.json(await deps.actions.reopen(caseId(req), parseReopen(req.body), req.principal!.id));
  });

}

/** The triage queue, claims, and operators' decisions. */
function triageRoutes(r: Router, deps: CasesDeps): void {
  r.get('/api/triage', requireRole('operator'), async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const filter = triageFilterOf(query, deps.clock.now());
    const mine = one(query, 'mine', /^(true|false)$/, 'true or false');
    if (mine === 'true') filter.claimedBy = req.principal!.id;
    res.json(await deps.queue.list(filter, triagePageOf(query), triageMinAgeOf(query)));
  });

  // After a rule table change: the triage cases it now decides (dry run), then their re-routing (supervisors).
  r.get('/api/triage/reroute', requireRole('supervisor'), async (_req, res) => {
    res.json(await deps.reroute.candidates());
  });
  r.post('/api/triage/reroute', requireRole('supervisor'), json, async (req, res) => {
    res.json(await deps.reroute.apply(req.body as RerouteCommand, req.principal!.id));
  });

  r.post('/api/triage/:caseId/claim', requireRole('operator'), async (req, res) => {
    res.json(await deps.queue.claim(caseId(req), req.principal!.id));
  });

  r.delete('/api/triage/:caseId/claim', requireRole('operator'), async (req, res) => {
    await deps.queue.release(caseId(req), req.principal!.id);
    res.status(204).end();
  });

  r.post('/api/triage/:caseId/assign', requireRole('operator'), json, async (req, res) => {
    res.json(await deps.triage.assign(caseId(req), parseAssign(req.body), req.principal!.id));
  });

  r.post('/api/triage/:caseId/undo', requireRole('operator'), async (req, res) => {
    res.json(await deps.triage.undo(caseId(req), req.principal!.id));
  });

  r.post('/api/triage/:caseId/return', requireRole('operator'), json, async (req, res) => {
    res.json(await deps.triage.returnCase(caseId(req), parseReturn(req.body), req.principal!.id));
  });

}

/** Institutions' side: their forwards, and acknowledgements. */
function forwardRoutes(r: Router, deps: CasesDeps): void {
  r.get('/api/institutions/:institutionId/forwards', requireRole('institution', 'operator', 'admin'), noStore, async (req, res) => {
    const p = req.principal!;
    const institutionId = pathParam(req, 'institutionId', 'institutionId');
    // An institution token sees its own forwards only; operators see any institution's.
    if (!p.roles.has('operator') && !p.roles.has('admin') && p.institutionId !== institutionId) {
      throw new AppError('AUTH_FORBIDDEN', `This token belongs to another institution than ${institutionId}.`);
    }
    const status = queryEnum(req, 'status', ['pending', 'accepted', 'rejected', 'superseded'] as const);
    const page = await deps.read.institutionForwards(institutionId, status, parsePageRequest(req.query as Record<string, unknown>), deps.clock.now(), { withholdSuperseded: !p.roles.has('operator') && !p.roles.has('admin') });
    // Full SEDs read by anyone but the institution's own token (an operator, a person, the bootstrap token) are on record.
    if (p.institutionId !== institutionId) {
      await deps.audit?.record({
        actor: p.id, action: 'institution.read-forwards', subjectType: 'institution', subjectId: institutionId, sourceIp: sourceIp(req),
        data: { forwards: page.items.length, ...(status !== undefined && { status }) },
      });
    }
    res.json(page);
  });

  r.post('/api/forwards/:forwardId/ack', requireRole('institution', 'admin'), json, async (req, res) => {
    const p = req.principal!;
    const ack = parseAcknowledgement(req.body);
    const scope = p.roles.has('admin') ? undefined : p.institutionId;
    const f = await deps.forwarding.acknowledge(pathParam(req, 'forwardId', 'id', 'FWD_NOT_FOUND'), ack, { id: p.id, institutionId: scope });
    res.json({ forwardId: f.forwardId, caseId: f.caseId, status: f.status, acknowledgedAt: f.ackedAt?.toISOString() ?? null });
  });
}
