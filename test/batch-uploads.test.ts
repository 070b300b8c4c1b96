import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventBatch, StreamMessage } from '../protocol/index.ts';
import { MAX_BATCH_BYTES } from '../protocol/index.ts';
import { StreamCloseCode } from '../protocol/close-codes.ts';
import { MAX_QUEUED_UPLOADS } from '../protocol/uploads.ts';
import { freshAddress } from './support/attack-clients.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { rawSocket } from './support/upload-socket.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * The widget's event batches as binary frames on its graphql-ws socket (protocol/uploads.ts):
 * the same checks as the `sendEvents` mutation, no answer per batch, and limits a client that
 * ignores the protocol runs into. Real server, real sockets, frames written by hand.
 */

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';

const batch = (seq: number): EventBatch => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 3, data: { source: 1, positions: [{ x: seq, y: 2, id: 1, timeOffset: 0 }] }, timestamp: Date.now() }],
});

describe('event batches uploaded as binary frames', () => {
  let server: TestServer;
  let agentCookie: string;
  before(async () => {
    server = await startTestServer({ config: { sendEventsPerAddressPerMinute: 60 } });
    agentCookie = await signIn(server.url, 'agent@example.com');
  });
  after(() => server.close());

  /** A session the demo agent joined and watches, and its customer's socket, acknowledged. */
  async function joinedSession() {
    const session = await startCustomerSession(server.url);
    await gql(server.url, JOIN, { code: session.code }, { cookie: agentCookie });
    const agent = wsClient(server.url, { cookie: agentCookie });
    const stream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    await stream.next((message) => message.type === 'session');
    const customer = await rawSocket(server.url, { customerToken: session.customerToken, address: freshAddress() });
    await customer.init();
    const close = async () => {
      customer.close();
      await gql(server.url, EXIT, { id: session.id }, { cookie: agentCookie });
      await agent.dispose();
    };
    return { session, customer, stream, close };
  }

  it('carries each batch to the agent in order, and acknowledges them together by count', async () => {
    const { customer, stream, close } = await joinedSession();
    const sent = Array.from({ length: 20 }, (_, i) => batch(i + 1));
    for (const each of sent) customer.upload(JSON.stringify(each));
    for (const each of sent) {
      const message = await stream.next((m) => m.type === 'events');
      assert.deepEqual(message, { type: 'events', batch: each }, 'the batch as sent, in the order sent');
    }
    await waitFor(() => customer.acks().at(-1) === 20, 'all 20 acknowledged');
    assert.ok(customer.acks().length < 20, `acknowledged together, not one by one (${customer.acks().length} acks)`);
    assert.deepEqual(customer.errors(), []);
    await close();
  });

  it('answers a bad upload at once with why, counts it, and takes the next', async () => {
    const { customer, stream, close } = await joinedSession();
    const bad = [
      'not json {',
      JSON.stringify({ seq: 1, sentAt: 1, events: [{ type: 'x', timestamp: 1 }] }),
      JSON.stringify({ ...batch(1), extra: 'field' }),
      `{"seq":1,"sentAt":1,"events":[{"type":3,"timestamp":1,"data":"${'x'.repeat(MAX_BATCH_BYTES)}"}]}`,
    ];
    for (const data of bad) customer.upload(data);
    await waitFor(() => customer.errors().length === bad.length, 'an answer for each bad upload');
    assert.deepEqual(
      customer.errors().map((error) => error.extensions?.code),
      bad.map(() => 'BAD_USER_INPUT'),
    );
    const messages = customer.errors().map((error) => error.message);
    assert.match(messages[0]!, /not JSON/);
    assert.match(messages[1]!, /events\.0\.type/);
    assert.match(messages[2]!, /extra: unknown field/);
    assert.match(messages[3]!, new RegExp(`at most ${MAX_BATCH_BYTES} bytes`));
    customer.upload(JSON.stringify(batch(7)));
    const message = await stream.next((m) => m.type === 'events');
    assert.equal(message.type === 'events' && message.batch.seq, 7, 'nothing bad reached the agent, the good one did');
    await waitFor(() => customer.acks().at(-1) === bad.length + 1, 'the refused ones counted as taken');
    assert.equal(customer.closed(), undefined, 'the socket stays open');
    await close();
  });

  it('refuses uploads beyond the address’s budget, and from a session that ended', async () => {
    const { session, customer, stream, close } = await joinedSession();
    await customer.uploadPaced(Array.from({ length: 61 }, (_, i) => JSON.stringify(batch(i + 1))));
    await waitFor(() => customer.acks().at(-1) === 61, 'all 61 taken');
    assert.deepEqual(
      customer.errors().map((error) => error.extensions?.code),
      ['RATE_LIMITED'],
      'the 61st of a 60-a-minute budget',
    );
    for (let seq = 1; seq <= 60; seq++) await stream.next((m) => m.type === 'events');
    await gql(server.url, EXIT, { id: session.id }, { cookie: agentCookie });
    const other = await rawSocket(server.url, { customerToken: session.customerToken, address: freshAddress() });
    await other.init();
    other.upload(JSON.stringify(batch(1)));
    await waitFor(() => other.errors().length === 1, 'an answer');
    assert.equal(other.errors()[0]!.extensions?.code, 'SESSION_ENDED');
    other.close();
    await close().catch(() => {});
  });

  it('closes a socket that uploads without being a session’s acknowledged customer', async () => {
    const early = await rawSocket(server.url, { address: freshAddress() });
    early.upload(JSON.stringify(batch(1))); // before connection_init
    await waitFor(() => early.closed(), 'the socket closed');
    assert.equal(early.closed()!.code, StreamCloseCode.NOT_A_CUSTOMER);

    const agent = await rawSocket(server.url, { cookie: agentCookie });
    await agent.init();
    agent.upload(JSON.stringify(batch(1)));
    await waitFor(() => agent.closed(), 'the agent’s socket closed');
    assert.equal(agent.closed()!.code, StreamCloseCode.NOT_A_CUSTOMER);
    assert.deepEqual(agent.errors(), []);
  });

  it('cuts off a client that sends far more than the window without waiting', async () => {
    const { customer, close } = await joinedSession();
    const frame = Buffer.from(JSON.stringify(batch(1)));
    for (let i = 0; i < 50 * MAX_QUEUED_UPLOADS; i++) customer.upload(frame);
    await waitFor(() => customer.closed(), 'the socket closed');
    assert.equal(customer.closed()!.code, StreamCloseCode.UPLOADS_FLOODED);
    await close();
  });
});
