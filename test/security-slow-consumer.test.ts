import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createMemoryPubSub } from '../server/core/pubsub/memory-pubsub.ts';
import type { PubSub } from '../server/core/pubsub/pubsub.ts';
import { subscribeToTopics } from '../server/core/pubsub/subscribe-to-topics.ts';
import type { StreamMessage } from '../protocol/index.ts';
import type { Config } from '../server/core/config.ts';
import { SLOW_SOCKET_CLOSE_CODE } from '../server/http/socket-limits.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A real in-process pub/sub that also says how many topic listeners are attached right now. */
function countingPubSub(): PubSub & { listeners: () => number } {
  const inner = createMemoryPubSub();
  let live = 0;
  return {
    publish: (topic, message) => inner.publish(topic, message),
    async subscribe(topic, onMessage) {
      const unsubscribe = await inner.subscribe(topic, onMessage);
      live++;
      return async () => {
        live--;
        await unsubscribe();
      };
    },
    close: () => inner.close(),
    listeners: () => live,
  };
}

describe('subscribeToTopics', () => {
  it('cuts a subscriber by the bytes it has not taken, not by how many messages', async () => {
    const pubsub = countingPubSub();
    const many = await subscribeToTopics<{ text: string }>(pubsub, ['small'], { maxQueuedBytes: 1024 * 1024 });
    // 6,000 small messages (~0.5 MB in all) are more than the old 5,000-message cap, and within budget.
    for (let i = 0; i < 6000; i++) await pubsub.publish('small', { text: `pointer ${i}`.padEnd(20) });
    for (let i = 0; i < 6000; i++) assert.equal((await many.next()).value?.text.trim(), `pointer ${i}`);
    await many.return!();

    const big = await subscribeToTopics<{ text: string }>(pubsub, ['big'], { maxQueuedBytes: 1024 * 1024 });
    // Three 600 KB snapshots nobody reads: far fewer messages, far more bytes.
    for (let i = 0; i < 3; i++) await pubsub.publish('big', { text: 'x'.repeat(600_000) });
    await assert.rejects(big.next(), (error: Error & { code?: string }) => error.code === 'SLOW_CONSUMER');
    assert.equal(pubsub.listeners(), 0, 'a cut subscriber lets go of its topics');
  });

  it('removes its topic listeners when the first-state fetch throws', async () => {
    const pubsub = countingPubSub();
    let finished = 0;
    await assert.rejects(
      subscribeToTopics(pubsub, ['a', 'b'], {
        initial: async () => {
          throw new Error('database unavailable');
        },
        onFinish: () => finished++,
      }),
      /database unavailable/,
    );
    assert.equal(pubsub.listeners(), 0, 'no listener left on either topic');
    assert.equal(finished, 1, 'onFinish runs once, so a watcher is announced as gone');
  });
});

/** A graphql-ws client whose underlying `ws` socket the test can reach (to stop reading from it). */
function rawClient(url: string, cookie: string): { client: Client; socket: () => WebSocket } {
  let socket: WebSocket | undefined;
  class Captured extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { origin: url, cookie } });
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the test needs this very socket
      socket = this;
    }
  }
  const client = createClient({ url: `${url.replace(/^http/, 'ws')}/api/graphql`, webSocketImpl: Captured, retryAttempts: 0, lazy: true });
  return { client, socket: () => socket! };
}

/**
 * Sees the in-process server close a socket with `code`: a pass-through wrapper on `ws`'s close,
 * which the server's sockets share with this file. `stop` puts the original back.
 */
