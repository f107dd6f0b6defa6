/** The writes of one event-loop turn on the broker's socket go out together (one cork … uncork), none later. */
import { Duplex } from 'node:stream';
import { batchWritesPerTurn } from '../../src/bus/socket-batching';

/** A real stream that records each writev / write it is handed. */
function recordingSocket(): { socket: Duplex; flushes: number[] } {
  const flushes: number[] = [];
  const socket = new Duplex({
    read() {},
    write(_chunk, _enc, cb) { flushes.push(1); cb(); },
    writev(chunks, cb) { flushes.push(chunks.length); cb(); },
  });
  return { socket, flushes };
}

describe('batchWritesPerTurn', () => {
  it('gathers the frames written in one turn into one writev, and each turn is flushed at its end', async () => {
    const { socket, flushes } = recordingSocket();
    expect(batchWritesPerTurn(socket)).toBe(true);
    for (let i = 0; i < 5; i += 1) socket.write(Buffer.from([i]));
    expect(flushes).toEqual([]); // held until the turn ends
    await new Promise((r) => setImmediate(r));
    expect(flushes).toEqual([5]);
    socket.write(Buffer.from([9]));
    await new Promise((r) => setImmediate(r));
    expect(flushes).toEqual([5, 1]);
  });

  it('is applied once, and only to something that can be corked', () => {
    const { socket } = recordingSocket();
    expect(batchWritesPerTurn(socket)).toBe(true);
    expect(batchWritesPerTurn(socket)).toBe(false);
    expect(batchWritesPerTurn({ write: () => true })).toBe(false);
    expect(batchWritesPerTurn(undefined)).toBe(false);
  });
});
