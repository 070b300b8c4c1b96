import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import WebSocket from 'ws';
import { openSocket, type Client } from '../widget/transport.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { twoInstances } from './support/services.ts';

// The widget's socket client runs in browsers; `ws` gives Node the same WebSocket interface.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

// Two server instances sharing PostgreSQL and Redis, as behind a plain load balancer.
describe('two server instances on PostgreSQL and Redis', () => {
  const servers = twoInstances('scale');

  it('lets a customer on one instance co-browse with an agent on the other', async () => {
    const session = await startCustomerSession(servers.a.url);
    const cookie = await signIn(servers.b.url, 'agent@example.com');
    const joined = await gql(servers.b.url, 'mutation($c: String!){ joinSession(code: $c){ status } }', { c: session.code }, { cookie });
    assert.deepEqual(joined.data, { joinSession: { status: 'ACTIVE' } });

    const customer = wsClient(servers.a.url, { customerToken: session.customerToken });
    const agent = wsClient(servers.b.url, { cookie });
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
      servers.a.url,
      'mutation($id: ID!){ exitSession(sessionId: $id){ id } }',
      { id: session.id },
      { customerToken: session.customerToken },
    );
    await agentStream.next((message) => message.type === 'session' && message.event === 'ended');
    await Promise.all([customer.dispose(), agent.dispose()]);
  });

  it('carries a widget’s uploaded batches through Redis to an agent on the other instance, as sent', async () => {
    const session = await startCustomerSession(servers.a.url);
    const cookie = await signIn(servers.b.url, 'agent@example.com');
    await gql(servers.b.url, 'mutation($c: String!){ joinSession(code: $c){ status } }', { c: session.code }, { cookie });
    const agent = wsClient(servers.b.url, { cookie });
    const agentStream = wsCollect<StreamMessage>(agent, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id: session.id });
    await agentStream.next((message) => message.type === 'session');
    const customer = await new Promise<Client>((ready) => {
      const client = openSocket(servers.a.url, session.customerToken, { connected: () => ready(client), closed: () => {} });
    });
    const batches = [1, 2, 3].map((seq) => ({
      seq,
      sentAt: Date.now(),
      events: [{ type: 3, data: { source: 1, positions: [{ x: seq, y: 2, id: 9, timeOffset: 0 }] }, timestamp: Date.now() }],
    }));
    for (const batch of batches) await customer.upload(batch);
    for (const batch of batches)
      assert.deepEqual(await agentStream.next((message) => message.type === 'events'), { type: 'events', batch });
    await gql(servers.b.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie });
    customer.dispose();
    await agent.dispose();
  });
});
