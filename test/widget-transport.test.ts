import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_UNACKNOWLEDGED_BATCHES } from '../protocol/uploads.ts';
import { execute, KEEP_ALIVE_MS, openSocket } from '../widget/transport.ts';
import { startCustomerSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

// The widget runs in browsers; `ws` gives Node the same WebSocket interface.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

type Frame = { type: string; id?: string; payload?: unknown };

/**
 * A graphql-transport-ws peer under the test's control: acknowledges, records what it gets, and
 * answers pings only when told to.
 */
async function fakeServer(options: { answerPings: boolean }) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const connections: { socket: WebSocket; frames: Frame[]; uploads: string[] }[] = [];
  wss.on('connection', (socket) => {
    const connection = { socket, frames: [] as Frame[], uploads: [] as string[] };
    connections.push(connection);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return void connection.uploads.push(String(data));
      const frame = JSON.parse(String(data)) as Frame;
      connection.frames.push(frame);
      if (frame.type === 'connection_init') socket.send('{"type":"connection_ack"}');
      if (frame.type === 'ping' && options.answerPings) socket.send('{"type":"pong"}');
    });
  });
  return { origin: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, connections, close: () => wss.close() };
}

const until = async (check: () => boolean, what: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('The widget’s socket (graphql-transport-ws)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('runs operations against the real server with the customer token', async () => {
    const session = await startCustomerSession(server.url);
    let connected = 0;
    const client = openSocket(server.url, session.customerToken, { connected: () => connected++, closed: () => {} });
    const data = await execute<{ sessionStream?: unknown; __typename: string }>(client, '{ __typename }', {});
    assert.deepEqual(data, { __typename: 'Query' });
    const refused = await execute(client, 'mutation($id: ID!){ sendSignal(sessionId: $id, signal: {}) }', { id: session.id }).catch(
      (error: { code?: string }) => error.code,
    );
    assert.equal(refused, 'UNAUTHENTICATED', 'a GraphQL error comes back with its code');
    assert.equal(connected, 1);
    client.dispose();
  });

  it('drops a connection whose pings go unanswered, reconnects, and re-sends what is still running', async () => {
    const peer = await fakeServer({ answerPings: false });
    let closed = 0;
    const client = openSocket(peer.origin, 'token-1', { connected: () => {}, closed: () => closed++ });
    const received: unknown[] = [];
    client.subscribe(
      { query: 'subscription { stream }', variables: {} },
      { next: (value) => received.push(value), error: () => {}, complete: () => {} },
    );
    await until(() => peer.connections[0]?.frames.some((frame) => frame.type === 'subscribe') ?? false, 'the first subscribe', 5_000);
    assert.deepEqual(peer.connections[0]!.frames[0], { type: 'connection_init', payload: { customerToken: 'token-1' } });
    await until(() => peer.connections.length === 2, 'a new connection after two silent pings', 2 * KEEP_ALIVE_MS + 8_000);
    assert.equal(closed, 1);
    await until(() => peer.connections[1]!.frames.some((frame) => frame.type === 'subscribe'), 'the subscribe re-sent', 5_000);
    const again = peer.connections[1]!.frames.find((frame) => frame.type === 'subscribe')!;
    peer.connections[1]!.socket.send(JSON.stringify({ type: 'next', id: again.id, payload: { data: { stream: 1 } } }));
    await until(() => received.length === 1, 'the value on the new connection', 5_000);
    client.dispose();
    peer.close();
  });

  it('fails running operations on a close code reconnecting cannot fix', async () => {
    const peer = await fakeServer({ answerPings: true });
    const client = openSocket(peer.origin, 'token-2', { connected: () => {}, closed: () => {} });
    const failed = execute(client, '{ __typename }', {}).catch((error: unknown) => error);
    await until(() => peer.connections[0]?.frames.some((frame) => frame.type === 'subscribe') ?? false, 'the subscribe', 5_000);
    peer.connections[0]!.socket.close(4400, 'Bad request');
    assert.deepEqual(await failed, { code: 4400 });
    client.dispose();
    peer.close();
  });

  it('uploads batches as binary frames, and waits for room while the window is full', async () => {
    const peer = await fakeServer({ answerPings: true });
    let connected = false;
    const client = openSocket(peer.origin, 'token-3', { connected: () => (connected = true), closed: () => (connected = false) });
    await client.upload({ seq: 0 }); // not connected yet: dropped, as a reconnect resyncs anyway
    await until(() => connected, 'connected', 5_000);
    const peerSide = peer.connections[0]!;
    const settled: number[] = [];
    for (let seq = 1; seq <= MAX_UNACKNOWLEDGED_BATCHES; seq++) void client.upload({ seq }).then(() => settled.push(seq));
    await until(() => peerSide.uploads.length === MAX_UNACKNOWLEDGED_BATCHES, 'the uploads', 5_000);
    assert.deepEqual(
      peerSide.uploads.map((upload) => JSON.parse(upload) as unknown),
      settled.map((seq) => ({ seq })).concat({ seq: MAX_UNACKNOWLEDGED_BATCHES }),
      'each its own binary frame, the one before connecting never sent',
    );
    assert.equal(settled.length, MAX_UNACKNOWLEDGED_BATCHES - 1, 'the last one waits: the window is full');
    peerSide.socket.send(JSON.stringify({ type: 'batch-ack', count: 1 }));
    await until(() => settled.length === MAX_UNACKNOWLEDGED_BATCHES, 'room after an acknowledgement', 5_000);
    let last = false;
    void client.upload({ seq: 99 }).then(() => (last = true));
    // It is sent at once; a promise with room would have settled long before it arrives.
    await until(() => peerSide.uploads.some((upload) => (JSON.parse(upload) as { seq: number }).seq === 99), 'the last upload', 5_000);
    assert.equal(last, false, 'full again');
    peerSide.socket.close(1001, 'Going away');
    await until(() => last, 'released when the connection closes', 5_000);
    client.dispose();
    peer.close();
  });
});
