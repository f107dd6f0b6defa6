/** Bearer tokens for machines, session cookie + CSRF header for people in the console. */
import type { NextFunction, Request, Response } from 'express';
import type { AccessService, Principal, Role } from '../access/access';
import { AppError } from '../shared/errors';

export const SESSION_COOKIE = 'liaison_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

function cookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return undefined; // a mangled cookie is no session
      }
    }
  }
  return undefined;
}

/** Login and logout read the cookie themselves: a stale cookie must never stand in the way of either. */
const SESSION_ROUTE = '/api/session';
const ownsCookie = (req: Request) => req.path === SESSION_ROUTE && (req.method === 'POST' || req.method === 'DELETE');

/** What a session whose password must be changed may still do. */
const WHILE_PASSWORD_CHANGE = new Set(['GET /api/session', 'POST /api/session/password']);

/** Identifies the caller when credentials are present; does not require them. */
export function identify(access: AccessService) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!m) throw new AppError('AUTH_INVALID', 'The Authorization header must be "Bearer <token>".');
      req.principal = await access.authenticateBearer(m[1]);
      return next();
    }
    const sid = cookie(req, SESSION_COOKIE);
    if (sid && !ownsCookie(req)) {
      const p = await access.authenticateSession(sid);
      const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
      if (unsafe && !access.csrfMatches(sid, req.get(CSRF_HEADER))) {
        throw new AppError('AUTH_FORBIDDEN', `A state-changing request from the console needs the ${CSRF_HEADER} header of the session.`);
      }
      if (p.mustChangePassword && !WHILE_PASSWORD_CHANGE.has(`${req.method} ${req.path}`)) {
        throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED', 'Choose a new password first (POST /api/session/password).');
      }
      req.principal = p;
    }
    next();
  };
}

export function sessionIdOf(req: Request): string | undefined {
  return cookie(req, SESSION_COOKIE);
}

/** The caller must hold one of these roles ('any' = any authenticated caller). */
export function requireRole(...roles: Array<Role | 'any'>) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const p = req.principal;
    if (!p) throw new AppError('AUTH_MISSING', 'This endpoint needs a bearer token or a console session.');
    if (roles.includes('any') || roles.some((r) => p.roles.has(r as Role))) return next();
    throw new AppError('AUTH_FORBIDDEN', `This endpoint needs the role ${roles.join(' or ')}.`);
  };
}
