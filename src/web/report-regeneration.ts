/**
 * Report regeneration spaced out (#21: 30 versions of one month in 3 s): a period is regenerated on demand at most
 * once per `minSeconds`, judged on its latest stored version, so the rule holds across instances and restarts.
 * Every regeneration is a stored version of the whole report: without a limit, anyone allowed to regenerate fills
 * the version history and keeps the database busy with the period's figures.
 */
import type { RequestHandler } from 'express';
import type { ReportKind } from '../reporting/period';
import type { ReportService } from '../reporting/report-service';
import { AppError, isAppError } from '../shared/errors';

export interface RegenerationSpacing {
  minSeconds: number;
  now: () => Date;
}

export function spacedRegeneration(service: Pick<ReportService, 'versions'>, kind: ReportKind, param: string, spacing: RegenerationSpacing): RequestHandler {
  return async (req, _res, next) => {
    if (spacing.minSeconds <= 0) return next();
    let latest: Date | undefined;
    try {
      const versions = await service.versions(kind, String(req.params[param]));
      latest = versions.reduce<Date | undefined>((m, v) => (m && m > v.generatedAt ? m : v.generatedAt), undefined);
    } catch (e) {
      // No version yet: the first generation is not limited. A bad period is refused by the route as before.
      if (!isAppError(e) || e.code !== 'RPT_VERSION_NOT_FOUND') return next(e);
    }
    const waitMs = latest ? latest.getTime() + spacing.minSeconds * 1000 - spacing.now().getTime() : 0;
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      return next(new AppError('RPT_REGENERATE_TOO_SOON', `This report was generated less than ${spacing.minSeconds} s ago; regenerate it again in ${retryAfterSeconds} s.`,
        [{ path: param, message: `last version at ${latest!.toISOString()}` }], { retryAfterSeconds }));
    }
    next();
  };
}
