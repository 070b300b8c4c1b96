import { WebSocketServer, type WebSocket } from 'ws';
import { BATCH_ACK_INTERVAL_MS } from '../protocol/uploads.ts';

// The baseline of the capacity benchmark: a bare `ws` relay that forwards each customer message
// to its session's agent, with no GraphQL, no auth and no pub/sub. Like the product it tells each
// customer how many uploads it has taken, every BATCH_ACK_INTERVAL_MS at most, so its customers
// pace themselves by the same window as the product's (relay-targets.ts paceLikeTheWidget).
const agents = new Map<string, WebSocket>();
const taken = new Map<WebSocket, number>();
const unacknowledged = new Set<WebSocket>();
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
wss.on('connection', (socket, request) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const session = url.searchParams.get('session') ?? '';
  if (url.searchParams.get('role') === 'agent') {
    agents.set(session, socket);
    socket.on('close', () => agents.delete(session));
  } else {
    taken.set(socket, 0);
    socket.on('close', () => {
      taken.delete(socket);
      unacknowledged.delete(socket);
    });
    socket.on('message', (data, isBinary) => {
      agents.get(session)?.send(data, { binary: isBinary });
      taken.set(socket, taken.get(socket)! + 1);
      unacknowledged.add(socket);
    });
  }
});
setInterval(() => {
  for (const socket of unacknowledged) socket.send(`{"type":"batch-ack","count":${taken.get(socket)}}`);
  unacknowledged.clear();
}, BATCH_ACK_INTERVAL_MS).unref();
wss.on('listening', () => {
  const address = wss.address() as { port: number };
  process.stdout.write(`READY ws://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
