import { Router } from 'express';
import type { ForwardingService } from '../forwarding/forwarding-service';
import { parseAcknowledgement } from '../forwarding/forwarding-service';
import type { TriageService } from '../triage/triage-service';
import { AppError } from '../shared/errors';
import { parsePageRequest } from '../shared/paging';
import type { PgCaseQueries } from '../store/case-queries';
import { requireRole } from './auth';
import { jsonBody, noStore, pathParam, queryEnum } from './request-validation';

const json = jsonBody();
const q = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function casesRouter(deps: { queries: PgCaseQueries; triage: TriageService; forwarding: ForwardingService }): Router {
  const r = Router();

  r.get('/api/cases/:caseId', requireRole('operator', 'admin'), async (req, res) => {
    const view = await deps.queries.caseView(pathParam(req, 'caseId', 'id', 'CAS_NOT_FOUND'));
    if (!view) throw new AppError('CAS_NOT_FOUND', `No case ${req.params.caseId}.`);
    res.json(view);
  });

  r.get('/api/triage', requireRole('operator'), async (req, res) => {
    const page = parsePageRequest(req.query as Record<string, unknown>);
    res.json(await deps.queries.triage({ reason: q(req.query.reason), bucType: q(req.query.bucType), senderCountry: q(req.query.senderCountry) }, page));
  });

  r.post('/api/triage/:caseId/assign', requireRole('operator'), json, async (req, res) => {
    res.json(await deps.triage.assign(pathParam(req, 'caseId', 'id', 'CAS_NOT_FOUND'), req.body, req.principal!.id));
  });

  r.post('/api/triage/:caseId/return', requireRole('operator'), json, async (req, res) => {
    res.json(await deps.triage.returnCase(pathParam(req, 'caseId', 'id', 'CAS_NOT_FOUND'), req.body, req.principal!.id));
  });

  r.get('/api/institutions/:institutionId/forwards', requireRole('institution', 'operator', 'admin'), noStore, async (req, res) => {
    const p = req.principal!;
    const institutionId = pathParam(req, 'institutionId', 'institutionId');
    // An institution token sees its own forwards only; operators see any institution's.
    if (!p.roles.has('operator') && !p.roles.has('admin') && p.institutionId !== institutionId) {
      throw new AppError('AUTH_FORBIDDEN', `This token belongs to another institution than ${institutionId}.`);
    }
    const status = queryEnum(req, 'status', ['pending', 'accepted', 'rejected'] as const);
    res.json(await deps.queries.institutionForwards(institutionId, status, parsePageRequest(req.query as Record<string, unknown>)));
  });

  r.post('/api/forwards/:forwardId/ack', requireRole('institution', 'admin'), json, async (req, res) => {
    const p = req.principal!;
    const ack = parseAcknowledgement(req.body);
    const scope = p.roles.has('admin') ? undefined : p.institutionId;
    const f = await deps.forwarding.acknowledge(pathParam(req, 'forwardId', 'id', 'FWD_NOT_FOUND'), ack, { id: p.id, institutionId: scope });
    res.json({ forwardId: f.forwardId, caseId: f.caseId, status: f.status, acknowledgedAt: f.ackedAt?.toISOString() ?? null });
  });

  return r;
}
