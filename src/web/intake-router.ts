import express, { Router, type Request } from 'express';
import { MAX_ENVELOPE_BYTES, type IntakeService } from '../intake/intake-service';
import { QUARANTINE_STATUSES, type QuarantineService, type QuarantineStatus } from '../intake/quarantine-service';
import type { PgQuarantineRepository } from '../store/quarantine-repository';
import { AppError } from '../shared/errors';
import { parsePageRequest } from '../shared/paging';
import { requireRole } from './auth';
import { sendError } from './http-errors';

/** Bytes kept of an oversize body: enough to see what it was; the rest is counted, not stored. */
const KEEP_OVERSIZE_BYTES = MAX_ENVELOPE_BYTES + 1024 * 1024;

/** Reads the body ourselves: a rejected input must be kept byte for byte, even when it is not JSON or too big. */
async function readRaw(req: Request): Promise<{ raw: Buffer; size: number; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (kept < KEEP_OVERSIZE_BYTES) {
      const part = chunk.subarray(0, KEEP_OVERSIZE_BYTES - kept);
      chunks.push(part);
      kept += part.length;
    }
  }
  return { raw: Buffer.concat(chunks), size, truncated: size > kept };
}

function statusFilter(v: unknown): QuarantineStatus | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !(QUARANTINE_STATUSES as readonly string[]).includes(v)) {
    throw new AppError('REQ_INVALID_QUERY', `status must be one of ${QUARANTINE_STATUSES.join(', ')}.`, [{ path: 'status', message: `got "${String(v)}"` }]);
  }
  return v as QuarantineStatus;
}

export function intakeRouter(
  intake: IntakeService, quarantine: PgQuarantineRepository, lifecycle: QuarantineService, onAccepted: () => void = () => undefined,
): Router {
  const r = Router();

  r.post('/api/envelopes', requireRole('intake'), async (req, res) => {
    const { raw, size, truncated } = await readRaw(req);
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
        sendError(res, result.error, { quarantineId: result.quarantineId });
    }
  });

  r.get('/api/quarantine', requireRole('operator', 'admin'), async (req, res) => {
    const page = parsePageRequest(req.query as Record<string, unknown>);
    const errorCode = typeof req.query.errorCode === 'string' ? req.query.errorCode : undefined;
    res.json(await quarantine.list(page, { errorCode, status: statusFilter(req.query.status) }));
  });

  r.get('/api/quarantine/:id', requireRole('operator', 'admin'), async (req, res) => {
    const item = await quarantine.get(String(req.params.id));
    if (!item) throw new AppError('INT_QUARANTINE_NOT_FOUND', `No quarantined input with id ${req.params.id}.`);
    res.json(item);
  });

  r.post('/api/quarantine/:id/resubmit', requireRole('operator', 'admin'), async (req, res) => {
    res.json(await lifecycle.resubmit(String(req.params.id), req.principal!.id));
  });

  r.post('/api/quarantine/:id/dismiss', requireRole('operator', 'admin'), express.json({ limit: '16kb' }), async (req, res) => {
    res.json(await lifecycle.dismiss(String(req.params.id), req.body, req.principal!.id));
  });

  return r;
}
