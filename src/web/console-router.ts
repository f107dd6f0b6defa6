/**
 * Serves the operators' console (the Vite build in dist/console) at `/`. Not part of the JSON API: the files
 * carry no data, every page gets its data from /api with the session. Hashed files under /assets never change
 * (cached a year, immutable); index.html is revalidated on every load so a new release is picked up at once.
 * Any GET outside /api and the health endpoints that names no file answers index.html (the console routes in the
 * browser), so a reload of /cases/4410023 works.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

// Paths that are never a console page: the API, the probes, and hashed files that do not exist.
const NOT_CONSOLE = /^\/(api|assets|healthz|readyz|metrics)(\/|$)/;

export function serveConsole(dir: string): Router {
  const r = express.Router();
  const index = path.join(dir, 'index.html');
  const built = () => existsSync(index);

  // Source maps stay on the server (vite's sourcemap: 'hidden'): not published.
  r.use('/assets', (req: Request, _res: Response, next: NextFunction) => next(req.path.endsWith('.map') ? 'router' : undefined));
  r.use('/assets', express.static(path.join(dir, 'assets'), { index: false, redirect: false, immutable: true, maxAge: '365d' }));
  r.use(express.static(dir, {
    index: false, redirect: false,
    setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
  }));
  r.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path)) return next();
    if (!req.accepts('html')) return next();
    if (!built()) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build` (or `npm start`, which builds what changed).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}

/** dist/console of this checkout, from src/web (tsx, tests) or dist/web (npm start) alike. */
export function defaultConsoleDir(): string {
  return path.resolve(__dirname, '..', '..', 'dist', 'console');
}
