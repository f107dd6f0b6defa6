/** Admins: people's accounts, machine tokens, and the audit trail. */
import express, { Router } from 'express';
import type { AccessService, TokenRow } from '../access/access';
import type { AccountService, NewAccountCommand } from '../access/accounts';
import type { AuditTrail } from '../audit/audit-trail';
import { AppError } from '../shared/errors';
import { makeCursor, parsePageRequest } from '../shared/paging';
import { requireRole } from './auth';
import { jsonBody } from './request-validation';

/** The shared body reader (size from Content-Length, charset, Content-Encoding, depth…: 4xx, never 500). */
const json = jsonBody(16 * 1024);

/** A token as the list shows it: a counterpart desk's country, its expiry (null: issued before tokens expired). */
const tokenView = (t: TokenRow, now: Date = new Date()) => ({
  id: t.id, role: t.role, institutionId: t.institutionId, country: t.country, label: t.label, createdAt: t.createdAt.toISOString(), createdBy: t.createdBy,
  state: t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= now ? 'expired' : 'active', revokedAt: t.revokedAt ? t.revokedAt.toISOString() : null,
  expiresAt: t.expiresAt ? t.expiresAt.toISOString() : null,
});

const text = (v: unknown, key: string, max = 200): string | undefined => {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max || v.includes('\u0000')) {
    throw new AppError('REQ_INVALID_QUERY', `${key} must be one text of at most ${max} characters.`, [{ path: key, message: Array.isArray(v) ? 'given more than once' : 'invalid value' }]);
  }
  return v;
};

export function adminRouter(deps: { access: AccessService; accounts: AccountService; audit: AuditTrail; now?: () => Date }): Router {
  const r = Router();
  const admin = requireRole('admin');
  const by = (req: express.Request) => req.principal!.id;
  const username = (req: express.Request) => String(req.params.username);

  r.get('/api/admin/accounts', admin, async (_req, res) => {
    res.json({ items: await deps.accounts.list(), nextCursor: null });
  });

  r.post('/api/admin/accounts', admin, json, async (req, res) => {
    const { account, temporaryPassword } = await deps.accounts.create(req.body as NewAccountCommand, by(req));
    res.set('Cache-Control', 'no-store');
    res.status(201).json({ ...account, temporaryPassword });
  });

  r.post('/api/admin/accounts/:username/disable', admin, async (req, res) => {
    res.json(await deps.accounts.disable(username(req), by(req)));
  });

  r.post('/api/admin/accounts/:username/enable', admin, async (req, res) => {
    res.json(await deps.accounts.enable(username(req), by(req)));
  });

  r.post('/api/admin/accounts/:username/reset-password', admin, async (req, res) => {
    const { account, temporaryPassword } = await deps.accounts.resetPassword(username(req), by(req));
    res.set('Cache-Control', 'no-store');
    res.json({ ...account, temporaryPassword });
  });

  r.get('/api/admin/tokens', admin, async (req, res) => {
    const page = await deps.access.listTokens(parsePageRequest(req.query as Record<string, unknown>));
    res.json({ items: page.items.map((t) => tokenView(t, deps.now?.())), nextCursor: page.nextCursor });
  });

  r.post('/api/admin/tokens/:id/revoke', admin, async (req, res) => {
    res.json(tokenView(await deps.access.revokeToken(String(req.params.id), by(req))));
  });

  r.get('/api/admin/audit', admin, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    // The trail pages by entry id alone (newest first): its cursor carries no time.
    const page = parsePageRequest(q, { textKeys: true });
    const beforeId = page.after ? Number(page.after.id) : undefined;
    if (beforeId !== undefined && (!Number.isSafeInteger(beforeId) || beforeId < 1)) throw new AppError('REQ_INVALID_QUERY', 'cursor is not one this service returned.', [{ path: 'cursor', message: 'unreadable cursor' }]);
    const rows = await deps.audit.list({
      subjectType: text(q.subjectType, 'subjectType'), subjectId: text(q.subjectId, 'subjectId'), actor: text(q.actor, 'actor'), action: text(q.action, 'action'),
      beforeId, limit: page.limit + 1,
    });
    const items = rows.slice(0, page.limit).map((e) => ({ ...e, at: e.at.toISOString(), before: e.before ?? null, after: e.after ?? null, sourceIp: e.sourceIp ?? null }));
    res.json({ items, nextCursor: rows.length > page.limit ? makeCursor('', items[items.length - 1].id) : null });
  });

  return r;
}
