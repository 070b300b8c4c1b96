import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/** How often an idle socket is pinged; one that does not answer by the next ping is dropped. */
const KEEP_ALIVE_MS = 12_000;

export type SocketExtra<State> = { socket: WebSocket; request: IncomingMessage; state?: State };

/**
 * graphql-ws on a `ws` server, as graphql-ws's own `useServer` does it, with one addition: binary
 * frames, which graphql-transport-ws never uses (its messages are JSON text), go to `onBinary`
 * instead of closing the socket as malformed. The widget uploads its event batches that way
 * (server/http/batch-uploads.ts), without a GraphQL result frame for each.
 */
export function serveGraphQLWs<State>(
  wss: WebSocketServer,
  options: ServerOptions<Record<string, unknown> | undefined, SocketExtra<State>>,
  onBinary: (extra: SocketExtra<State>, data: Buffer) => void,
) {
  const server = makeServer(options);
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
    const extra: SocketExtra<State> = { socket, request };
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
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
