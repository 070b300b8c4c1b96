import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect } from './support/graphql-client.ts';
import { twoInstances } from './support/services.ts';
import type { TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const TIMEOUT_SECONDS = 3;

type SessionMessage = Extract<StreamMessage, { type: 'session' }>;
const isSession = (message: StreamMessage): message is SessionMessage => message.type === 'session';

// Customer presence, scaled out: two instances share the presence column; each counts only its own sockets.
describe('customer presence across two instances on PostgreSQL and Redis', () => {
  const servers = twoInstances('presence', { customerGoneTimeoutSeconds: TIMEOUT_SECONDS });

  /**
   * A session whose customer stays connected to `instance`, to see its sweeps by: a "gone"
   * written there is corrected by the instance's next heartbeat, which a sweep follows.
   */
  async function sweepProbe(instance: TestServer) {
    const probe = await startCustomerSession(instance.url);
    const customer = wsClient(instance.url, { customerToken: probe.customerToken });
    await wsCollect<StreamMessage>(customer, STREAM, { id: probe.id }).next(isSession);
    const goneAt = async () => (await instance.deps.db.session.findUniqueOrThrow({ where: { id: probe.id } })).customerGoneAt;
    await waitFor(async () => (await goneAt()) === null, 'the probe’s customer connected');
    return {
      customer,
      /**
       * Resolves once the instance has run a whole heartbeat and sweep that began after the call:
       * corrected twice, as ticks never overlap, the first correction's sweep has finished.
       */
      async swept() {
        for (const tick of ['first', 'second']) {
          await instance.deps.db.session.update({ where: { id: probe.id }, data: { customerGoneAt: new Date() } });
          await waitFor(async () => (await goneAt()) === null, `the ${tick} heartbeat on the probe’s instance`);
        }
      },
    };
  }

  it('follows a customer who moves to the other instance, corrects a stale "gone", and times out once when they leave', async () => {
    const probes = { a: await sweepProbe(servers.a), b: await sweepProbe(servers.b) };
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
    // A's close reaches the column as "gone" (A no longer holds the customer), then B's heartbeat
    // says "connected" again.
    await waitFor(() => {
      const events = agentStream.values.filter(isSession).map((message) => message.event);
      const gone = events.indexOf('customer-disconnected');
      return gone >= 0 && events.indexOf('customer-connected', gone) > gone;
    }, 'the agent told of A’s close, then of B holding the customer');
    assert.equal((await row()).customerGoneAt, null, 'connected on B');
    const last = agentStream.values.filter(isSession).at(-1);
    assert.equal(last?.session.customerConnected, true);

    // A late "gone" from another instance (written at the time it saw a close) is corrected by B's
    // heartbeat long before the timeout could end the session.
    const staleAt = Date.now();
    await servers.a.deps.db.session.update({ where: { id: session.id }, data: { customerGoneAt: new Date(staleAt) } });
    // The timeout under test: past it, and after a sweep on each instance since, nothing ended it.
    await waitFor(() => Date.now() > staleAt + TIMEOUT_SECONDS * 1000, 'the timeout to pass', (TIMEOUT_SECONDS + 1) * 1000);
    await Promise.all([probes.a.swept(), probes.b.swept()]);
    const kept = await row();
    assert.equal(kept.status, 'ACTIVE', 'a connected customer’s session is not timed out by either instance');
    assert.equal(kept.customerGoneAt, null);

    // The customer leaves: both instances sweep, the session ends once.
    await onB.dispose();
    const ended = await agentStream.next((message) => isSession(message) && message.event === 'ended', (TIMEOUT_SECONDS + 6) * 1000);
    assert.equal(isSession(ended) && ended.session.endReason, 'timeout');
    // Each instance has swept since: neither ended it again.
    await Promise.all([probes.a.swept(), probes.b.swept()]);
    const endings = await servers.a.deps.db.auditEvent.count({ where: { sessionId: session.id, type: 'SESSION_ENDED' } });
    assert.equal(endings, 1);
    await Promise.all([agent.dispose(), probes.a.customer.dispose(), probes.b.customer.dispose()]);
  });
});
