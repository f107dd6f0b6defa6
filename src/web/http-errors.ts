/** The one place where errors become HTTP answers: `{"error":{code,message,details}}` with the catalogue's status. */
import type { NextFunction, Request, Response } from 'express';
import { AppError, isAppError } from '../shared/errors';
import type { Logger } from '../shared/logger';

export function sendError(res: Response, err: AppError, extra: Record<string, unknown> = {}): void {
  // 429s say when to come back, in the header clients and proxies read as well as in the body.
  const retryAfter = err.extra.retryAfterSeconds;
  if (err.status === 429 && typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
  res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details }, ...err.extra, ...extra });
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    // A body refused before it was read in full (413 from Content-Length): close rather than drain the rest.
    if (!req.complete) res.set('Connection', 'close');
    if (isAppError(err)) {
      if (err.status >= 500) logger.error('request failed', { event: 'http.error', code: err.code, method: req.method, route: req.route?.path ?? req.path });
      sendError(res, err);
      return;
    }
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    if (err instanceof URIError || (e?.status === 400 && !e.type)) {
      // express could not decode a path parameter (e.g. %FF%FE): the client's mistake, not ours.
      sendError(res, new AppError('VAL_INVALID_PARAMETER', 'A path parameter is not valid percent-encoded UTF-8.', [{ path: 'path', message: 'invalid percent-encoding' }]));
      return;
    }
    if (e?.type === 'entity.parse.failed') {
      sendError(res, new AppError('VAL_NOT_JSON', `The request body is not valid JSON: ${e.message}.`, [{ path: '/', message: String(e.message) }]));
      return;
    }
    if (e?.type === 'entity.too.large') {
      sendError(res, new AppError('VAL_TOO_LARGE', 'The request body is too large.'));
      return;
    }
    // Logged for us; the client gets no stack trace, no SQL, no driver message.
    logger.error('unexpected error', { event: 'http.unexpected', method: req.method, route: req.route?.path ?? 'unmatched', error: err instanceof Error ? err.message : String(err) });
    sendError(res, new AppError('INT_UNEXPECTED', 'An unexpected error occurred; it has been logged.'));
  };
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('REQ_NOT_FOUND', `No route for ${req.method} ${req.path}.`));
}
