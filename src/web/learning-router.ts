/** The learning loop and the supervisors' overview: suggestions, rule proposals, candidate rules, the overview. */
import { Router } from 'express';
import type { LearnedRulesService } from '../learning/learned-rules';
import type { LearningService } from '../learning/learning-service';
import type { OverviewService } from '../overview/overview-service';
import { AppError } from '../shared/errors';
import { requireRole } from './auth';
import { jsonBody } from './request-validation';

/** Bodies through the shared bounded reader (size, encoding, depth, storable text), as every other router. */
const json = jsonBody();

function intQuery(v: unknown, name: string, def: number, min: number, max: number): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AppError('REQ_INVALID_QUERY', `${name} must be a whole number from ${min} to ${max}.`, [{ path: name, message: `got "${String(v)}"` }]);
  }
  return n;
}

/** POST /api/rules/proposals, as docs/openapi.yaml describes it (caseId's form checked there). */
interface ProposalRequest {
  caseId: string;
  institutionId?: string;
}

export function learningRouter(deps: { learning: LearningService; overview: OverviewService; learnedRules: LearnedRulesService }): Router {
  const r = Router();

  r.get('/api/triage/:caseId/suggestions', requireRole('operator'), async (req, res) => {
    res.json(await deps.learning.suggestions(String(req.params.caseId)));
  });

  r.get('/api/triage/:caseId/candidates', requireRole('operator'), async (req, res) => {
    res.json(await deps.learning.candidatesForPicker(String(req.params.caseId)));
  });

  r.post('/api/rules/proposals', requireRole('operator'), json, async (req, res) => {
    const b = req.body as ProposalRequest;
    res.json(await deps.learning.propose(b.caseId, b.institutionId));
  });

  r.get('/api/rules/candidates', requireRole('operator'), async (req, res) => {
    const min = intQuery(req.query.min, 'min', deps.learning.minSupport, 2, 1000);
    const limit = intQuery(req.query.limit, 'limit', 20, 1, 100);
    res.json({ min, items: await deps.learning.candidates(min, limit) });
  });

  r.get('/api/rules/learned', requireRole('operator'), async (_req, res) => {
    res.json(await deps.learnedRules.status());
  });

  r.get('/api/overview', requireRole('operator'), async (_req, res) => {
    res.json(await deps.overview.overview());
  });

  return r;
}
