/** Console sessions (log in, who am I, password change, log out) and machine-token issuing. */
import { Router, type Request, type Response } from 'express';
import type { AccessService, LoginResult, Principal } from '../access/access';
import { AppError } from '../shared/errors';
import { SESSION_COOKIE, requireRole, sessionIdOf } from './auth';
import { loginGuard } from './login-guard';
import { jsonBody } from './request-validation';

/** The bodies of these routes, as docs/openapi.yaml describes them (checked against it before a handler runs). */
interface LoginRequest { username: string; password: string }
interface PasswordChange { currentPassword: string; newPassword: string }
interface TokenRequest {
  role: 'intake' | 'institution' | 'helpdesk';
  institutionId?: string | null;
  country?: string | null;
  label?: string | null;
  expiresInDays?: number | null;
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
    const { username, password } = req.body as LoginRequest;
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
    const change = req.body as PasswordChange;
    const s = await access.changePassword(p.username!, change.currentPassword, change.newPassword, req.ip ?? 'unknown');
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
    const b = req.body as TokenRequest;
    // An empty text is no value (as before the document was enforced); the schema requires institutionId with `institution`.
    const institutionId = b.institutionId || null;
    const country = b.country || null;
    const issued = await access.issueToken(b.role, institutionId, req.principal!.id, b.label || null, country, b.expiresInDays ?? undefined);
    res.status(201).json({ id: issued.id, token: issued.token, role: b.role, institutionId, ...(country !== null && { country }), expiresAt: issued.expiresAt.toISOString() });
  });

  return r;
}
