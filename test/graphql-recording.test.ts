import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventBatch } from '../protocol/index.ts';
import { errorCode, gql, signIn, startCustomerSession, wsClient, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const RECORDING = 'query($id: ID!){ session(id: $id){ recording { available events } } }';
const SETTINGS = 'mutation($on: Boolean!){ updateSiteSettings(input: { recordingEnabled: $on }){ recordingEnabled } }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';

const batch = (seq: number): EventBatch => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 3, data: { source: 1, positions: [{ x: seq, y: seq, id: 1, timeOffset: 0 }] }, timestamp: 1_000 + seq }],
});

describe('Session recording over GraphQL', () => {
  let server: TestServer;
  let adminCookie: string;
  let supervisorCookie: string;
  let agentCookie: string;

  before(async () => {
    server = await startTestServer();
    adminCookie = await signIn(server.url, 'admin@example.com');
    supervisorCookie = await signIn(server.url, 'supervisor@example.com');
    agentCookie = await signIn(server.url, 'agent@example.com');
  });
  after(() => server.close());

  /**
   * A customer sends `before` batches over its socket, an agent joins, the customer sends
   * `count` more, and the agent ends the session.
   */
  async function sessionWithEvents(count: number, before = 0) {
    const session = await startCustomerSession(server.url);
    const customer = wsClient(server.url, { customerToken: session.customerToken });
    const send = async (seq: number) =>
      assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: batch(seq) }), { data: { sendEvents: true } });
    for (let seq = 1; seq <= before; seq++) await send(seq);
    assert.equal((await gql(server.url, JOIN, { code: session.code }, { cookie: agentCookie })).errors, undefined);
    for (let seq = before + 1; seq <= before + count; seq++) await send(seq);
    assert.equal((await gql(server.url, EXIT, { id: session.id }, { cookie: agentCookie })).errors, undefined);
    await customer.dispose();
    return session;
  }

  const recordingOf = (id: string, cookie = supervisorCookie) =>
    gql<{ session: { recording: { available: boolean; events: { timestamp: number }[] } } }>(server.url, RECORDING, { id }, { cookie });

  it('stores nothing while recording is off (the default)', async () => {
    const session = await sessionWithEvents(3);
    const result = await recordingOf(session.id);
    assert.deepEqual(result.data?.session.recording, { available: false, events: [] });
    assert.equal(await server.deps.db.recordingChunk.count(), 0);
  });

  it('keeps the stream compressed when an admin turns it on, for supervisors only', async () => {
    assert.equal((await gql(server.url, SETTINGS, { on: true }, { cookie: adminCookie })).data?.updateSiteSettings !== undefined, true);
    const session = await sessionWithEvents(5);
    const result = await recordingOf(session.id);
    assert.equal(result.data?.session.recording.available, true);
    assert.deepEqual(
      result.data?.session.recording.events.map((event) => event.timestamp),
      [1001, 1002, 1003, 1004, 1005],
    );
    const chunks = await server.deps.db.recordingChunk.findMany({ where: { sessionId: session.id } });
    assert.ok(chunks.length >= 1 && chunks.length < 5, 'batches are gathered into chunks, not a row each');
    for (const chunk of chunks) assert.deepEqual([...chunk.data.subarray(0, 2)], [0x1f, 0x8b], 'gzip');

    assert.equal(errorCode(await recordingOf(session.id, agentCookie)), 'FORBIDDEN');
    await gql(server.url, SETTINGS, { on: false }, { cookie: adminCookie });
  });

  it('keeps nothing a customer sent before an agent joined', async () => {
    await gql(server.url, SETTINGS, { on: true }, { cookie: adminCookie });
    // Batches of a waiting session are taken and dropped: the widget sends none, another client's go nowhere.
    const session = await sessionWithEvents(2, 3);
    const result = await recordingOf(session.id);
    assert.deepEqual(
      result.data?.session.recording.events.map((event) => event.timestamp),
      [1004, 1005],
      'only what came after the join',
    );
    await gql(server.url, SETTINGS, { on: false }, { cookie: adminCookie });
  });
});
