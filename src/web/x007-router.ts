/** A forward's X007 in RINA (CONTRACT §7): its state, and an operator's retry of a failed one. */
import { Router } from 'express';
import type { X007Operations } from '../forwarding/x007-operations';
import { requireRole } from './auth';
import { noStore, pathParam } from './request-validation';

export function x007Router(ops: X007Operations): Router {
  const r = Router();
  r.get('/api/forwards/:forwardId/x007', requireRole('operator', 'admin'), noStore, async (req, res) => {
    res.json(await ops.status(pathParam(req, 'forwardId', 'id', 'FWD_RINA_NOT_FOUND')));
  });
  r.post('/api/forwards/:forwardId/x007/retry', requireRole('operator'), async (req, res) => {
    res.json(await ops.retry(pathParam(req, 'forwardId', 'id', 'FWD_RINA_NOT_FOUND'), req.principal!.id));
  });
  return r;
}
