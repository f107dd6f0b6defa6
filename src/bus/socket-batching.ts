/**
 * amqplib hands every frame to the socket on its own (its muxer calls write() once per frame): a relay batch of
 * 200 publishes, or the multiple-acks of several windows, were as many write system calls, each paid in full on a
 * virtual machine. Corking the socket from the first write of an event-loop turn to the end of that turn gathers
 * the frames of the turn into one writev. Nothing waits longer than the turn it was written in, so heartbeats and
 * confirms keep their timing; backpressure is unchanged (write() still returns false past the high-water mark).
 */
import type { Socket } from 'node:net';

const BATCHED = Symbol('frames-batched-per-turn');

type Batchable = Pick<Socket, 'write' | 'cork' | 'uncork'> & { [BATCHED]?: true };

function isBatchable(s: unknown): s is Batchable {
  const o = s as Partial<Batchable> | null;
  return !!o && typeof o.write === 'function' && typeof o.cork === 'function' && typeof o.uncork === 'function';
}

/** Batches the writes of each event-loop turn on this socket; a no-op for anything that is not a socket. */
export function batchWritesPerTurn(socket: unknown): boolean {
  if (!isBatchable(socket) || socket[BATCHED]) return false;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Socket['write'];
  socket[BATCHED] = true;
  return true;
}

/** The socket under an amqplib connection (amqplib keeps it as `connection.stream`), if it is one. */
export function amqpSocketOf(model: unknown): unknown {
  return (model as { connection?: { stream?: unknown } } | null)?.connection?.stream;
}
