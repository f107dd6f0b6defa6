/**
 * Replays dead-lettered messages to the queue they came from (after the cause is fixed: a database outage, a
 * missing institution, a bug). Each message is republished with its body, message id and properties, confirmed by
 * the broker, and only then removed from the dead queue; what the filter leaves out stays where it is.
 */
import { connect, type GetMessage, type Options } from 'amqplib';
import { AppError } from '../shared/errors';
import { DEAD_LETTER_HEADERS } from './dead-letter';

export interface DeadLetterReplayOptions {
  url: string;
  deadQueue: string;
  /** Only messages dead-lettered with this error code (header x-error-code). */
  code?: string;
  /** Only messages that came from this queue. */
  fromQueue?: string;
  /** At most this many messages replayed. */
  max?: number;
  /** Count what would be replayed, change nothing. */
  dryRun?: boolean;
  onProgress?: (seen: number, total: number) => void;
}

export interface DeadLetterReplayResult {
  seen: number;
  /** Replayed (or, in a dry run, replayable) per original queue. */
  byQueue: Record<string, number>;
  /** Left in the dead queue: filtered out, or no original queue known. */
  kept: number;
}

/** The queue a dead message came from: the bus's header, else the broker's own x-death record. */
export function originalQueueOf(m: Pick<GetMessage, 'properties'>): string | undefined {
  const h = (m.properties.headers ?? {}) as Record<string, unknown>;
  const own = h[DEAD_LETTER_HEADERS.originalQueue];
  if (typeof own === 'string' && own) return own;
  const death = h['x-death'];
  if (Array.isArray(death) && death[0] && typeof death[0].queue === 'string') return death[0].queue;
  return undefined;
}

function replayProperties(m: GetMessage): Options.Publish {
  const p = m.properties;
  const headers: Record<string, unknown> = { ...(p.headers ?? {}) };
  const replays = Number(headers['x-replays'] ?? 0) + 1;
  for (const h of [...Object.values(DEAD_LETTER_HEADERS), 'x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-delivery-count']) delete headers[h];
  headers['x-replays'] = replays;
  const out: Options.Publish = { headers, persistent: true };
  for (const key of ['messageId', 'correlationId', 'contentType', 'contentEncoding', 'timestamp', 'type', 'appId'] as const) {
    if (p[key] !== undefined && p[key] !== null) (out as Record<string, unknown>)[key] = p[key];
  }
  return out;
}

export async function replayDeadLetters(o: DeadLetterReplayOptions): Promise<DeadLetterReplayResult> {
  const conn = await connect(o.url);
  conn.on('error', () => undefined); // reported through the failing call below
  try {
    const probe = await conn.createChannel();
    probe.on('error', () => undefined);
    const { messageCount } = await probe.checkQueue(o.deadQueue).catch(() => {
      throw new AppError('CFG_INVALID', `There is no queue "${o.deadQueue}" on the broker (see --dead / AMQP_NAME_DEAD).`);
    });
    const reader = await conn.createChannel();
    const writer = await conn.createConfirmChannel();
    const result: DeadLetterReplayResult = { seen: 0, byQueue: {}, kept: 0 };
    let replayed = 0;
    // Read at most what was there at the start: kept messages stay unacknowledged until the end, so they are not
    // read twice, and go back to the dead queue when the channel closes.
    while (result.seen < messageCount) {
      const m = await reader.get(o.deadQueue, { noAck: false });
      if (m === false) break;
      result.seen += 1;
      const queue = originalQueueOf(m);
      const code = (m.properties.headers ?? {})[DEAD_LETTER_HEADERS.errorCode];
      const wanted = queue !== undefined && (!o.code || code === o.code) && (!o.fromQueue || queue === o.fromQueue) && (o.max === undefined || replayed < o.max);
      if (!wanted || o.dryRun) {
        if (wanted) {
          result.byQueue[queue!] = (result.byQueue[queue!] ?? 0) + 1;
          replayed += 1;
        } else {
          result.kept += 1;
        }
        o.onProgress?.(result.seen, messageCount);
        continue;
      }
      writer.sendToQueue(queue!, m.content, replayProperties(m));
      await writer.waitForConfirms();
      reader.ack(m);
      result.byQueue[queue!] = (result.byQueue[queue!] ?? 0) + 1;
      replayed += 1;
      o.onProgress?.(result.seen, messageCount);
    }
    await writer.close();
    await reader.close(); // unacknowledged (kept) messages return to the dead queue
    return result;
  } finally {
    await conn.close().catch(() => undefined);
  }
}
