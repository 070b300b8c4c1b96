import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** While a socket has fewer unsent bytes than this, a frame counts as sent once it is handed over. */
export const EARLY_ACK_BYTES = 256 * 1024;

type WriteCallback = (error?: Error) => void;

/** Writes a frame to one socket; `written` is called once it counts as sent. */
export type FrameWriter = (frame: string, written?: WriteCallback) => void;

/**
 * graphql-ws waits for each frame's write callback before it sends the next: a batch's result and
 * its completion, and each event to an agent, left in separate system calls — the largest single
 * cost of a relayed batch in the capacity benchmark. A writer made here corks the frames handed
 * over in one turn of the event loop into one write and, while the socket keeps up, calls their
 * callbacks at once, so frames of the same turn travel together. A socket that falls behind gets
 * the real callbacks, which restores graphql-ws's backpressure and the slow-consumer limits.
 *
 * One `createFrameWriters()` per server: its sockets corked in a turn are uncorked together.
 */
export function createFrameWriters() {
  const corkedThisTurn: (() => void)[] = [];
  const uncorkAll = () => {
    for (const uncork of corkedThisTurn.splice(0)) uncork();
  };
  return function frameWriterFor(socket: WebSocket, raw: Socket): FrameWriter {
    let corked = false;
    const uncork = () => {
      corked = false;
      raw.uncork();
    };
    return (frame, written) => {
      if (!corked) {
        corked = true;
        raw.cork();
        // After the turn's promise chains have handed over their frames.
        if (corkedThisTurn.push(uncork) === 1) setImmediate(uncorkAll);
      }
      if (!written || socket.bufferedAmount >= EARLY_ACK_BYTES) return socket.send(frame, written);
      socket.send(frame, (error) => error && raw.destroy(error)); // a failed write closes the socket; graphql-ws cleans up on close
      queueMicrotask(() => written());
    };
  };
}
