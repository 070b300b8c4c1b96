import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'graphql-ws';
import type { SessionState, StreamMessage } from '../protocol/index.ts';
import { trackCustomerPresence } from '../server/sessions/presence.ts';
import { gql, probeUntilLive, signIn, startCustomerSession, wsClient, wsCollect, type StartedSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';
const TIMEOUT_SECONDS = 2;

type SessionMessage = Extract<StreamMessage, { type: 'session' }>;
const isSession = (message: StreamMessage): message is SessionMessage => message.type === 'session';
const sessionEvent = (event: SessionMessage['event']) => (message: StreamMessage) => isSession(message) && message.event === event;
const stateOf = (message: StreamMessage): SessionState => {
  assert.ok(isSession(message), `expected a session message, got ${message.type}`);
  return message.session;
};

describe('customer presence and the gone-customer timeout', () => {
  let server: TestServer;
  let url: string;
  let agentCookie: string;
  let agent2Cookie: string;
  const clients: Client[] = [];
  const client = (options: Parameters<typeof wsClient>[1]) => {
    const created = wsClient(url, options);
    clients.push(created);
    return created;
  };

  before(async () => {
    server = await startTestServer({ config: { customerGoneTimeoutSeconds: TIMEOUT_SECONDS } });
    url = server.url;
    agentCookie = await signIn(url, 'agent@example.com');
    agent2Cookie = await signIn(url, 'agent2@example.com');
  });
  after(async () => {
    await Promise.all(clients.map((each) => each.dispose()));
    await server.close();
  });

  const goneAt = async (sessionId: string) => (await server.deps.db.session.findUniqueOrThrow({ where: { id: sessionId } })).customerGoneAt;

  /** A session joined by `cookie`, its customer connected over a socket that follows the stream. */
  async function joinedSession(cookie: string) {
    const session = await startCustomerSession(url);
    assert.ok((await gql(url, JOIN, { code: session.code }, { cookie })).data);
    const customer = client({ customerToken: session.customerToken });
    const customerStream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
    await customerStream.next(isSession);
    return { session, customer, customerStream };
  }

  const connectCustomer = async (session: StartedSession) => {
    const customer = client({ customerToken: session.customerToken });
    await wsCollect<StreamMessage>(customer, STREAM, { id: session.id }).next(isSession);
    return customer;
  };

  it('counts every customer socket, tells the agent when the last one closes, and says so again on resubscribe', async () => {
    const { session, customer } = await joinedSession(agentCookie);
    const agent = client({ cookie: agentCookie });
    const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    const first = stateOf(await agentStream.next(isSession));
    assert.equal(first.customerConnected, true);
    assert.equal(first.customerGoneAt, null);

    // A second tab (or a reload whose new page connects first): closing one socket is not "gone".
    const secondTab = await connectCustomer(session);
    const firstClosed = new Promise((resolve) => customer.on('closed', resolve));
    await customer.dispose();
    await firstClosed;

    // The last socket's close is the marker: the server handles a session's closes in order, so
    // a "gone" from the first would have come before it, as an event of its own or an earlier time.
    const before = Date.now();
    await secondTab.dispose();
    const gone = stateOf(await agentStream.next(sessionEvent('customer-disconnected'), 5000));
    assert.equal(gone.customerConnected, false);
    const stored = await goneAt(session.id);
    assert.ok(stored && stored.getTime() >= before, 'customerGoneAt is set when the last socket closed, not the first');
    assert.equal(gone.customerGoneAt, stored.toISOString());
    assert.equal(agentStream.values.filter(sessionEvent('customer-disconnected')).length, 1, 'no disconnect while a tab was open');

    // The agent reloads: the state it gets on subscribing says the customer is gone.
    const reloaded = client({ cookie: agentCookie });
    const reloadedStream = wsCollect<StreamMessage>(reloaded, STREAM, { id: session.id });
    const state = stateOf(await reloadedStream.next(isSession));
    assert.equal(state.customerConnected, false);

    // The customer comes back in time: connected again, the column cleared.
    await connectCustomer(session);
    const back = stateOf(await reloadedStream.next(sessionEvent('customer-connected'), 5000));
    assert.equal(back.customerConnected, true);
    assert.equal(await goneAt(session.id), null);
    await gql(url, EXIT, { id: session.id }, { cookie: agentCookie });
  });

  it('ends a session whose customer stayed away past the timeout: reason timeout, audited, agent freed, supervisors told', async () => {
    const supervisor = client({ cookie: await signIn(url, 'supervisor@example.com') });
    const lifecycle = wsCollect<StreamMessage>(supervisor, 'subscription { sessionLifecycle }', {});
    await probeUntilLive(
      lifecycle,
      async () => {
        const { id } = await startCustomerSession(url);
        return { made: id, is: (message) => isSession(message) && message.session.id === id };
      },
      'the lifecycle subscription to be live',
    );
    const { session, customer } = await joinedSession(agent2Cookie);
    const agent = client({ cookie: agent2Cookie });
    const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    await agentStream.next(isSession);

    // Another session whose customer stays connected all along must outlive the timeout.
    const kept = await joinedSession(agentCookie);

    await customer.dispose();
    const goneSince = Date.now();
    const ended = stateOf(await agentStream.next(sessionEvent('ended'), (TIMEOUT_SECONDS + 5) * 1000));
    const waited = Date.now() - goneSince;
    assert.ok(waited >= TIMEOUT_SECONDS * 1000 - 300, `ended after ${waited} ms, not before the timeout`);
    assert.equal(ended.status, 'ENDED');
    assert.equal(ended.endReason, 'timeout');
    assert.equal(ended.endedBy, 'SYSTEM');
    const seen = stateOf(
      await lifecycle.next((message) => isSession(message) && message.event === 'ended' && message.session.id === session.id),
    );
    assert.equal(seen.endReason, 'timeout');

    const audit = await server.deps.db.auditEvent.findMany({ where: { sessionId: session.id }, orderBy: { sequence: 'asc' } });
    const endedRow = audit.find((row) => row.type === 'SESSION_ENDED');
    assert.ok(endedRow, 'SESSION_ENDED is audited');
    assert.equal(endedRow.actorKind, 'SYSTEM');
    assert.deepEqual(JSON.parse(endedRow.data), { by: 'SYSTEM', reason: 'timeout' });
    assert.ok(audit.some((row) => row.type === 'AGENT_LEFT' && JSON.parse(row.data).reason === 'timeout'));

    // The agent is free: a new session can be joined at once.
    const next = await startCustomerSession(url);
    const joined = await gql<{ joinSession: { id: string } }>(url, JOIN, { code: next.code }, { cookie: agent2Cookie });
    assert.equal(joined.data?.joinSession.id, next.id, JSON.stringify(joined.errors));
    await gql(url, EXIT, { id: next.id }, { cookie: agent2Cookie });

    const keptRow = await server.deps.db.session.findUniqueOrThrow({ where: { id: kept.session.id } });
    assert.equal(keptRow.status, 'ACTIVE', 'a connected customer’s session does not time out');
    assert.equal(keptRow.customerGoneAt, null);
    await gql(url, EXIT, { id: kept.session.id }, { cookie: agentCookie });
  });

  it('corrects a "gone" written by another instance while this one holds the customer’s socket', async () => {
    const { session } = await joinedSession(agentCookie);
    const agent = client({ cookie: agentCookie });
    const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    await agentStream.next(isSession);
    // What a second instance that saw an old socket close late would write.
    await server.deps.db.session.update({ where: { id: session.id }, data: { customerGoneAt: new Date(Date.now() - 60_000) } });
    const back = stateOf(await agentStream.next(sessionEvent('customer-connected'), 5000));
    assert.equal(back.customerConnected, true);
    assert.equal(await goneAt(session.id), null);
    // Another session whose customer leaves now ends by the timeout: the sweeps have gone well
    // past the point where the old "gone" would have ended this one.
    const later = await joinedSession(agent2Cookie);
    await later.customer.dispose();
    await waitFor(
      async () => (await server.deps.db.session.findUniqueOrThrow({ where: { id: later.session.id } })).endReason === 'timeout',
      'the other session to time out',
      (TIMEOUT_SECONDS + 5) * 1000,
    );
    assert.equal((await server.deps.db.session.findUniqueOrThrow({ where: { id: session.id } })).status, 'ACTIVE');
    await gql(url, EXIT, { id: session.id }, { cookie: agentCookie });
  });

  it('as the only instance, marks customers left "connected" by a crash as gone when it starts', async () => {
    const session = await startCustomerSession(url);
    assert.equal(await goneAt(session.id), null);
    const restarted = trackCustomerPresence(server.deps, { soleInstance: true });
    await restarted.heartbeat(); // waits for the start-up marking
    assert.ok(await goneAt(session.id), 'a session nobody is connected to is marked gone');
    await restarted.stop();
    await gql(url, EXIT, { id: session.id }, { customerToken: session.customerToken });
  });
});
