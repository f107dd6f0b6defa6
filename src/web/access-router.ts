/** Console sessions (log in, who am I, password change, log out) and machine-token issuing. */
import { Router, type Request, type Response } from 'express';
import { MACHINE_ROLES, type AccessService, type LoginResult, type Principal, type Role } from '../access/access';
import { EESSI_COUNTRIES } from '../helpdesk/tickets/ticket';
import { AppError } from '../shared/errors';
import { SESSION_COOKIE, requireRole, sessionIdOf } from './auth';
import { loginGuard } from './login-guard';
import { jsonBody } from './request-validation';

export function bodyString(body: unknown, key: string, required: boolean, max = 2000): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('REQ_INVALID_BODY', 'The body must be a JSON object.', [{ path: '/', message: `got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}` }]);
  }
  const v = (body as Record<string, unknown>)[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw new AppError('REQ_INVALID_BODY', `${key} is required.`, [{ path: `/${key}`, message: 'is required but missing' }]);
    return undefined;
  }
  if (typeof v !== 'string') throw new AppError('REQ_INVALID_BODY', `${key} must be a string.`, [{ path: `/${key}`, message: `must be a string, got ${Array.isArray(v) ? 'an array' : typeof v}` }]);
  if (v.length > max) throw new AppError('REQ_INVALID_BODY', `${key} is too long.`, [{ path: `/${key}`, message: `at most ${max} characters` }]);
  return v;
}

/**
 * When the session cookie carries `Secure`: `always`, `never`, or `auto` (default): whenever the request came
 * over TLS (directly, or through a trusted proxy's X-Forwarded-Proto) or to a host that is not this machine;
 * plain HTTP to localhost (development) gets a cookie without it.
 */
export type SecureCookies = 'auto' | 'always' | 'never';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

export function cookieIsSecure(req: Request, policy: SecureCookies | boolean): boolean {
  if (policy === true || policy === 'always') return true;
  if (policy === false || policy === 'never') return false;
  return req.secure || !LOOPBACK.test(req.get('host') ?? '');
}

export function sessionBody(p: Principal) {
  return {
    username: p.username!, role: p.accountRole!, roles: [...p.roles].sort(), csrfToken: p.csrfToken!,
    expiresAt: p.expiresAt!.toISOString(), idleExpiresAt: p.idleExpiresAt!.toISOString(), mustChangePassword: Boolean(p.mustChangePassword),
  };
}

// long-function: the routes of one router, read top to bottom like the API table; each handler is a few lines.
export function accessRouter(access: AccessService, secureCookies: SecureCookies | boolean = 'auto'): Router {
  const r = Router();
  const json = jsonBody();
  const clear = (req: Request, res: Response) => res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: cookieIsSecure(req, secureCookies) });

  const setCookie = (req: Request, res: Response, s: LoginResult) => res.cookie(SESSION_COOKIE, s.sessionId, { httpOnly: true, sameSite: 'strict', secure: cookieIsSecure(req, secureCookies), expires: s.principal.expiresAt, path: '/' });

  r.post('/api/session', loginGuard, json, async (req, res) => {
    const username = bodyString(req.body, 'username', true, 100)!;
    const password = bodyString(req.body, 'password', true, 1000)!;
    // Whatever cookie came with the login (stale, expired, someone else's) is replaced, and its session ended.
    const previous = sessionIdOf(req);
    if (previous) await access.logout(previous);
    const s = await access.login(username, password, req.ip ?? 'unknown');
    setCookie(req, res, s);
    res.set('Cache-Control', 'no-store');
    res.status(201).json({ ...sessionBody(s.principal), failedLoginsSinceLastLogin: s.failedLoginsSinceLastLogin ?? 0 });
  });

  r.get('/api/session', requireRole('any'), (req, res) => {
    const p = req.principal!;
    if (p.kind !== 'session') throw new AppError('AUTH_FORBIDDEN', 'GET /api/session describes a console session; a bearer token has none.');
    res.set('Cache-Control', 'no-store');
    res.json(sessionBody(p));
  });

  r.post('/api/session/password', requireRole('any'), json, async (req, res) => {
    const p = req.principal!;
    if (p.kind !== 'session') throw new AppError('AUTH_FORBIDDEN', 'Only a console session has a password to change.');
    const s = await access.changePassword(p.username!, bodyString(req.body, 'currentPassword', true, 1000)!, bodyString(req.body, 'newPassword', true, 1000)!, req.ip ?? 'unknown');
    // Every session of the account ended; this one goes on under a new id (the cookie) and a new CSRF token (GET /api/session).
    setCookie(req, res, s);
    res.set('Cache-Control', 'no-store');
    res.status(204).end();
  });

  r.delete('/api/session', async (req, res) => {
    const sid = sessionIdOf(req);
    if (sid) {
      // A live session must be ended with its CSRF token (no logging people out from another site); a dead
      // cookie is only cleared.
      const live = await access.authenticateSession(sid).catch(() => undefined);
      if (live && !access.csrfMatches(sid, req.get('x-csrf-token'))) {
        throw new AppError('AUTH_FORBIDDEN', 'Logging out needs the x-csrf-token header of the session.');
      }
      await access.logout(sid, live?.username ? { username: live.username, address: req.ip ?? 'unknown' } : undefined);
    }
    clear(req, res);
    res.status(204).end();
  });

  r.post('/api/admin/tokens', requireRole('admin'), json, async (req, res) => {
    const role = bodyString(req.body, 'role', true) as Role;
    if (!MACHINE_ROLES.includes(role)) {
      throw new AppError('REQ_INVALID_BODY', `role must be one of ${MACHINE_ROLES.join(', ')}.`, [{ path: '/role', message: `"${role}" is not a machine role` }]);
    }
    const institutionId = bodyString(req.body, 'institutionId', role === 'institution', 20) ?? null;
    const label = bodyString(req.body, 'label', false, 200) ?? null;
    const country = bodyString(req.body, 'country', false, 2) ?? null;
    if (country !== null && !(EESSI_COUNTRIES as readonly string[]).includes(country)) {
      throw new AppError('REQ_INVALID_BODY', `country must be an EESSI country code (${EESSI_COUNTRIES.join(', ')}).`, [{ path: '/country', message: `"${country}" is not an EESSI country code` }]);
    }
    const issued = await access.issueToken(role, institutionId, req.principal!.id, label, country, tokenLifetimeOf(req.body));
    res.status(201).json({ id: issued.id, token: issued.token, role, institutionId, ...(country !== null && { country }), expiresAt: issued.expiresAt.toISOString() });
  });

  return r;
}

/** `expiresInDays` of a new machine token: a whole number of days from 1 to 36500, or absent (TOKEN_LIFETIME_DAYS). */
function tokenLifetimeOf(body: unknown): number | undefined {
  const v = (body as { expiresInDays?: unknown } | null)?.expiresInDays;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 36_500) {
    throw new AppError('REQ_INVALID_BODY', 'expiresInDays must be a whole number of days from 1 to 36500.', [{ path: '/expiresInDays', message: `got ${JSON.stringify(v)?.slice(0, 40)}` }]);
  }
  return v;
}
