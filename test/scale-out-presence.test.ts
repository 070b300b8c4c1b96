import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect } from './support/graphql-client.ts';
import { twoInstances } from './support/services.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const TIMEOUT_SECONDS = 3;

type SessionMessage = Extract<StreamMessage, { type: 'session' }>;
const isSession = (message: StreamMessage): message is SessionMessage => message.type === 'session';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Customer presence, scaled out: two instances share the presence column; each counts only its own sockets.
describe('customer presence across two instances on PostgreSQL and Redis', () => {
  const servers = twoInstances('presence', { customerGoneTimeoutSeconds: TIMEOUT_SECONDS });

  it('follows a customer who moves to the other instance, corrects a stale "gone", and times out once when they leave', async () => {
    const session = await startCustomerSession(servers.a.url);
    const cookie = await signIn(servers.b.url, 'agent@example.com');
    await gql(servers.b.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie });
    const agent = wsClient(servers.b.url, { cookie });
    const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    const row = () => servers.a.deps.db.session.findUniqueOrThrow({ where: { id: session.id } });

    // The customer on A: the agent on B hears it connect.
    const onA = wsClient(servers.a.url, { customerToken: session.customerToken });
    await wsCollect<StreamMessage>(onA, STREAM, { id: session.id }).next(isSession);
    await agentStream.next((message) => isSession(message) && message.session.customerConnected);

    // A reconnect lands on B (a load balancer): A's close and B's connect may reach the column in
    // either order; within a sweep B holds the truth again, and the agent is told "connected".
    const onB = wsClient(servers.b.url, { customerToken: session.customerToken });
    await wsCollect<StreamMessage>(onB, STREAM, { id: session.id }).next(isSession);
    await onA.dispose();
    await sleep(1500);
    assert.equal((await row()).customerGoneAt, null, 'connected on B');
    const last = agentStream.values.filter(isSession).at(-1);
    assert.equal(last?.session.customerConnected, true);

    // A late "gone" from another instance (written at the time it saw a close) is corrected by B's
    // heartbeat long before the timeout could end the session.
    await servers.a.deps.db.session.update({ where: { id: session.id }, data: { customerGoneAt: new Date() } });
    await sleep(TIMEOUT_SECONDS * 1000 + 500);
    const kept = await row();
    assert.equal(kept.status, 'ACTIVE', 'a connected customer’s session is not timed out by either instance');
    assert.equal(kept.customerGoneAt, null);

    // The customer leaves: both instances sweep, the session ends once.
    await onB.dispose();
    const ended = await agentStream.next((message) => isSession(message) && message.event === 'ended', (TIMEOUT_SECONDS + 6) * 1000);
    assert.equal(isSession(ended) && ended.session.endReason, 'timeout');
    await sleep(1500);
    const endings = await servers.a.deps.db.auditEvent.count({ where: { sessionId: session.id, type: 'SESSION_ENDED' } });
    assert.equal(endings, 1);
    await agent.dispose();
  });
});
