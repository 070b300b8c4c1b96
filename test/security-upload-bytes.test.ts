import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { EventBatch, StreamMessage } from '../protocol/index.ts';
import { MAX_BATCH_BYTES } from '../protocol/index.ts';
import { StreamCloseCode } from '../protocol/close-codes.ts';
import { freshAddress } from './support/attack-clients.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect } from './support/graphql-client.ts';
import { freePort, startPrivateRedis } from './support/services.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { rawSocket } from './support/upload-socket.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * Upload frames bounded by bytes, not only by count: the address's budget is charged by a
 * frame's length before it is read, a socket's waiting bytes are capped, and one customer token
 * holds a few sockets at most. Real servers, real sockets, frames written by hand.
 */

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';

const batch = (seq: number): EventBatch => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 3, data: { source: 1, positions: [{ x: seq, y: 2, id: 1, timeOffset: 0 }] }, timestamp: Date.now() }],
});

/** A frame of `bytes` that is not JSON: reading it would fail at once, so only a charge made before reading can refuse it otherwise. */
const notJson = (bytes: number) => Buffer.alloc(bytes, 'x');

describe('upload bytes charged before a frame is read', () => {
  let server: TestServer;
  const BUDGET = 10 * 1024 * 1024;

  before(async () => {
    server = await startTestServer({ config: { uploadBytesPerAddressPerMinute: BUDGET } });
  });
  after(() => server.close());

  it('refuses a huge frame past the address’s byte budget without parsing it, and keeps the socket', async () => {
    const session = await startCustomerSession(server.url);
    const address = freshAddress();
    const customer = await rawSocket(server.url, { customerToken: session.customerToken, address });
    await customer.init();
    const huge = notJson(MAX_BATCH_BYTES - 1024); // two fit in the 10 MiB budget, the third does not
    for (let i = 0; i < 3; i++) customer.upload(huge);
    await waitFor(() => customer.errors().length === 3, 'an answer for each frame');
    assert.deepEqual(
      customer.errors().map((error) => error.extensions?.code),
      ['BAD_USER_INPUT', 'BAD_USER_INPUT', 'RATE_LIMITED'],
      'the first two were read (and were not JSON); the third was refused by its length alone',
    );
    assert.match(customer.errors()[2]!.message, /bytes from this address/);
    await waitFor(() => customer.acks().at(-1) === 3, 'all three counted as taken');
    assert.equal(customer.closed(), undefined, 'the socket stays open');

    // The budget is the address's: another address still has its own.
    const other = await rawSocket(server.url, { customerToken: session.customerToken, address: freshAddress() });
    await other.init();
    other.upload(huge);
    await waitFor(() => other.errors().length === 1, 'an answer');
    assert.equal(other.errors()[0]!.extensions?.code, 'BAD_USER_INPUT');
    customer.close();
    other.close();
  });
});

describe('upload bytes waiting per socket', () => {
  let server: TestServer;
  let redis: ChildProcess;
  let control: Redis;
  const WAITING = 2 * MAX_BATCH_BYTES;

  before(async () => {
    const port = await freePort();
    redis = await startPrivateRedis(port);
    control = new Redis(`redis://127.0.0.1:${port}`);
    server = await startTestServer({ config: { redisUrl: `redis://127.0.0.1:${port}`, maxUploadBytesWaitingPerSocket: WAITING } });
  });
  after(async () => {
    await server.close();
    control.disconnect();
    redis.kill();
  });

  it('closes a socket whose waiting frames pass the byte cap, while a well-behaved one on the same server keeps working', async () => {
    const agentCookie = await signIn(server.url, 'agent@example.com');
    const session = await startCustomerSession(server.url);
    await gql(server.url, JOIN, { code: session.code }, { cookie: agentCookie });
    const agent = wsClient(server.url, { cookie: agentCookie });
    const stream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    await stream.next((message) => message.type === 'session');
    const steady = await rawSocket(server.url, { customerToken: session.customerToken, address: freshAddress() });
    await steady.init();
    steady.upload(JSON.stringify(batch(1)));
    assert.equal((await stream.next((m) => m.type === 'events')).type, 'events');

    const flooder = await rawSocket(server.url, {
      customerToken: (await startCustomerSession(server.url)).customerToken,
      address: freshAddress(),
    });
    await flooder.init();
    // The shared counters stall (as a busy Redis would): the first frame's charge waits, the next ones queue behind it.
    await control.call('CLIENT', 'PAUSE', '20000', 'ALL');
    try {
      // Four 3 MiB frames: far fewer than the frame count allows, more bytes than the socket may hold.
      for (let i = 0; i < 4; i++) flooder.upload(notJson(3 * 1024 * 1024));
      await waitFor(() => flooder.closed(), 'the flooding socket closed');
      assert.equal(flooder.closed()!.code, StreamCloseCode.UPLOADS_FLOODED);
    } finally {
      await control.call('CLIENT', 'UNPAUSE');
    }

    assert.equal(steady.closed(), undefined, 'the well-behaved socket stays open');
    steady.upload(JSON.stringify(batch(2)));
    const next = await stream.next((m) => m.type === 'events');
    assert.equal(next.type === 'events' && next.batch.seq, 2);
    assert.deepEqual(steady.errors(), []);
    steady.close();
    await gql(server.url, EXIT, { id: session.id }, { cookie: agentCookie });
    await agent.dispose();
  });
});

describe('sockets per customer token', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ config: { maxSocketsPerCustomer: 2 } });
  });
  after(() => server.close());

  it('closes a customer’s socket past the cap with a retryable code, and admits one again once another closed', async () => {
    const session = await startCustomerSession(server.url);
    const open = async () => rawSocket(server.url, { customerToken: session.customerToken, address: freshAddress() });
    const first = await open();
    await first.init();
    const second = await open();
    await second.init();
    const third = await open();
    third.sendInit();
    await waitFor(() => third.closed(), 'the third socket closed');
    assert.equal(third.closed()!.code, StreamCloseCode.TOO_MANY_SOCKETS);
    assert.equal(third.acknowledged(), false, 'never admitted');

    // Another session's customer is counted apart.
    const other = await rawSocket(server.url, { customerToken: (await startCustomerSession(server.url)).customerToken });
    await other.init();

    first.close();
    await waitFor(() => first.closed(), 'the first socket closed');
    const again = await open();
    await again.init();
    assert.equal(second.closed(), undefined);
    for (const socket of [second, again, other]) socket.close();
  });
});
