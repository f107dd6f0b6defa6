import { Router } from 'express';
import { MACHINE_ROLES, type AccessService, type Role } from '../access/access';
import { AppError } from '../shared/errors';
import { SESSION_COOKIE, requireRole, sessionIdOf } from './auth';
import { jsonBody } from './request-validation';

function bodyString(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = body?.[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw new AppError('REQ_INVALID_BODY', `${key} is required.`, [{ path: `/${key}`, message: 'is required but missing' }]);
    return undefined;
  }
  if (typeof v !== 'string') throw new AppError('REQ_INVALID_BODY', `${key} must be a string.`, [{ path: `/${key}`, message: 'must be a string' }]);
  return v;
}

export function accessRouter(access: AccessService, secureCookies: boolean): Router {
  const r = Router();
  const json = jsonBody();

  r.post('/api/session', json, async (req, res) => {
    const username = bodyString(req.body, 'username', true)!;
    const password = bodyString(req.body, 'password', true)!;
    const s = await access.login(username, password);
    res.cookie(SESSION_COOKIE, s.sessionId, { httpOnly: true, sameSite: 'strict', secure: secureCookies, expires: s.expiresAt, path: '/' });
    res.status(201).json({ username, role: s.role, csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() });
  });

  r.delete('/api/session', async (req, res) => {
    const sid = sessionIdOf(req);
    if (sid) await access.logout(sid);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  r.post('/api/admin/tokens', requireRole('admin'), json, async (req, res) => {
    const role = bodyString(req.body, 'role', true) as Role;
    if (!MACHINE_ROLES.includes(role)) {
      throw new AppError('REQ_INVALID_BODY', `role must be one of ${MACHINE_ROLES.join(', ')}.`, [{ path: '/role', message: `"${role}" is not a machine role` }]);
    }
    const institutionId = bodyString(req.body, 'institutionId', role === 'institution') ?? null;
    const label = bodyString(req.body, 'label', false) ?? null;
    const issued = await access.issueToken(role, institutionId, req.principal!.id, label);
    res.status(201).json({ id: issued.id, token: issued.token, role, institutionId });
  });

  return r;
}
