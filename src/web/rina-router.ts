/**
 * RINA's endpoints (docs/contract.md §7): the document events RINA's National Interface Endpoint pushes (scope intake),
 * the operator's import of a case, and the adapter's status. Without RINA_URL they answer RIN_NOT_CONFIGURED.
 */
import { Router } from 'express';
import type { RinaEventService } from '../rina/rina-event-service';
import type { RinaStatusService } from '../rina/rina-status';
import { AppError } from '../shared/errors';
import { requireRole } from './auth';
import { sendError } from './http-errors';
import { noStore, pathParam, readKeptBodyBytes } from './request-validation';

/** Bytes kept of an event beyond its limit (events are metadata, a few hundred bytes): enough to see what came. */
const KEEP_BEYOND_LIMIT_BYTES = 256 * 1024;

/** Without RINA_URL (no services) the routes still ask for credentials first, then say RINA is not configured here. */
function configured<T>(service: T | undefined): T {
  if (service === undefined) throw new AppError('RIN_NOT_CONFIGURED', 'This service has no RINA configured (RINA_URL is not set): RINA events and imports are not taken here.');
  return service;
}

export function rinaRouter(rinaEvents?: RinaEventService, rinaStatus?: RinaStatusService): Router {
  const r = Router();
  const events = () => configured(rinaEvents);
  const status = () => configured(rinaStatus);

  r.post('/api/rina/events', requireRole('intake'), async (req, res) => {
    const service = events();
    // The shared reader: charset and Content-Encoding refused (415), a declared oversize quarantined unread.
    const { raw, size, truncated } = await readKeptBodyBytes(req, service.limits.maxBytes, KEEP_BEYOND_LIMIT_BYTES);
    const receipt = await service.receive(raw, { truncated, declaredSize: size });
    if (receipt.status === 'quarantined') {
      if (!req.complete) res.set('Connection', 'close');
      return sendError(res, receipt.error, { quarantineId: receipt.quarantineId });
    }
    res.status(202).json(receipt);
  });

  r.post('/api/rina/cases/:caseId/import', requireRole('operator', 'admin'), noStore, async (req, res) => {
    res.json(await events().importCase(pathParam(req, 'caseId', 'id'), req.principal!.id));
  });

  r.get('/api/rina/status', requireRole('operator', 'admin'), noStore, async (_req, res) => {
    res.json(await status().status());
  });

  return r;
}
