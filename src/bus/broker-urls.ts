import { AppError } from '../shared/errors';

/**
 * The broker nodes the service may connect to: one URL, or several separated by commas (the nodes of one
 * RabbitMQ cluster, e.g. `amqp://u:p@rabbit-0:5672,amqp://u:p@rabbit-1:5672`). A comma inside a password is
 * written `%2C`, as any reserved character of a URL. Every item must be an amqp:// or amqps:// URL.
 * Throws CFG_INVALID naming the item (by position, never by its text: it may hold a password).
 */
export function amqpUrlList(value: string | readonly string[]): string[] {
  const items = (typeof value === 'string' ? value.split(',') : [...value]).map((u) => u.trim());
  if (items.length === 0 || items.every((u) => u === '')) throw new AppError('CFG_INVALID', 'No broker URL given');
  return items.map((u, i) => {
    const where = items.length > 1 ? `broker URL ${i + 1} of ${items.length}` : 'the broker URL';
    if (u === '') throw new AppError('CFG_INVALID', `${where} is empty (two commas in a row, or a trailing comma)`);
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new AppError('CFG_INVALID', `${where} is not a valid URL`);
    }
    if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') throw new AppError('CFG_INVALID', `${where} must start with amqp:// or amqps://`);
    return u;
  });
}

/** host:port of a broker URL, for logs and metrics: never the credentials. */
export function brokerNode(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'amqps:' ? '5671' : '5672')}`;
}

/**
 * Which node to try at reconnect attempt `attempt` (1 for the first after a loss) when the last one used was
 * `current`: the next in the list, wrapping around, so that a node that went away is tried last. The backoff
 * grows once per round over all nodes: `round(attempt)`.
 */
export function nextNodeIndex(current: number, count: number): number {
  return (current + 1) % count;
}

export function reconnectRound(attempt: number, count: number): number {
  return Math.ceil(Math.max(1, attempt) / Math.max(1, count));
}

/** Small helpers of broker.ts: option checks and message properties. */
export function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new AppError('CFG_INVALID', `${name} must be a positive integer`);
  return value;
}

export function withoutUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
