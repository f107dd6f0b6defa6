/**
 * TRUST_PROXY (issue #21): which proxies' X-Forwarded-For / X-Forwarded-Proto the service believes. Never "any":
 * `true` let every client name its own address in X-Forwarded-For and walk around the per-address login limit.
 *
 * - `false` / `0` / unset: no proxy; the client address is the TCP peer's.
 * - a hop count (`1`…`10`): that many proxies in front, each appending to X-Forwarded-For; only when the service is
 *   reachable through them alone (a client connecting directly could forge the header).
 * - a comma-separated list of addresses or CIDR ranges (`10.0.0.0/8, 192.168.1.10`) and express's names `loopback`,
 *   `linklocal`, `uniquelocal`: only a peer in them is believed, so a forged header from anyone else changes nothing.
 */
import { isIP } from 'node:net';

export type TrustProxy = false | number | string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function rangeProblem(entry: string): string | undefined {
  if (NAMES.has(entry)) return undefined;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && bits <= max ? undefined : `"${entry}" has a prefix length that is not 0 to ${max}`;
}

/** The setting, or the problems with it (each naming the key). */
export function parseTrustProxy(key: string, raw: string | undefined): { value: TrustProxy; errors: string[] } {
  if (raw === undefined) return { value: false, errors: [] };
  const v = raw.trim().toLowerCase();
  if (v === 'false' || v === '0' || v === 'no') return { value: false, errors: [] };
  if (v === 'true' || v === 'yes') {
    return { value: false, errors: [`${key}=${raw} would trust any X-Forwarded-For (a client could pick its own address): give the number of proxies in front (e.g. 1) or their addresses as CIDR ranges (e.g. 10.0.0.0/8)`] };
  }
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops >= 1 && hops <= 10 ? { value: hops, errors: [] } : { value: false, errors: [`${key}="${raw}" must be a hop count from 1 to 10, or a CIDR list`] };
  }
  const entries = v.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const errors = entries.map(rangeProblem).filter((p): p is string => p !== undefined).map((p) => `${key}: ${p} (give a hop count, or addresses / CIDR ranges separated by commas)`);
  return { value: errors.length || entries.length === 0 ? false : entries, errors: entries.length === 0 ? [`${key}="${raw}" names no proxy`] : errors };
}
