import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { StreamMessage } from '../protocol/index.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';
import { POSTGRES_URL, freePort, startPrivateRedis } from './support/services.ts';

const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const SEND_SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';

const pointerBatch = (seq: number) => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 3, data: { source: 1, positions: [{ x: seq, y: 1, id: 1, timeOffset: 0 }] }, timestamp: Date.now() }],
});

// Redis restarted mid-session, and both instances recover.
describe('Redis restarted mid-session', () => {
  const schema = `cobrowse_redis_fault_${process.pid}_${Date.now()}`;
  let redis: ChildProcess | undefined;
  let redisPort: number;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    redisPort = await freePort();
    redis = await startPrivateRedis(redisPort);
    const config = { databaseUrl: `${POSTGRES_URL}?schema=${schema}`, redisUrl: `redis://127.0.0.1:${redisPort}` };
    a = await startTestServer({ config });
    b = await startTestServer({ config });
  });
  after(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    redis?.kill('SIGKILL');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('reports publishes that fail while Redis is down, then carries events across instances again', async () => {
    const session = await startCustomerSession(a.url);
    const cookie = await signIn(b.url, 'agent@example.com');
    const joined = await gql(b.url, 'mutation($c: String!){ joinSession(code: $c){ status } }', { c: session.code }, { cookie });
    assert.deepEqual(joined.data, { joinSession: { status: 'ACTIVE' } }, JSON.stringify(joined.errors));

    // A second session whose agent subscribes only while Redis is down: a topic nobody on B held yet.
    const second = await startCustomerSession(a.url);
    const cookie2 = await signIn(b.url, 'agent2@example.com');
    const joined2 = await gql(b.url, 'mutation($c: String!){ joinSession(code: $c){ status } }', { c: second.code }, { cookie: cookie2 });
    assert.deepEqual(joined2.data, { joinSession: { status: 'ACTIVE' } }, JSON.stringify(joined2.errors));
    const agent2 = wsClient(b.url, { cookie: cookie2 });

    const customer = wsClient(a.url, { customerToken: session.customerToken });
    const agent = wsClient(b.url, { cookie });
    try {
      const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
      const customerStream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
      await Promise.all([agentStream.next(), customerStream.next()]);
      let seq = 1;
      await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: pointerBatch(seq) });
      await agentStream.next((message) => message.type === 'events' && message.batch.seq === 1);

      redis!.kill('SIGKILL');
      await once(redis!, 'exit');
      // While Redis is down a batch cannot reach the other instance: the customer is told, not left guessing.
      const lost = await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: pointerBatch(++seq) });
      assert.ok(lost.errors?.length, `a publish that failed is reported (${JSON.stringify(lost)})`);
      // A SUBSCRIBE that cannot reach Redis fails (after retries) instead of hanging or half-subscribing.
      const early = wsCollect<StreamMessage>(agent2, STREAM, { id: second.id });
      await waitFor(() => early.failure ?? early.completed, 'the subscription made while Redis is down to fail', 30_000);
      assert.ok(early.failure, 'the subscription failed');

      redis = await startPrivateRedis(redisPort);
      // Both instances reconnect and subscribe again: customer → agent (A → B) flows...
      const marker = await waitFor(
        async () => {
          const current = ++seq;
          const sent = await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: pointerBatch(current) });
          if (!sent.data) return undefined;
          return agentStream
            .next((message) => message.type === 'events' && message.batch.seq === current, 1000)
            .then(() => current)
            .catch(() => undefined);
        },
        'events to reach the agent on the other instance again',
        30_000,
      );
      assert.ok(marker > 2);
      // ...and agent → customer (B → A) too.
      const target = { x: 5, y: 6 };
      assert.deepEqual(await wsExecute(agent, SEND_SIGNAL, { id: session.id, s: { type: 'click', target } }), {
        data: { sendSignal: true },
      });
      assert.deepEqual(await customerStream.next((message) => message.type === 'click'), { type: 'click', target });

      // New subscriptions after the restart work on both instances.
      const lateAgent = wsClient(b.url, { cookie });
      const lateStream = wsCollect<StreamMessage>(lateAgent, STREAM, { id: session.id });
      await lateStream.next();
      await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: pointerBatch(++seq) });
      await lateStream.next((message) => message.type === 'events' && message.batch.seq === seq);
      await lateAgent.dispose();

      // The topic whose SUBSCRIBE failed is subscribed afresh once Redis is back.
      const retried = wsCollect<StreamMessage>(agent2, STREAM, { id: second.id });
      await retried.next();
      const sent = await gql(a.url, SEND_EVENTS, { id: second.id, batch: pointerBatch(99) }, { customerToken: second.customerToken });
      assert.deepEqual(sent.data, { sendEvents: true }, JSON.stringify(sent.errors));
      await retried.next((message) => message.type === 'events' && message.batch.seq === 99);
    } finally {
      await Promise.all([customer.dispose(), agent.dispose(), agent2.dispose()]);
    }
  });
});
