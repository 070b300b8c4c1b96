import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { errorCode, gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const SEND_SIGNAL = 'mutation($id: ID!, $signal: JSON!){ sendSignal(sessionId: $id, signal: $signal) }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';

const batch = (seq: number) => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [] }, timestamp: Date.now() }],
});

describe('the session stream over GraphQL WebSocket', () => {
  let server: TestServer;
  let url: string;
  let agentCookie: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    agentCookie = await signIn(url, 'agent@example.com');
  });
  after(() => server.close());

  async function joinedSession() {
    const session = await startCustomerSession(url);
    await gql(url, JOIN, { code: session.code }, { cookie: agentCookie });
    const customer = wsClient(url, { customerToken: session.customerToken });
    const agent = wsClient(url, { cookie: agentCookie });
    const close = async () => {
      await gql(url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agentCookie });
      await Promise.all([customer.dispose(), agent.dispose()]);
    };
    return { session, customer, agent, close };
  }

  it('carries recorded events to the agent and pointer signals to the customer', async () => {
    const { session, customer, agent } = await joinedSession();
    const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    const customerStream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
    assert.equal((await agentStream.next()).type, 'rules', 'the rules come first, so the widget records under them');
    assert.equal((await agentStream.next()).type, 'session');
    await customerStream.next((message) => message.type === 'session');

    await wsExecute(agent, SEND_SIGNAL, { id: session.id, signal: { type: 'request-snapshot' } });
    await customerStream.next((message) => message.type === 'snapshot-request');

    const sent = await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: batch(1) });
    assert.deepEqual(sent, { data: { sendEvents: true } });
    const received = await agentStream.next((message) => message.type === 'events');
    assert.equal(received.type === 'events' && received.batch.seq, 1);

    const target = { x: 10, y: 20, nodeId: 5, rx: 0.5, ry: 0.25 };
    await wsExecute(agent, SEND_SIGNAL, { id: session.id, signal: { type: 'pointer', target } });
    await wsExecute(agent, SEND_SIGNAL, { id: session.id, signal: { type: 'click', target } });
    assert.deepEqual(await customerStream.next((message) => message.type === 'click'), { type: 'click', target });

    await wsExecute(customer, 'mutation($id: ID!){ exitSession(sessionId: $id){ status } }', { id: session.id });
    const ended = await agentStream.next((message) => message.type === 'session' && message.event === 'ended');
    assert.equal(ended.type === 'session' && ended.session.endedBy, 'CUSTOMER');
    await customerStream.next((message) => message.type === 'session' && message.event === 'ended');
    await waitFor(() => agentStream.completed, 'the stream to complete when the session ends');
    await Promise.all([customer.dispose(), agent.dispose()]);
  });

  it('names the bad field of a malformed batch or signal, and keeps the socket usable', async () => {
    const { session, customer, agent, close } = await joinedSession();
    const bad = await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: { seq: 1, sentAt: Date.now(), events: [{ type: 'x' }] } });
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.errors![0]!.message, /events\.0\.type/);
    const badSignal = await wsExecute(agent, SEND_SIGNAL, { id: session.id, signal: { type: 'pointer', target: { x: 'left' } } });
    assert.equal(badSignal.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: batch(2) }), { data: { sendEvents: true } });
    await close();
  });

  it('refuses the stream to strangers: no credentials, another agent, a cross-site cookie', async () => {
    const { session, close } = await joinedSession();
    const anonymous = wsClient(url);
    const failed = wsCollect(anonymous, STREAM, { id: session.id });
    await waitFor(() => failed.failure, 'the anonymous stream to be refused');
    assert.ok(Array.isArray(failed.failure));
    assert.equal((failed.failure as { extensions: { code: string } }[])[0]!.extensions.code, 'UNAUTHENTICATED');

    const otherAgent = wsClient(url, { cookie: await signIn(url, 'agent2@example.com') });
    const signal = await wsExecute(otherAgent, SEND_SIGNAL, { id: session.id, signal: { type: 'click', target: { x: 1, y: 1 } } });
    assert.equal(signal.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    // A page on another site cannot ride the agent's cookie over a WebSocket.
    const hijack = wsClient(url, { cookie: agentCookie, origin: 'https://evil.example' });
    const hijacked = await wsExecute(hijack, SEND_SIGNAL, { id: session.id, signal: { type: 'click', target: { x: 1, y: 1 } } });
    assert.equal(hijacked.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    await Promise.all([anonymous, otherAgent, hijack].map((client) => client.dispose()));
    await close();
  });

  it('tells the agent when the customer’s page disconnects and comes back', async () => {
    const { session, customer, agent, close } = await joinedSession();
    const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    await agentStream.next((message) => message.type === 'session');
    await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: batch(1) });
    await agentStream.next((message) => message.type === 'session' && message.event === 'customer-connected');
    await customer.dispose();
    await agentStream.next((message) => message.type === 'session' && message.event === 'customer-disconnected');
    const back = wsClient(url, { customerToken: session.customerToken });
    await wsExecute(back, SEND_EVENTS, { id: session.id, batch: batch(2) });
    await agentStream.next((message) => message.type === 'events' && message.batch.seq === 2);
    await back.dispose();
    await close();
  });

  it('cannot join through the stream of an ended session', async () => {
    const session = await startCustomerSession(url);
    await gql(url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { customerToken: session.customerToken });
    assert.equal(errorCode(await gql(url, JOIN, { code: session.code }, { cookie: agentCookie })), 'SESSION_UNAVAILABLE');
  });
});
