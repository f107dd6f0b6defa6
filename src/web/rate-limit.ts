/**
 * A per-principal request rate limit (rate-limiter-flexible, in memory: each instance counts its own share),
 * used on POST /api/envelopes so one runaway client cannot flood intake. 429 REQ_RATE_LIMITED with Retry-After.
 */
import type { NextFunction, Request, Response } from 'express';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../shared/errors';

export function perPrincipalRateLimit(pointsPerMinute: number) {
  const limiter = new RateLimiterMemory({ keyPrefix: 'intake', points: pointsPerMinute, duration: 60 });
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    // Without credentials the route answers 401 itself; only identified callers are counted.
    if (!req.principal || req.method !== 'POST') return next();
    try {
      await limiter.consume(req.principal.id);
    } catch (e) {
      if (e instanceof Error) throw e;
      const retryAfterSeconds = Math.max(1, Math.ceil((e as RateLimiterRes).msBeforeNext / 1000));
      throw new AppError('REQ_RATE_LIMITED', `More than ${pointsPerMinute} envelopes in a minute from ${req.principal.id}; try again in ${retryAfterSeconds} s.`, [], { retryAfterSeconds });
    }
    next();
  };
}
