/** The express application: security headers, identification, one router per domain, errors in one place. */
import express, { type Router } from 'express';
import helmet from 'helmet';
import type { AccessService } from '../access/access';
import type { TrustProxy } from '../config/trust-proxy';
import type { Logger } from '../shared/logger';
import { identify } from './auth';
import { errorHandler, notFound } from './http-errors';
import { openApiRequests } from '../validation/openapi-requests';
import { noStore, rejectHostileUrls } from './request-validation';

export interface AppOptions {
  access: AccessService;
  logger: Logger;
  /** Routers mounted in order (health first: it needs no identification). */
  publicRouters: Router[];
  routers: Router[];
  /** Path-scoped middleware run after identification and before the routers (e.g. the intake rate limit). */
  guards?: Array<[path: string, handler: express.RequestHandler]>;
  /** Whose X-Forwarded-For / X-Forwarded-Proto to honour: no one, a hop count, or proxies' address ranges (never any). */
  trustProxy?: TrustProxy;
}

/** Answers that carry personal data (cases, tickets, a routing trace): never kept by a browser or a proxy. */
const PERSONAL_DATA_PATHS = ['/api/cases', '/api/triage', '/api/tickets', '/api/routing/simulate', '/api/institutions/:institutionId/forwards', '/api/forwards'];

/** HSTS on answers to requests that came over TLS (directly, or through a trusted proxy's X-Forwarded-Proto). */
function hstsOverTls(req: express.Request, res: express.Response, next: express.NextFunction): void {
  if (req.secure) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  next();
}

export function createApp(opts: AppOptions): express.Express {
  // The request schemas of docs/openapi.yaml, compiled now (once per process): a broken document stops the start,
  // not the first request.
  openApiRequests();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(helmet({
    // Fit for the console (w10-console builds it without inline code): everything from this origin, nothing inline,
    // no plugins, no framing, forms only back here.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], fontSrc: ["'self'"],
        connectSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'none'"], frameAncestors: ["'none'"], formAction: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // Consistent with frame-ancestors 'none' (older browsers read only this one).
    xFrameOptions: { action: 'deny' },
    // Sent over TLS only (below): over plain HTTP it means nothing to a browser and misleads a scanner.
    strictTransportSecurity: false,
  }));
  app.use(hstsOverTls);
  // Before anything reads a parameter: a path or query that does not decode, or holds NUL/control characters, is 400.
  app.use(rejectHostileUrls);
  for (const r of opts.publicRouters) app.use(r);
  app.use(identify(opts.access));
  for (const [path, handler] of opts.guards ?? []) app.use(path, handler);
  app.use(PERSONAL_DATA_PATHS, noStore);
  for (const r of opts.routers) app.use(r);
  app.use(notFound);
  app.use(errorHandler(opts.logger));
  return app;
}
