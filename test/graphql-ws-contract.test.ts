import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildSchema } from 'graphql';
import { CloseCode, createClient, GRAPHQL_TRANSPORT_WS_PROTOCOL, MessageType, stringifyMessage } from 'graphql-ws';
import WebSocket, { WebSocketServer } from 'ws';
import { StreamCloseCode } from '../protocol/close-codes.ts';
import { serveGraphQLWs } from '../server/http/graphql-ws-adapter.ts';
import { directResults, serializedStreamResult } from '../server/http/serialized-frames.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * What the co-browse stream relies on in graphql-ws (PROTOCOL.md), checked against the installed
 * release through server/http/graphql-ws-adapter.ts, the one module that integrates it. A
 * graphql-ws upgrade that changes any of it fails here, not silently in production.
 */

const schema = buildSchema(`
  scalar Message
  type Query { ok: Boolean }
  type Subscription { sessionStream: Message }
`);
const MESSAGES = [
  { type: 'events', batch: { seq: 1, sentAt: 5, events: [{ type: 3, data: { text: 'a "quoted" \u2028 line' } }] } },
  { type: 'pointer', target: { x: 1, y: 2 } },
];

/** A raw graphql-transport-ws client: every frame it receives, in order. */
async function rawClient(url: string) {
  const socket = new WebSocket(url, GRAPHQL_TRANSPORT_WS_PROTOCOL);
  const frames: string[] = [];
  socket.on('message', (data) => frames.push(String(data)));
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await waitFor(() => frames.some((frame) => frame.includes('connection_ack')), 'the connection acknowledged');
  return { socket, frames };
}

describe('graphql-ws, as the co-browse stream relies on it', () => {
  let wss: WebSocketServer;
  let url: string;
  let server: { dispose: () => Promise<void> };
  const binaries: string[] = [];

  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    server = serveGraphQLWs(
      wss,
      {
        schema,
        roots: {
          subscription: {
            sessionStream: async function* () {
              for (const message of MESSAGES) yield { sessionStream: message };
            },
          },
        },
        onNext: (_ctx, _id, _payload, _args, result) => serializedStreamResult(result),
      },
      (_extra, data) => void binaries.push(String(data)),
    );
  });
  after(async () => server.dispose());

  it('serializes each frame with JSON.stringify (so a message made once is spliced in) and sends it at once', async () => {
    const { socket, frames } = await rawClient(url);
    socket.send(JSON.stringify({ id: 'op "1"', type: 'subscribe', payload: { query: 'subscription { sessionStream }' } }));
    await waitFor(() => frames.some((frame) => frame.includes('"complete"')), 'the subscription to complete');
    const nexts = frames.filter((frame) => frame.includes('"next"'));
    assert.deepEqual(
      nexts,
      MESSAGES.map((message) => JSON.stringify({ id: 'op "1"', type: 'next', payload: { data: { sessionStream: message } } })),
    );
    socket.close();
  });

  it('leaves binary frames to the stream (graphql-transport-ws messages are text only)', async () => {
    const { socket, frames } = await rawClient(url);
    socket.send(Buffer.from('{"seq":1}'), { binary: true });
    await waitFor(() => binaries.includes('{"seq":1}'), 'the binary frame to reach onBinary');
    socket.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query: '{ ok }' } }));
    await waitFor(() => frames.some((frame) => frame.includes('"id":"2"')), 'the socket to still serve graphql-ws');
    socket.close();
  });

  it('frames a Next message exactly as the stream writes its direct results', () => {
    const written: string[] = [];
    const socket = { readyState: 1, OPEN: 1, bufferedAmount: 0 } as WebSocket;
    const { nextResult } = directResults(socket, (frame) => void written.push(frame), 'op "7"');
    const data = { sessionStream: MESSAGES[0] };
    assert.equal(nextResult(JSON.stringify(data)), true);
    assert.deepEqual(written, [stringifyMessage({ id: 'op "7"', type: MessageType.Next, payload: { data } })]);
  });

  it('has no close code in the stream’s range, 4800–4899', () => {
    const ours = Object.values(StreamCloseCode);
    assert.ok(ours.every((code) => code >= 4800 && code <= 4899));
    assert.deepEqual(
      Object.values(CloseCode).filter((code) => typeof code === 'number' && code >= 4800 && code <= 4899),
      [],
    );
  });

  it('its client reconnects after the stream closes a slow socket, so an agent page resyncs', async () => {
    const slow = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => GRAPHQL_TRANSPORT_WS_PROTOCOL });
    await once(slow, 'listening');
    let connections = 0;
    slow.on('connection', (socket) => {
      connections++;
      socket.on('message', () => socket.close(StreamCloseCode.SLOW_CONSUMER, 'Too slow'));
    });
    const client = createClient({
      url: `ws://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      webSocketImpl: WebSocket,
      retryAttempts: 2,
      retryWait: async () => {},
    });
    const failed = new Promise((resolve) => client.subscribe({ query: '{ ok }' }, { next: () => {}, error: resolve, complete: () => {} }));
    await waitFor(() => connections >= 2, 'a second connection after the slow-consumer close');
    await failed;
    await client.dispose();
    for (const socket of slow.clients) socket.terminate();
    await new Promise((resolve) => slow.close(resolve));
  });
});
