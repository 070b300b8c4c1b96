import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { createFrameWriters, type FrameWriter } from './coalesce-socket-writes.ts';
import { spliceSerializedMessage } from './serialized-frames.ts';

/** How often an idle socket is pinged; one that does not answer by the next ping is dropped. */
const KEEP_ALIVE_MS = 12_000;

export type SocketExtra<State> = {
  socket: WebSocket;
  request: IncomingMessage;
  /** Writes a frame to the socket, corked with the frames of the same turn (coalesce-socket-writes.ts). */
  write: FrameWriter;
  state?: State;
};

/**
 * The one place the co-browse stream meets graphql-ws (PROTOCOL.md). graphql-ws runs on a `ws`
 * server as its own `useServer` does it, with these additions, each pinned to graphql-ws's
 * behaviour by test/graphql-ws-contract.test.ts:
 * - binary frames, which graphql-transport-ws never uses (its messages are JSON text), go to
 *   `onBinary` instead of closing the socket as malformed: the widget uploads its event batches
 *   that way (batch-uploads.ts), without a GraphQL result frame for each;
 * - every frame graphql-ws sends goes through the socket's writer, which corks the frames of one
 *   turn into one write, and swaps a stream message's token for its JSON made once
 *   (serialized-frames.ts);
 * - the same writer is the socket's `write` in `extra`, for frames written past graphql-ws: stream
 *   results while the socket keeps up, upload acknowledgements.
 */
export function serveGraphQLWs<State>(
  wss: WebSocketServer,
  options: ServerOptions<Record<string, unknown> | undefined, SocketExtra<State>>,
  onBinary: (extra: SocketExtra<State>, data: Buffer) => void,
) {
  const server = makeServer(options);
  const frameWriterFor = createFrameWriters();
  wss.options.handleProtocols = handleProtocols;
  const internalError = (socket: WebSocket, error: unknown) => {
    console.error('GraphQL over WebSocket: internal error', error);
    socket.close(CloseCode.InternalServerError, 'Internal server error');
  };
  wss.on('connection', (socket, request) => {
    socket.once('error', (error) => internalError(socket, error));
    let pongWait: ReturnType<typeof setTimeout> | undefined;
    const pinger = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
      socket.once('pong', () => clearTimeout(pongWait));
      socket.ping();
    }, KEEP_ALIVE_MS);
    const write = frameWriterFor(socket, request.socket);
    const extra: SocketExtra<State> = { socket, request, write };
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            const frame = spliceSerializedMessage(data); // also on a closed socket: the message's JSON is let go
            if (socket.readyState !== socket.OPEN) return resolve();
            write(frame, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer, isBinary) => {
            if (isBinary) return onBinary(extra, data);
            handle(String(data)).catch((error: unknown) => internalError(socket, error));
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      clearTimeout(pongWait);
      clearInterval(pinger);
      void closed(code, String(reason));
    });
  });
  return {
    dispose: async () => {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
