import { Router } from 'express';
import type { Metrics } from '../shared/metrics';

export interface ReadinessProbe {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 2000;

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then(() => { clearTimeout(t); resolve(); }, (e) => { clearTimeout(t); reject(e); });
  });
}

export function healthRouter(probes: ReadinessProbe[], metrics: Metrics, isStopping: () => boolean): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all(probes.map(async (p) => {
      try {
        await withTimeout(p.check(), PROBE_TIMEOUT_MS);
        checks[p.name] = { ok: true };
      } catch (e) {
        checks[p.name] = { ok: false, error: (e as Error).message };
      }
    }));
    const ready = !isStopping() && Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : isStopping() ? 'stopping' : 'not-ready', checks });
  });
  r.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return r;
}
