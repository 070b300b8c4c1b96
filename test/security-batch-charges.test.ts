import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { EventBatch } from '../protocol/index.ts';
import { batchesPerCharge, MAX_BATCHES_PER_CHARGE } from '../graphql/schema/stream/customer-batch-guard.ts';
import { freshAddress, httpGraphQL, wsConnect } from './support/attack-clients.ts';
import { wsCollect, wsExecute } from './support/graphql-client.ts';
import { REDIS_URL } from './support/services.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * A customer's batches are charged to its address in groups, so that with several instances the
 * shared counter in Redis is touched once per group, not 30 times a second per customer — and the
 * budget still holds to the batch. Real server, real Redis, real sockets.
 */

const START = 'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id } } }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const PER_MINUTE = 120; // two batches per charge
const PREFIX = `batch-charges-${process.pid}`;

const batch = (seq: number): EventBatch => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 3, data: { source: 1, positions: [{ x: seq, y: 1, id: 1, timeOffset: 0 }] }, timestamp: Date.now() }],
});

describe('event batches are charged to their address in groups', () => {
  let server: TestServer;
  let redis: Redis;
  before(async () => {
    server = await startTestServer({
      config: { sendEventsPerAddressPerMinute: PER_MINUTE, redisUrl: REDIS_URL, redisPrefix: PREFIX },
    });
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    await server.close();
    await redis.quit();
  });

  async function customerFrom(address: string) {
    const answer = await httpGraphQL(
      server.url,
      { query: START, variables: { input: { url: `${server.url}/demo`, viewportWidth: 800, viewportHeight: 600 } } },
      { address },
    );
    const started = answer.json?.data?.startSession as { customerToken: string; session: { id: string } };
    return { id: started.session.id, token: started.customerToken };
  }
  /** The customer's socket, held open on its stream as the widget holds it (one connection, one credit). */
  async function socketOf(session: { id: string; token: string }, address: string) {
    const socket = wsConnect(server.url, { identity: { customerToken: session.token }, address });
    await wsCollect(socket, STREAM, { id: session.id }).next(() => true);
    return socket;
  }
  const charged = async (address: string) => Number(await redis.get(`${PREFIX}:rl:send-events-address:${address}`));

  it('charges a busy socket once per group, never more than a minute’s budget at once', async () => {
    assert.equal(batchesPerCharge(30), 1, 'a small budget is charged batch by batch');
    assert.equal(batchesPerCharge(PER_MINUTE), 2);
    assert.equal(batchesPerCharge(10_000), MAX_BATCHES_PER_CHARGE);
    const address = freshAddress();
    const session = await customerFrom(address);
    const socket = await socketOf(session, address);
    for (let seq = 1; seq <= 3; seq++)
      assert.deepEqual(await wsExecute(socket, SEND_EVENTS, { id: session.id, batch: batch(seq) }), { data: { sendEvents: true } });
    assert.equal(await charged(address), 4, 'three batches: two charges of two');
    // Over HTTP nothing outlives the request: a batch there pays for itself alone.
    const overHttp = await httpGraphQL(
      server.url,
      { query: SEND_EVENTS, variables: { id: session.id, batch: batch(4) } },
      { identity: { customerToken: session.token }, address },
    );
    assert.equal(overHttp.json?.errors, undefined);
    assert.equal(await charged(address), 5);
    await socket.dispose();
  });

  it('still refuses the first batch over the budget', async () => {
    const address = freshAddress();
    const session = await customerFrom(address);
    const socket = await socketOf(session, address);
    for (let seq = 1; seq <= PER_MINUTE; seq++)
      assert.deepEqual(await wsExecute(socket, SEND_EVENTS, { id: session.id, batch: batch(seq) }), { data: { sendEvents: true } });
    const refused = await wsExecute(socket, SEND_EVENTS, { id: session.id, batch: batch(PER_MINUTE + 1) });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    await socket.dispose();
  });
});
