/** The express application: security headers, identification, one router per domain, errors in one place. */
import express, { type Router } from 'express';
import helmet from 'helmet';
import type { AccessService } from '../access/access';
import type { Logger } from '../shared/logger';
import { identify } from './auth';
import { errorHandler, notFound } from './http-errors';

export interface AppOptions {
  access: AccessService;
  logger: Logger;
  /** Routers mounted in order (health first: it needs no identification). */
  publicRouters: Router[];
  routers: Router[];
  /** Path-scoped middleware run after identification and before the routers (e.g. the intake rate limit). */
  guards?: Array<[path: string, handler: express.RequestHandler]>;
  /** Honour X-Forwarded-For / X-Forwarded-Proto (behind a TLS-terminating proxy). */
  trustProxy?: boolean;
}

export function createApp(opts: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(helmet());
  for (const r of opts.publicRouters) app.use(r);
  app.use(identify(opts.access));
  for (const [path, handler] of opts.guards ?? []) app.use(path, handler);
  for (const r of opts.routers) app.use(r);
  app.use(notFound);
  app.use(errorHandler(opts.logger));
  return app;
}
