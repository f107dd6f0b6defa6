/**
 * The outbox relay of internal notices on the notifications exchange, the mechanism of the help desk's
 * escalation notices (src/helpdesk/escalation-notices.ts) made generic: rows are committed first, then a relay
 * claims due pending ones (SKIP LOCKED: several instances never send one twice), publishes each with a broker
 * confirm and marks it sent; a failure leaves it pending with a later next attempt. A crash between confirm and
 * commit sends the same messageId again: consumers de-duplicate on it.
 */
import type { Logger } from './logger';

export interface NoticeOutbox<N> {
  relayBatch(now: Date, limit: number, publish: (n: N) => Promise<void>): Promise<{ sent: N[]; failed: Array<{ notice: N; error: unknown }> }>;
}

/** What the relay needs of the bus (src/bus implements it). */
export interface NoticeBus {
  isConnected(): boolean;
  publish(exchange: string, routingKey: string, body: object, opts: { messageId: string; persistent: boolean; mandatory: boolean }): Promise<void>;
}

export interface NoticeRelayDeps<N> {
  outbox: NoticeOutbox<N>;
  bus: NoticeBus;
  exchange: string;
  now: () => Date;
  logger: Logger;
  routingKey: (n: N) => string;
  messageId: (n: N) => string;
  body: (n: N) => object;
  /** Log fields of a notice (ids only). */
  describe: (n: N) => Record<string, unknown>;
  event: string;
  batchSize?: number;
}

/** One relay round; true when it sent everything it claimed (and so may have more to send). */
export function noticeRelayStep<N>(deps: NoticeRelayDeps<N>): () => Promise<boolean> {
  // Not mandatory: whoever wants the notices binds a queue; with nobody bound there is no one to tell.
  const publish = (n: N) => deps.bus.publish(deps.exchange, deps.routingKey(n), deps.body(n), { messageId: deps.messageId(n), persistent: true, mandatory: false });
  return async () => {
    if (!deps.bus.isConnected()) return false;
    const r = await deps.outbox.relayBatch(deps.now(), deps.batchSize ?? 100, publish);
    for (const n of r.sent) deps.logger.info('notice sent', { event: `${deps.event}_sent`, ...deps.describe(n) });
    for (const f of r.failed) {
      deps.logger.warn('notice not sent; will retry', { event: `${deps.event}_send_failed`, ...deps.describe(f.notice), error: (f.error as Error)?.message });
    }
    return r.sent.length > 0 && r.failed.length === 0;
  };
}
