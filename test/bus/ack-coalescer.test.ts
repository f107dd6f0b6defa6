/**
 * The ack coalescer against a recording channel: a multiple ack is sent only for a fully settled prefix of the
 * channel's deliveries, so no delivery is ever acknowledged before it was settled, and every acked delivery is
 * covered by exactly one frame; checked on examples and on random settle orders (fast-check).
 */
import type { Channel, ConsumeMessage } from 'amqplib';
import fc from 'fast-check';
import { AckCoalescer } from '../../src/bus/ack-coalescer';

interface Frame { kind: 'ack' | 'nack' | 'reject'; tag: number; multiple: boolean }

function recordingChannel(frames: Frame[]): Channel {
  return {
    ack: (m: ConsumeMessage, multiple = false) => frames.push({ kind: 'ack', tag: m.fields.deliveryTag, multiple }),
  } as unknown as Channel;
}

const msg = (tag: number) => ({ fields: { deliveryTag: tag }, properties: {}, content: Buffer.alloc(0) }) as unknown as ConsumeMessage;
const tick = () => new Promise((r) => setImmediate(r));

/** What the broker would consider settled, replaying the frames (multiple = every unsettled tag up to it). */
function settledBy(frames: Frame[], delivered: number[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const f of frames) {
    if (f.multiple) for (const t of delivered) if (t <= f.tag && !out.has(t)) out.set(t, f.kind);
    if (!f.multiple) {
      expect(out.has(f.tag)).toBe(false); // never settled twice
      out.set(f.tag, f.kind);
    }
  }
  return out;
}

describe('AckCoalescer', () => {
  test('a window acked in one turn goes as one multiple ack', async () => {
    const frames: Frame[] = [];
    const c = new AckCoalescer(recordingChannel(frames), () => undefined);
    const ms = [1, 2, 3, 4, 5].map(msg);
    ms.forEach((m) => c.delivered(m));
    ms.forEach((m) => c.ack(m));
    expect(frames).toEqual([]);
    await tick();
    expect(frames).toEqual([{ kind: 'ack', tag: 5, multiple: true }]);
  });

  test('an ack waits behind an earlier delivery still being handled, and goes with it', async () => {
    const frames: Frame[] = [];
    const c = new AckCoalescer(recordingChannel(frames), () => undefined);
    const ms = [1, 2, 3].map(msg);
    ms.forEach((m) => c.delivered(m));
    c.ack(ms[1]);
    c.ack(ms[2]);
    await tick();
    expect(frames).toEqual([]); // 1 is open: a multiple ack of 3 would settle it too early
    c.ack(ms[0]);
    await tick();
    expect(frames).toEqual([{ kind: 'ack', tag: 3, multiple: true }]);
  });

  test('a nack goes at once and alone; the acks behind it are not held by it', async () => {
    const frames: Frame[] = [];
    const c = new AckCoalescer(recordingChannel(frames), () => undefined);
    const ms = [1, 2, 3].map(msg);
    ms.forEach((m) => c.delivered(m));
    c.ack(ms[1]);
    c.ack(ms[2]);
    c.settleAlone(ms[0], () => frames.push({ kind: 'nack', tag: 1, multiple: false }));
    expect(frames[0]).toEqual({ kind: 'nack', tag: 1, multiple: false });
    expect(frames[1]).toEqual({ kind: 'ack', tag: 3, multiple: true });
    expect(settledBy(frames, [1, 2, 3])).toEqual(new Map([[1, 'nack'], [2, 'ack'], [3, 'ack']]));
  });

  test('flush() sends what can go now (before a close); a failing ack is reported as lost', () => {
    const lost: number[] = [];
    const c = new AckCoalescer({ ack: () => { throw new Error('Channel closed'); } } as unknown as Channel, (m) => lost.push(m.fields.deliveryTag));
    c.delivered(msg(1));
    c.ack(msg(1));
    c.flush();
    expect(lost).toEqual([1]);
  });

  test('property: whatever the settle order, each delivery is settled once, as decided, and never before its decision', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(
        fc.shuffledSubarray([...Array(n).keys()].map((i) => i + 1), { minLength: n, maxLength: n }),
        fc.array(fc.constantFrom('ack', 'ack', 'ack', 'nack'), { minLength: n, maxLength: n }),
        fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      )),
      async ([order, kinds, yields]) => {
        const frames: Frame[] = [];
        const c = new AckCoalescer(recordingChannel(frames), () => undefined);
        const delivered = order.map((_, i) => i + 1);
        delivered.forEach((t) => c.delivered(msg(t)));
        const decided = new Set<number>();
        for (const [i, tag] of order.entries()) {
          const kind = kinds[tag - 1];
          decided.add(tag);
          if (kind === 'ack') c.ack(msg(tag));
          else c.settleAlone(msg(tag), () => frames.push({ kind: 'nack', tag, multiple: false }));
          // At every moment: nothing settled that was not decided yet.
          for (const t of settledBy(frames, delivered).keys()) expect(decided.has(t)).toBe(true);
          if (yields[i]) await tick();
        }
        await tick();
        const settled = settledBy(frames, delivered);
        expect([...settled.keys()].sort((a, b) => a - b)).toEqual(delivered);
        for (const t of delivered) expect(settled.get(t)).toBe(kinds[t - 1]);
      },
    ), { numRuns: 200 });
  });
});