function serverClosesWith(code: number): { seen: Promise<void>; happened: () => boolean; stop: () => void } {
  const original = WebSocket.prototype.close;
  let happened = false;
  let seen!: () => void;
  const promise = new Promise<void>((resolve) => (seen = resolve));
  WebSocket.prototype.close = function (this: WebSocket, ...args: Parameters<WebSocket['close']>) {
    if (args[0] === code) {
      happened = true;
      seen();
    }
    return original.apply(this, args);
  };
  return { seen: promise, happened: () => happened, stop: () => (WebSocket.prototype.close = original) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * One slow agent (its socket paused) and one healthy session on a server with `config`; the slow
 * agent's customer pushes 60 batches of 500 KB. Returns how the slow socket ended.
 */
async function slowAgentScenario(config: Partial<Config>, readsAgain: ReadsAgain) {
  const server = await startTestServer({ config });
  try {
    return await runScenario(server.url, readsAgain);
  } finally {
    await server.close();
  }
}

describe('a slow agent socket', () => {
  it('is cut when its subscription falls SUBSCRIBER_QUEUE_BYTES behind: the socket closes, no error is queued behind the backlog', async () => {
    const { code, failure } = await slowAgentScenario(
      {
        subscriberQueueBytes: 2 * 1024 * 1024,
        socketBufferBytes: 1024 ** 3,
        socketBufferGraceMs: 600_000,
      },
      'once-sent',
    );
    assert.equal(code, SLOW_SOCKET_CLOSE_CODE, 'closed as too slow');
    assert.ok(
      !Array.isArray(failure),
      `the client saw a dropped connection (it reconnects and resubscribes), not ${JSON.stringify(failure)}`,
    );
  });

  it('is closed when its socket buffer stays over SOCKET_BUFFER_BYTES, whatever the subscription budget', async () => {
    const { code } = await slowAgentScenario(
      { subscriberQueueBytes: 1024 ** 3, socketBufferBytes: 256 * 1024, socketBufferGraceMs: 500 },
      'once-closed',
    );
    assert.equal(code, SLOW_SOCKET_CLOSE_CODE, 'closed as too slow');
  });
});

/**
 * When the slow agent reads again: once its customer has sent everything (a cut subscription
 * says so when the server next takes from it, which it does as the agent reads), or as soon as
 * the server closes its socket (the close frame waits behind the data queued before it, and the
 * server drops a socket that has not taken it within seconds).
 */
type ReadsAgain = 'once-sent' | 'once-closed';

/** The scenario itself; resolves with the slow socket's close code and what its subscription saw. */
async function runScenario(url: string, readsAgain: ReadsAgain) {
  const [slowCookie, fastCookie] = await Promise.all([signIn(url, 'agent@example.com'), signIn(url, 'agent2@example.com')]);
  const slowSession = await startCustomerSession(url);
  const fastSession = await startCustomerSession(url);
  await gql(url, JOIN, { code: slowSession.code }, { cookie: slowCookie });
  await gql(url, JOIN, { code: fastSession.code }, { cookie: fastCookie });

  const slow = rawClient(url, slowCookie);
  const slowStream = wsCollect<StreamMessage>(slow.client, STREAM, { id: slowSession.id });
  await slowStream.next((message) => message.type === 'session');
  const fastAgent = wsClient(url, { cookie: fastCookie });
  const fastStream = wsCollect<StreamMessage>(fastAgent, STREAM, { id: fastSession.id });
  await fastStream.next((message) => message.type === 'session');

  // The slow agent's browser stops reading: its kernel buffers fill, then the server's.
  const slowSocket = slow.socket();
  const closed = new Promise<number>((resolve) => slowSocket.once('close', (code) => resolve(code)));
  const tcp = (slowSocket as unknown as { _socket: { pause: () => void; resume: () => void } })._socket;
  tcp.pause();
  const serverGaveUp = serverClosesWith(SLOW_SOCKET_CLOSE_CODE);
  if (readsAgain === 'once-closed') void serverGaveUp.seen.then(() => tcp.resume());

  const slowCustomer = wsClient(url, { customerToken: slowSession.customerToken });
  const fastCustomer = wsClient(url, { customerToken: fastSession.customerToken });
  const snapshot = 'x'.repeat(500_000);
  const bigBatch = (seq: number) => ({ seq, sentAt: Date.now(), events: [{ type: 2, data: { snapshot }, timestamp: Date.now() }] });
  const smallBatch = (seq: number) => ({
    seq,
    sentAt: Date.now(),
    events: [{ type: 3, data: { source: 1, positions: [] }, timestamp: Date.now() }],
  });

  const BIG_BATCHES = 60;
  const sendLatencies: number[] = [];
  const fastLatencies: number[] = [];
  let pumping = true;
  const otherSession = (async () => {
    for (let seq = 1; pumping; seq++) {
      const sentAt = Date.now();
      assert.deepEqual(await wsExecute(fastCustomer, SEND_EVENTS, { id: fastSession.id, batch: smallBatch(seq) }), {
        data: { sendEvents: true },
      });
      await fastStream.next((message) => message.type === 'events' && message.batch.seq === seq, 5000);
      fastLatencies.push(Date.now() - sentAt);
      await sleep(40); // the pace of a widget's batches
    }
  })();
  for (let seq = 1; seq <= BIG_BATCHES; seq++) {
    const sentAt = Date.now();
    const result = await wsExecute(slowCustomer, SEND_EVENTS, { id: slowSession.id, batch: bigBatch(seq) });
    assert.deepEqual(result, { data: { sendEvents: true } });
    sendLatencies.push(Date.now() - sentAt);
    await sleep(10); // a customer sending as fast as it can, but not all at once
  }
  if (readsAgain === 'once-sent') tcp.resume();
  await waitFor(() => serverGaveUp.happened(), 'the server to close the slow socket');
  serverGaveUp.stop();
  pumping = false;
  await otherSession;

  // Generous bounds (two shared cores run these tests): a blocked path would not answer at all.
  assert.ok(median(sendLatencies) < 1000, `customer sendEvents median ${median(sendLatencies)} ms`);
  assert.ok(Math.max(...sendLatencies) < 5000, `customer sendEvents max ${Math.max(...sendLatencies)} ms`);
  assert.ok(fastLatencies.length >= 10, `the other session kept flowing (${fastLatencies.length} batches)`);
  assert.ok(median(fastLatencies) < 1000, `other session delivery median ${median(fastLatencies)} ms`);

  // Reading again, the slow agent finds the server gave up on it: the socket is closed.
  const code = await Promise.race([closed, sleep(15_000).then(() => 'still open')]); // a guard: it closes at once
  const delivered = slowStream.values.filter((message) => message.type === 'events').length;
  assert.ok(delivered < BIG_BATCHES, `the server stopped sending to it (${delivered} of ${BIG_BATCHES} delivered)`);
  const failure: unknown = await waitFor(() => slowStream.failure, 'the slow subscription to hear of the close');
  await Promise.all([slowCustomer.dispose(), fastCustomer.dispose(), fastAgent.dispose(), slow.client.dispose()]);
  return { code, failure };
}
