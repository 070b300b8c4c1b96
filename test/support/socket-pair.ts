import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { after, before } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * A real `ws` server on a free local port for the enclosing suite, closed after it; `connect()`
 * gives both ends of a new connection. `setUp` runs on the server first (e.g. to wrap its sends).
 */
export function localSocketPairs(setUp: (wss: WebSocketServer) => void = () => {}) {
  let wss: WebSocketServer;
  let url: string;
  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    setUp(wss);
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  after(() => {
    for (const socket of wss.clients) socket.terminate();
    return new Promise<void>((done) => wss.close(() => done()));
  });
  return {
    async connect() {
      const accepted = once(wss, 'connection');
      const client = new WebSocket(url);
      await once(client, 'open');
      return { client, server: (await accepted)[0] as WebSocket };
    },
  };
}

/** The TCP socket under a WebSocket, to pause its reading or count its writes. */
export const rawSocket = (socket: WebSocket) => (socket as unknown as { _socket: Socket })._socket;
