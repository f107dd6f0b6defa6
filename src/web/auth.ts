/** Bearer tokens for machines, session cookie + CSRF header for operators. */
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
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

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
    if (sid) {
      const p = await access.authenticateSession(sid);
      const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
      if (unsafe && req.get(CSRF_HEADER) !== p.csrfToken) {
        throw new AppError('AUTH_FORBIDDEN', `A state-changing request from the console needs the ${CSRF_HEADER} header of the session.`);
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
