import { Router } from 'express';
import type { AuditTrail } from '../audit/audit-trail';
import type { IntakeService } from '../intake/intake-service';
import type { QuarantineQueries } from '../intake/quarantine-queries';
import { QUARANTINE_STATUSES, type DismissCommand, type QuarantineService } from '../intake/quarantine-service';
import { AppError } from '../shared/errors';
import { parsePageRequest } from '../shared/paging';
import { requireRole } from './auth';
import { jsonBody, noStore, pathParam, queryEnum, queryText, readKeptBodyBytes } from './request-validation';
import { sendError } from './http-errors';

/** Bytes kept of an oversize body beyond the limit: enough to see what it was; the rest is counted, not stored. */
const KEEP_BEYOND_LIMIT_BYTES = 1024 * 1024;

export function intakeRouter(
  intake: IntakeService, quarantine: QuarantineQueries, lifecycle: QuarantineService, onAccepted: () => void = () => undefined, audit?: AuditTrail,
): Router {
  const r = Router();

  r.post('/api/envelopes', requireRole('intake'), async (req, res) => {
    // Kept byte for byte whatever it is, even not JSON or compressed (quarantined, never refused); declared over the
    // limit: quarantined from its length alone and answered at once, not a byte read (issue #21).
    const { raw, size, truncated } = await readKeptBodyBytes(req, intake.limits.maxBytes, KEEP_BEYOND_LIMIT_BYTES, { encodings: 'keep' });
    const result = await intake.receive(raw, 'http', { truncated, declaredSize: size });
    switch (result.status) {
      case 'accepted':
        onAccepted();
        res.status(202).json({ envelopeId: result.envelopeId, status: 'accepted' });
        return;
      case 'duplicate':
        res.status(200).json({ envelopeId: result.envelopeId, status: 'duplicate' });
        return;
      case 'quarantined':
        if (!req.complete) res.set('Connection', 'close');
        sendError(res, result.error, { quarantineId: result.quarantineId });
    }
  });

  r.get('/api/quarantine', requireRole('operator', 'admin'), noStore, async (req, res) => {
    const page = parsePageRequest(req.query as Record<string, unknown>);
    const errorCode = queryText(req, 'errorCode', /^[A-Z]{2,5}_[A-Z_]{2,60}$/);
    res.json(await quarantine.list(page, { errorCode, status: queryEnum(req, 'status', QUARANTINE_STATUSES) }));
  });

  r.get('/api/quarantine/:id', requireRole('operator', 'admin'), noStore, async (req, res) => {
    const item = await quarantine.get(pathParam(req, 'id', 'id', 'ITK_QUARANTINE_NOT_FOUND'));
    if (!item) throw new AppError('ITK_QUARANTINE_NOT_FOUND', `No quarantined input with id ${req.params.id}.`);
    // The raw input is a whole SED, personal data: every read is on record (issue #21).
    await audit?.record({ actor: req.principal!.id, action: 'quarantine.read-raw-input', subjectType: 'quarantine', subjectId: String(req.params.id), sourceIp: req.ip });
    res.json(item);
  });

  r.post('/api/quarantine/:id/resubmit', requireRole('operator', 'admin'), noStore, async (req, res) => {
    res.json(await lifecycle.resubmit(pathParam(req, 'id', 'id', 'ITK_QUARANTINE_NOT_FOUND'), req.principal!.id));
  });

  r.post('/api/quarantine/:id/dismiss', requireRole('operator', 'admin'), noStore, jsonBody(), async (req, res) => {
    res.json(await lifecycle.dismiss(pathParam(req, 'id', 'id', 'ITK_QUARANTINE_NOT_FOUND'), req.body as DismissCommand, req.principal!.id));
  });

  return r;
}
