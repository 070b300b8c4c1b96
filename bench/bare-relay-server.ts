import { WebSocketServer, type WebSocket } from 'ws';

// The baseline of the capacity benchmark: a bare `ws` relay that forwards each customer message
// to its session's agent, with no GraphQL, no auth and no pub/sub.
const agents = new Map<string, WebSocket>();
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
wss.on('connection', (socket, request) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const session = url.searchParams.get('session') ?? '';
  if (url.searchParams.get('role') === 'agent') {
    agents.set(session, socket);
    socket.on('close', () => agents.delete(session));
  } else {
    socket.on('message', (data, isBinary) => agents.get(session)?.send(data, { binary: isBinary }));
  }
});
wss.on('listening', () => {
  const address = wss.address() as { port: number };
  process.stdout.write(`READY ws://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
