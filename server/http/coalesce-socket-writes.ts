import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

/** While a socket has fewer unsent bytes than this, a frame counts as sent once it is handed over. */
export const EARLY_ACK_BYTES = 256 * 1024;

type SendCallback = (error?: Error) => void;

/**
 * graphql-ws waits for each frame's write callback before it sends the next: a batch's result and
 * its completion, and each event to an agent, left in separate system calls — the largest single
 * cost of a relayed batch in the capacity benchmark. Here the frames handed over in one turn of
 * the event loop are corked into one write and, while the socket keeps up, acknowledged at once,
 * so frames of the same turn travel together. A socket that falls behind gets the real callbacks
 * back, which restores graphql-ws's backpressure and the slow-consumer limits for it.
 */
export function coalesceSocketWrites(wss: WebSocketServer, prepare: (frame: unknown) => unknown = (frame) => frame): void {
  // The sockets corked this turn, uncorked together by one setImmediate rather than one each.
  const corkedThisTurn: (() => void)[] = [];
  const uncorkAll = () => {
    for (const uncork of corkedThisTurn.splice(0)) uncork();
  };
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const raw = request.socket;
    const send = socket.send.bind(socket) as (data: unknown, callback?: SendCallback) => void;
    let corked = false;
    const uncork = () => {
      corked = false;
      raw.uncork();
    };
    socket.send = ((frame: unknown, callback?: SendCallback) => {
      const data = prepare(frame);
      if (!corked) {
        corked = true;
        raw.cork();
        // After the turn's promise chains have handed over their frames.
        if (corkedThisTurn.push(uncork) === 1) setImmediate(uncorkAll);
      }
      if (!callback || socket.bufferedAmount >= EARLY_ACK_BYTES) return send(data, callback);
      send(data, (error) => error && raw.destroy(error)); // a failed write closes the socket; graphql-ws cleans up on close
      queueMicrotask(() => callback());
    }) as WebSocket['send'];
  });
}
