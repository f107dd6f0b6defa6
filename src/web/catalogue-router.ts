/** The BUC catalogue: read by anyone, edited by supervisors (a new version per change). */
import { Router } from 'express';
import type { BucCatalogue } from '../intake/buc-catalogue';
import { parsePageRequest, toPage } from '../shared/paging';
import { requireRole } from './auth';
import { jsonBody } from './request-validation';

/** Bodies through the shared bounded reader (size, encoding, depth, storable text), as every other router. */
const json = jsonBody();

export function catalogueRouter(catalogue: BucCatalogue): Router {
  const r = Router();

  r.get('/api/bucs', requireRole('any'), async (req, res) => {
    await catalogue.refresh();
    const page = parsePageRequest(req.query as Record<string, unknown>);
    const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase() : '';
    const all = catalogue.list().filter((e) => !q || `${e.bucType} ${e.titleEn} ${e.titleFr}`.toLowerCase().includes(q));
    const start = page.after ? all.findIndex((e) => e.bucType === page.after!.id) + 1 : 0;
    res.json({ version: catalogue.version, ...toPage(all.slice(start, start + page.limit + 1), page.limit, (e) => e, (e) => ['', e.bucType]) });
  });

  r.get('/api/bucs/versions', requireRole('any'), async (_req, res) => {
    const items = (await catalogue.versions()).map((v) => ({ ...v, createdAt: v.createdAt.toISOString() }));
    res.json({ items, nextCursor: null });
  });

  r.put('/api/bucs/:bucType', requireRole('supervisor'), json, async (req, res) => {
    const b = (req.body ?? {}) as { buc?: Record<string, unknown>; reason?: unknown; basedOnVersion?: unknown };
    const entry = { ...(b.buc ?? {}), bucType: String(req.params.bucType) } as Parameters<BucCatalogue['put']>[0];
    const meta = await catalogue.put(entry, {
      author: req.principal!.id, reason: typeof b.reason === 'string' ? b.reason : '',
      basedOnVersion: typeof b.basedOnVersion === 'number' ? b.basedOnVersion : undefined,
    });
    res.status(201).json({ ...meta, createdAt: meta.createdAt.toISOString() });
  });

  return r;
}
