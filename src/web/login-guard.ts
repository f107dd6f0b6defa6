/**
 * Login CSRF (issue #21): a login is a JSON request from this console, never a form or a `text/plain` body another
 * site can send without a preflight, and never a request the browser marks as coming from another site.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../shared/errors';

/** What Sec-Fetch-Site may say of a login: from this origin, or typed by the person (no site at all). */
const SAME_ORIGIN_FETCH = new Set(['same-origin', 'none']);

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export function loginGuard(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is('application/json')) {
    throw new AppError('AUTH_LOGIN_MEDIA_TYPE', 'A login must be sent with Content-Type: application/json.', [{ path: 'Content-Type', message: `got ${JSON.stringify(req.get('content-type') ?? 'nothing')}` }]);
  }
  const site = req.get('sec-fetch-site');
  if (site !== undefined && !SAME_ORIGIN_FETCH.has(site.toLowerCase())) {
    throw new AppError('AUTH_CROSS_SITE', 'A login from another site is refused.', [{ path: 'Sec-Fetch-Site', message: `is "${site.slice(0, 32)}"` }]);
  }
  const origin = req.get('origin');
  if (origin !== undefined) {
    const hosts = [req.get('host'), req.get('x-forwarded-host')].filter((h): h is string => Boolean(h)).map((h) => h.toLowerCase());
    const from = originHost(origin);
    if (from === undefined || !hosts.includes(from)) {
      throw new AppError('AUTH_CROSS_SITE', 'A login from another origin is refused.', [{ path: 'Origin', message: `"${origin.slice(0, 100)}" is not this service's origin` }]);
    }
  }
  next();
}
