/**
 * The reports over HTTP (docs/contract.md §3, §6): list, read (latest or `version=N`, as JSON, CSV or HTML), the
 * versions of a period, and regeneration (a new version). Operators read; supervisors regenerate.
 */
import { Router, type Request, type Response } from 'express';
import type { Role } from '../access/access';
import type { ReportKind } from '../reporting/period';
import { parseFormat, type Rendered, type renderReport } from '../reporting/render';
import { ReportRenderer } from '../reporting/report-rendering';
import type { ReportService } from '../reporting/report-service';
import type { VersionSummary } from '../reporting/report-store';
import { AppError } from '../shared/errors';
import { requireRole } from './auth';
import { spacedRegeneration, type RegenerationSpacing } from './report-regeneration';
import { reportHtmlCsp } from './report-csp';

/** Supervisors regenerate; until the supervisor role exists (w10-api), admin holds it, and admin keeps it after. */
const SUPERVISOR = 'supervisor' as Role;

function versionOf(query: Record<string, unknown>): number | undefined {
  const raw = query.version;
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,8}$/.test(raw)) {
    throw new AppError('REQ_INVALID_QUERY', 'version must be a whole number from 1.', [{ path: 'version', message: `not a version number: ${JSON.stringify(raw)}` }]);
  }
  return Number(raw);
}

const summary = (v: VersionSummary) => ({ ...v, generatedAt: v.generatedAt.toISOString() });

/** Rendered off the event loop (CSV, HTML: reporting/report-rendering.ts) under the person's slot. */
async function send(res: Response, req: Request, report: Parameters<typeof renderReport>[0], renderer: ReportRenderer, heldSlot = false): Promise<void> {
  const query = req.query as Record<string, unknown>;
  const { format, separator } = parseFormat(query.format, query.separator);
  const give = heldSlot || format === 'json' ? () => undefined : renderer.slots.take(req.principal!.id);
  let out: Rendered;
  try {
    out = await renderer.render(report, format, separator);
  } finally {
    give();
  }
  res.type(out.contentType);
  if (format === 'html') res.setHeader('Content-Security-Policy', reportHtmlCsp(out.body));
  if (format !== 'json') res.setHeader('Content-Disposition', `inline; filename="${out.filename}"`);
  res.send(out.body);
}

/** Defaults of REPORT_RENDER_TIME_LIMIT_MS and REPORT_MAX_CONCURRENT (config/env.ts). */
const DEFAULT_RENDER_LIMITS = { timeLimitMs: 30_000, maxConcurrent: 2 };

export function reportsRouter(
  service: ReportService, spacing: RegenerationSpacing = { minSeconds: 0, now: () => new Date() }, renderer = new ReportRenderer(DEFAULT_RENDER_LIMITS),
): Router {
  const r = Router();
  const read = requireRole('operator', 'admin');
  const regenerate = requireRole(SUPERVISOR, 'admin');

  r.get('/api/reports', read, async (_req, res) => {
    const periods = await service.periods();
    res.json({ items: periods.map((p) => ({ ...p, versions: p.versions.map(summary) })), nextCursor: null });
  });

  for (const kind of ['monthly', 'yearly'] as const satisfies readonly ReportKind[]) {
    const param = kind === 'monthly' ? 'month' : 'year';
    r.get(`/api/reports/${kind}/:${param}`, read, async (req, res) => {
      const query = req.query as Record<string, unknown>;
      parseFormat(query.format, query.separator); // a bad format is refused before any work
      await send(res, req, await service.get(kind, String(req.params[param]), versionOf(query), req.principal!.id), renderer);
    });

    r.get(`/api/reports/${kind}/:${param}/versions`, read, async (req, res) => {
      const versions = await service.versions(kind, String(req.params[param]));
      res.json({ items: versions.map(summary), nextCursor: null });
    });

    r.post(`/api/reports/${kind}/:${param}`, regenerate, spacedRegeneration(service, kind, param, spacing), async (req, res) => {
      const query = req.query as Record<string, unknown>;
      parseFormat(query.format, query.separator);
      // One regeneration of a period at a time, one report at a time per person: taken before any work.
      const give = renderer.slots.take(req.principal!.id, `${kind}:${String(req.params[param])}`);
      try {
        const report = await service.generate({ kind, period: String(req.params[param]), by: req.principal!.id, trigger: 'on-demand' });
        res.status(201).location(`/api/reports/${kind}/${report.kind === 'monthly' ? report.month : report.year}?version=${report.version}`);
        await send(res, req, report, renderer, true);
      } finally {
        give();
      }
    });
  }
  return r;
}
