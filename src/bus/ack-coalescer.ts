/**
 * Acknowledges the deliveries of one channel with as few frames as possible. An ack is held until every earlier
 * delivery of the channel is settled; then one `basic.ack` with `multiple` covers the whole run (a window of 100
 * stored envelopes is one frame, not 100). Rejections and nacks go at once, alone. Holding an ack never delays it
 * by more than the current turn of the event loop unless an earlier delivery is still being handled, and `flush()`
 * sends whatever can be sent (before the channel closes).
 *
 * Correctness rests on two facts of AMQP 0-9-1: delivery tags of a channel increase in delivery order, and a
 * multiple ack settles every unsettled delivery up to its tag. So every delivery of the channel must be
 * registered (`delivered`) before anything is settled, and a multiple ack is sent only for a prefix of the
 * registered deliveries that is entirely settled.
 */
import type { Channel, ConsumeMessage } from 'amqplib';

type State = 'open' | 'ack' | 'done';

export class AckCoalescer {
  private readonly order: ConsumeMessage[] = [];
  private readonly state = new Map<number, State>();
  private head = 0;
  private scheduled = false;

  constructor(private readonly channel: Channel, private readonly onLost: (msg: ConsumeMessage, err: unknown) => void) {}

  delivered(msg: ConsumeMessage): void {
    this.order.push(msg);
    this.state.set(msg.fields.deliveryTag, 'open');
  }

  ack(msg: ConsumeMessage): void {
    if (!this.state.has(msg.fields.deliveryTag)) {
      this.channel.ack(msg); // not registered (cannot happen in the consumer): alone, never inside a multiple ack
      return;
    }
    this.state.set(msg.fields.deliveryTag, 'ack');
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Sends a nack / reject now (`send` does it), then lets the acks behind it go. */
  settleAlone(msg: ConsumeMessage, send: () => void): void {
    if (this.state.has(msg.fields.deliveryTag)) this.state.set(msg.fields.deliveryTag, 'done');
    send();
    this.flush();
  }

  /** One multiple ack for the longest settled prefix, if it holds any ack. */
  flush(): void {
    let last: ConsumeMessage | undefined;
    while (this.head < this.order.length) {
      const msg = this.order[this.head];
      const s = this.state.get(msg.fields.deliveryTag);
      if (s === 'open') break;
      if (s === 'ack') last = msg;
      this.state.delete(msg.fields.deliveryTag);
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    if (!last) return;
    try {
      this.channel.ack(last, true);
    } catch (err) {
      this.onLost(last, err);
    }
  }
}
