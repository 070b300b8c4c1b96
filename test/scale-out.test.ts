import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { StreamMessage } from '../protocol/index.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// B8: two server instances sharing PostgreSQL and Redis, as behind a plain load balancer.
describe('two server instances on PostgreSQL and Redis', () => {
  const schema = `cobrowse_scale_${process.pid}_${Date.now()}`;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    const config = { databaseUrl: `${POSTGRES_URL}?schema=${schema}`, redisUrl: REDIS_URL };
    [a, b] = await Promise.all([startTestServer({ config }), startTestServer({ config })]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('lets a customer on one instance co-browse with an agent on the other', async () => {
    const session = await startCustomerSession(a.url);
    const cookie = await signIn(b.url, 'agent@example.com');
    const joined = await gql(b.url, 'mutation($c: String!){ joinSession(code: $c){ status } }', { c: session.code }, { cookie });
    assert.deepEqual(joined.data, { joinSession: { status: 'ACTIVE' } });

    const customer = wsClient(a.url, { customerToken: session.customerToken });
    const agent = wsClient(b.url, { cookie });
    const agentStream = wsCollect<StreamMessage>(agent, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id: session.id });
    const customerStream = wsCollect<StreamMessage>(customer, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', {
      id: session.id,
    });
    await Promise.all([agentStream.next(), customerStream.next()]);

    const batch = {
      seq: 7,
      sentAt: Date.now(),
      events: [{ type: 3, data: { source: 2, type: 2, id: 9, x: 1, y: 2 }, timestamp: Date.now() }],
    };
    await wsExecute(customer, 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }', { id: session.id, batch });
    const received = await agentStream.next((message) => message.type === 'events');
    assert.equal(received.type === 'events' && received.batch.seq, 7);

    const target = { x: 3, y: 4 };
    await wsExecute(agent, 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }', {
      id: session.id,
      s: { type: 'click', target },
    });
    assert.deepEqual(await customerStream.next((message) => message.type === 'click'), { type: 'click', target });

    // Ending on one instance reaches the other side on the other instance.
    await gql(
      a.url,
      'mutation($id: ID!){ exitSession(sessionId: $id){ id } }',
      { id: session.id },
      { customerToken: session.customerToken },
    );
    await agentStream.next((message) => message.type === 'session' && message.event === 'ended');
    await Promise.all([customer.dispose(), agent.dispose()]);
  });
});
