import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createMemoryPubSub } from '../server/core/pubsub/memory-pubsub.ts';
import { subscribeToTopics } from '../server/core/pubsub/subscribe-to-topics.ts';
import { directFieldResults } from '../graphql/operation-root.ts';
import type { StreamMessage } from '../protocol/index.ts';
import { EARLY_ACK_BYTES } from '../server/http/coalesce-socket-writes.ts';
import { directResults } from '../server/http/serialized-frames.ts';
import { gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { localSocketPairs, rawSocket } from './support/socket-pair.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * Stream messages written straight to the subscriber's socket while it keeps up (a pre-serialized
 * fan-out), past graphql-ws's per-result work — in order, in graphql-ws's own
 * frame, and back on graphql-ws's path with its backpressure whenever that is not safe.
 */

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('subscribeToTopics with a direct delivery', () => {
  async function subscription(accept: () => boolean = () => true) {
    const pubsub = createMemoryPubSub();
    const direct: number[] = [];
    const iterator = await subscribeToTopics<number>(pubsub, ['t'], {
      isLast: (message) => message === 0,
      deliverNow: (message) => accept() && (direct.push(message), true),
    });
    return { publish: (message: number) => pubsub.publish('t', message), iterator, direct };
  }

  it('hands messages over directly only while the subscriber waits with nothing queued', async () => {
    const { publish, iterator, direct } = await subscription();
    await publish(1); // nobody waits yet: queued
    assert.deepEqual(await iterator.next(), { done: false, value: 1 });
    const waiting = iterator.next();
    await turn();
    await publish(2);
    await publish(3);
    assert.deepEqual(direct, [2, 3]);
    await publish(0); // the last message ends the iteration: never past it
    assert.deepEqual(await waiting, { done: false, value: 0 });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    assert.deepEqual(direct, [2, 3]);
  });

  it('queues a message the direct delivery refuses, and keeps the ones after it in order behind it', async () => {
    let accepting = false;
    const { publish, iterator, direct } = await subscription(() => accepting);
    const waiting = iterator.next();
    await turn();
    await publish(1); // refused (the socket is behind): wakes the subscriber instead
    accepting = true;
    await publish(2); // the subscriber has not taken 1 yet: 2 must not overtake it
    assert.deepEqual(await waiting, { done: false, value: 1 });
    assert.deepEqual(await iterator.next(), { done: false, value: 2 });
    assert.deepEqual(direct, []);
    const next = iterator.next();
    await turn();
    await publish(3);
    assert.deepEqual(direct, [3]);
    await iterator.return!();
    await publish(4); // unsubscribed: nothing more, either way
    assert.deepEqual(direct, [3]);
    assert.deepEqual(await next, { done: true, value: undefined });
  });
});

describe('a subscription result written straight to its socket', () => {
  const { connect } = localSocketPairs();

  it('is the frame graphql-ws would send, under the field’s response key', async () => {
    const { client, server } = await connect();
    const message = { type: 'events', batch: { seq: 1, sentAt: 5, events: [{ type: 3, data: { text: 'a "quoted" \u2028 line' } }] } };
    const send = directFieldResults(
      directResults(server, (frame) => server.send(frame), 'op "7"'),
      'stream',
    )!;
    const received = once(client, 'message');
    assert.equal(send(message), true);
    const frame = String((await received)[0]);
    assert.equal(frame, JSON.stringify({ id: 'op "7"', type: 'next', payload: { data: { stream: message } } }));
    client.close();
  });

  it('declines while the socket is behind or closed, so graphql-ws’s backpressure and limits apply', async () => {
    const { client, server } = await connect();
    const { nextResult } = directResults(server, (frame) => server.send(frame), '1');
    rawSocket(client).pause(); // a reader that stopped reading
    const big = `"${'x'.repeat(64 * 1024)}"`;
    while (server.bufferedAmount < EARLY_ACK_BYTES) {
      assert.equal(nextResult(`{"s":${big}}`), true);
      await turn();
    }
    assert.equal(nextResult('{"s":1}'), false);
    client.terminate();
    await once(server, 'close');
    assert.equal(nextResult('{"s":1}'), false);
  });

  it('is offered only by a transport that writes results itself', () => {
    assert.equal(directFieldResults(undefined, 'sessionStream'), undefined);
    assert.equal(directFieldResults({}, 'sessionStream'), undefined);
  });
});

describe('an agent’s stream over the real server', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.close());

  it('delivers events under an aliased field, in order, then the end and the completion', async () => {
    const cookie = await signIn(server.url, 'agent@example.com');
    const session = await startCustomerSession(server.url);
    await gql(server.url, 'mutation($code: String!){ joinSession(code: $code){ id } }', { code: session.code }, { cookie });
    const agent = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/graphql`, 'graphql-transport-ws', {
      headers: { origin: server.url, cookie },
    });
    const frames: { id?: string; type: string; payload?: { data?: { live?: StreamMessage } } }[] = [];
    agent.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    await once(agent, 'open');
    agent.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await waitFor(() => frames.some((frame) => frame.type === 'connection_ack'), 'the connection acknowledged');
    const query = 'subscription($id: ID!){ live: sessionStream(sessionId: $id) }';
    agent.send(JSON.stringify({ id: 'a', type: 'subscribe', payload: { query, variables: { id: session.id } } }));
    const messages = () => frames.filter((frame) => frame.type === 'next').map((frame) => frame.payload!.data!.live!);
    await waitFor(() => messages().some((message) => message.type === 'session'), 'the session state');

    const count = 40;
    for (let seq = 1; seq <= count; seq++) {
      const batch = { seq, sentAt: Date.now(), events: [{ type: 3, data: { source: 1, positions: [] }, timestamp: Date.now() }] };
      const sent = await gql(
        server.url,
        'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }',
        { id: session.id, batch },
        { customerToken: session.customerToken },
      );
      assert.equal(sent.errors, undefined);
    }
    await waitFor(() => messages().filter((message) => message.type === 'events').length === count, 'every batch');
    const seqs = messages().flatMap((message) => (message.type === 'events' ? [message.batch.seq] : []));
    assert.deepEqual(
      seqs,
      Array.from({ length: count }, (_, i) => i + 1),
    );

    await gql(server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie });
    await waitFor(() => frames.some((frame) => frame.type === 'complete'), 'the completion');
    const last = frames.findIndex((frame) => frame.type === 'complete');
    const ended = messages().findIndex((message) => message.type === 'session' && message.session.status === 'ENDED');
    assert.ok(ended > seqs.length, 'the end comes after every event');
    assert.equal(frames[last - 1]!.payload?.data?.live?.type, 'session', 'the completion follows the end');
    assert.ok(frames.slice(0, last).every((frame) => frame.type !== 'complete'));
    agent.close();
  });
});
