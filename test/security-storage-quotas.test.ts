import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'graphql-ws';
import { MASKED_PAGE_EVENT_TAG, type EventBatch } from '../protocol/index.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { freshAddress, httpGraphQL, wsConnect, type HttpAnswer } from './support/attack-clients.ts';
import { gql, signIn, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * What anonymous callers can make the server store: recordings counted before compression, page
 * visits per session, sessions and recording bytes per address and per site origin each hour, and
 * the site's total. Real servers, real SQLite, real graphql-ws sockets; each client from a
 * loopback address of its own.
 */

const START = 'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code } } }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const RECORDING = 'mutation($on: Boolean!){ updateSiteSettings(input: { recordingEnabled: $on }){ recordingEnabled } }';
const SHOP = 'https://shop.example';
const OUTLET = 'https://outlet.example';

const gunzipAsync = promisify(gunzip);
const codeOf = (answer: HttpAnswer) => answer.json?.errors?.[0]?.extensions?.code;

interface Started {
  id: string;
  code: string;
  customerToken: string;
}

const startAnswer = (server: TestServer, address: string, origin = server.url) =>
  httpGraphQL(
    server.url,
    { query: START, variables: { input: { url: `${origin}/cart`, viewportWidth: 1280, viewportHeight: 800 } } },
    { address, origin },
  );

async function startFrom(server: TestServer, address: string, origin = server.url): Promise<Started> {
  const answer = await startAnswer(server, address, origin);
  const started = answer.json?.data?.startSession as { customerToken: string; session: { id: string; code: string } } | undefined;
  if (!started) throw new Error(`start failed: ${answer.text}`);
  return { ...started.session, customerToken: started.customerToken };
}

/** About 16 KB of JSON that gzip turns into a few dozen bytes. */
const compressible = (seq: number): EventBatch => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 5, data: { tag: 'note', payload: 'a'.repeat(16_000) }, timestamp: 1000 + seq }],
});
const BATCH_BYTES = Buffer.byteLength(JSON.stringify(compressible(1).events));

let agents = 0;
/** Joins a session as an agent of its own (an agent holds one session at a time). */
async function joinAsNewAgent(server: TestServer, code: string): Promise<void> {
  const email = `quota-agent-${++agents}@example.com`;
  await server.deps.db.user.create({
    data: { email, name: `Agent ${agents}`, role: 'AGENT', passwordHash: await hashPassword('agent-password') },
  });
  const joined = await gql(server.url, JOIN, { code }, { cookie: await signIn(server.url, email, 'agent-password') });
  assert.ok(joined.data, JSON.stringify(joined.errors));
}

/** A session started from `address` (and `origin`), joined by an agent, its customer's socket open from the same address. */
async function recordedSession(server: TestServer, address: string, origin = server.url) {
  const session = await startFrom(server, address, origin);
  await joinAsNewAgent(server, session.code);
  const customer = wsConnect(server.url, { identity: { customerToken: session.customerToken }, address });
  return { session, customer };
}

/** Sends batches one by one, each stored as its own chunk before the next. */
async function sendAndStore(server: TestServer, customer: Client, sessionId: string, seqs: number[]) {
  for (const seq of seqs) {
    assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: sessionId, batch: compressible(seq) }), { data: { sendEvents: true } });
    await server.deps.recordings.flush(sessionId);
  }
}

/** What the database holds of a session's recording: its counter, the stored events' bytes once inflated, and which batches. */
async function stored(server: TestServer, sessionId: string) {
  const row = await server.deps.db.session.findUniqueOrThrow({ where: { id: sessionId }, select: { recordedBytes: true } });
  const chunks = await server.deps.db.recordingChunk.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } });
  const inflated = await Promise.all(chunks.map(async (chunk) => (await gunzipAsync(chunk.data)).toString('utf8')));
  const events = inflated.flatMap((json) => JSON.parse(json) as { timestamp: number }[]);
  return {
    counted: row.recordedBytes,
    inflatedBytes: inflated.reduce((sum, json) => sum + Buffer.byteLength(json), 0),
    compressedBytes: chunks.reduce((sum, chunk) => sum + chunk.data.length, 0),
    seqs: events.map((event) => event.timestamp - 1000),
  };
}

const cappedRows = async (server: TestServer, sessionId: string) =>
  (await server.deps.db.auditEvent.findMany({ where: { sessionId, type: 'RECORDING_CAPPED' } })).map(
    (row) => JSON.parse(row.data) as unknown,
  );

async function withRecording(server: TestServer, run: () => Promise<void>) {
  const admin = await signIn(server.url, 'admin@example.com');
  assert.ok((await gql(server.url, RECORDING, { on: true }, { cookie: admin })).data);
  try {
    await run();
  } finally {
    await gql(server.url, RECORDING, { on: false }, { cookie: admin });
  }
}

describe('a session’s recording and page visits are capped', () => {
  let server: TestServer;
  const CAP = 64 * 1024;
  const ADDRESS_HOURLY = 100 * 1024;

  before(async () => {
    server = await startTestServer({
      config: { recordingMaxBytesPerSession: CAP, recordingBytesPerAddressPerHour: ADDRESS_HOURLY, maxPageVisitsPerSession: 3 },
    });
  });
  after(() => server.close());

  it('counts a highly compressible stream by its uncompressed bytes, and stops it at the cap', async () => {
    await withRecording(server, async () => {
      const address = freshAddress();
      const { session, customer } = await recordedSession(server, address);
      await sendAndStore(server, customer, session.id, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const kept = await stored(server, session.id);
      assert.ok(kept.compressedBytes < CAP / 20, `gzip shrinks the stream (${kept.compressedBytes} bytes stored)`);
      assert.deepEqual(kept.seqs, [1, 2, 3, 4], `${BATCH_BYTES}-byte batches: four fit in ${CAP} bytes`);
      assert.equal(kept.counted, kept.inflatedBytes, 'the counter is the stored events’ uncompressed bytes');
      assert.ok(kept.inflatedBytes <= CAP);
      assert.deepEqual(await cappedRows(server, session.id), [{ limit: 'session', maxBytes: CAP }]);

      // The chunk the session's cap refused is not charged to the address's hour: two more batches fit in it.
      const next = await recordedSession(server, address);
      await sendAndStore(server, next.customer, next.session.id, [1, 2]);
      assert.deepEqual((await stored(server, next.session.id)).seqs, [1, 2]);
      await Promise.all([customer.dispose(), next.customer.dispose()]);
    });
  });

  it('stops recording the sessions of an address past its hourly bytes, and not those of another address', async () => {
    await withRecording(server, async () => {
      const busy = freshAddress();
      const first = await recordedSession(server, busy);
      await sendAndStore(server, first.customer, first.session.id, [1, 2, 3]);
      const second = await recordedSession(server, busy);
      await sendAndStore(server, second.customer, second.session.id, [1, 2, 3, 4, 5]);
      assert.deepEqual((await stored(server, first.session.id)).seqs, [1, 2, 3]);
      // 3 + 3 batches fit in the address's hour; the 7th would not, though its session is under its own cap.
      assert.deepEqual((await stored(server, second.session.id)).seqs, [1, 2, 3]);
      assert.deepEqual(await cappedRows(server, second.session.id), [{ limit: 'address-hourly', maxBytes: ADDRESS_HOURLY }]);

      const elsewhere = await recordedSession(server, freshAddress());
      await sendAndStore(server, elsewhere.customer, elsewhere.session.id, [1, 2]);
      assert.deepEqual((await stored(server, elsewhere.session.id)).seqs, [1, 2]);
      assert.deepEqual(await cappedRows(server, elsewhere.session.id), []);
      await Promise.all([first.customer.dispose(), second.customer.dispose(), elsewhere.customer.dispose()]);
    });
  });

  it('audits a session’s first page visits, then one "limit reached" row, then none', async () => {
    const session = await startFrom(server, freshAddress());
    await joinAsNewAgent(server, session.code);
    const meta = (path: string) => ({ type: 4, data: { href: `${server.url}${path}`, width: 800, height: 600 }, timestamp: Date.now() });
    const send = async (customer: Client, seq: number, event: EventBatch['events'][number]) =>
      assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: { seq, sentAt: Date.now(), events: [event] } }), {
        data: { sendEvents: true },
      });
    const rows = async (type: string) => server.deps.db.auditEvent.findMany({ where: { sessionId: session.id, type } });

    let customer = wsConnect(server.url, { identity: { customerToken: session.customerToken }, address: freshAddress() });
    for (let page = 1; page <= 5; page++) await send(customer, page, meta(`/demo/page-${page}`));
    await waitFor(async () => (await rows('PAGE_VISITS_CAPPED')).length === 1, 'the limit-reached row');
    await customer.dispose();

    // A new connection does not start counting again; a hidden page still pauses the session, and
    // its pause row, written after the visit would be, shows that the visit was not.
    customer = wsConnect(server.url, { identity: { customerToken: session.customerToken }, address: freshAddress() });
    await send(customer, 1, meta('/demo/page-6'));
    await send(customer, 2, {
      type: 5,
      data: { tag: MASKED_PAGE_EVENT_TAG, payload: { href: `${server.url}/demo/private` } },
      timestamp: Date.now(),
    });
    await waitFor(async () => (await rows('SESSION_PAUSED')).length === 1, 'the pause');
    assert.deepEqual(
      (await rows('PAGE_VISITED')).map((row) => (JSON.parse(row.data) as { url: string }).url),
      [1, 2, 3].map((page) => `${server.url}/demo/page-${page}`),
    );
    assert.deepEqual(
      (await rows('PAGE_VISITS_CAPPED')).map((row) => JSON.parse(row.data) as unknown),
      [{ limit: 3 }],
    );
    await customer.dispose();
  });
});

describe('recording bytes are capped per site origin each hour and in total', () => {
  let server: TestServer;
  const ORIGIN_HOURLY = 40 * 1024;
  const SITE_TOTAL = 80 * 1024;

  before(async () => {
    server = await startTestServer({
      config: { allowedOrigins: [SHOP, OUTLET], recordingBytesPerOriginPerHour: ORIGIN_HOURLY, recordingMaxBytesPerSite: SITE_TOTAL },
    });
  });
  after(() => server.close());

  it('stops the sessions of an origin past its hour, then every session once the site holds its total', async () => {
    await withRecording(server, async () => {
      const first = await recordedSession(server, freshAddress(), SHOP);
      await sendAndStore(server, first.customer, first.session.id, [1, 2, 3]);
      assert.deepEqual((await stored(server, first.session.id)).seqs, [1, 2], `${BATCH_BYTES}-byte batches: two fit in the origin’s hour`);
      assert.deepEqual(await cappedRows(server, first.session.id), [{ limit: 'origin-hourly', maxBytes: ORIGIN_HOURLY }]);
      const second = await recordedSession(server, freshAddress(), SHOP);
      await sendAndStore(server, second.customer, second.session.id, [1]);
      assert.deepEqual((await stored(server, second.session.id)).seqs, [], 'another address on the same origin');
      assert.deepEqual(await cappedRows(server, second.session.id), [{ limit: 'origin-hourly', maxBytes: ORIGIN_HOURLY }]);

      // Another origin has an hour of its own, and the site's total counts every origin's sessions.
      const outlet = await recordedSession(server, freshAddress(), OUTLET);
      await sendAndStore(server, outlet.customer, outlet.session.id, [1, 2]);
      assert.deepEqual((await stored(server, outlet.session.id)).seqs, [1, 2]);
      const own = await recordedSession(server, freshAddress());
      await sendAndStore(server, own.customer, own.session.id, [1, 2, 3]);
      assert.deepEqual((await stored(server, own.session.id)).seqs, [1], 'five batches fit in the site’s total');
      assert.deepEqual(await cappedRows(server, own.session.id), [{ limit: 'site-total', maxBytes: SITE_TOTAL }]);
      const total = await server.deps.db.session.aggregate({ _sum: { recordedBytes: true } });
      assert.ok(Number(total._sum.recordedBytes) <= SITE_TOTAL, `${total._sum.recordedBytes} bytes stored on the site`);

      const later = await recordedSession(server, freshAddress());
      await sendAndStore(server, later.customer, later.session.id, [1]);
      assert.deepEqual((await stored(server, later.session.id)).seqs, []);
      assert.deepEqual(await cappedRows(server, later.session.id), [{ limit: 'site-total', maxBytes: SITE_TOTAL }]);
      const clients = [first, second, outlet, own, later].map(({ customer }) => customer.dispose());
      await Promise.all(clients);
    });
  });
});

describe('sessions started per address and per site origin each hour', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      config: { allowedOrigins: [SHOP, OUTLET], sessionStartsPerAddressPerHour: 3, sessionStartsPerOriginPerHour: 4 },
    });
  });
  after(() => server.close());

  it('refuses an address’s session past its hourly quota, with when to try again; another address still starts', async () => {
    const busy = freshAddress();
    for (let i = 0; i < 3; i++) await startFrom(server, busy);
    const refused = await startAnswer(server, busy);
    assert.equal(codeOf(refused), 'RATE_LIMITED');
    assert.match(String(refused.json?.errors?.[0]?.message), /this address this hour/);
    assert.ok(Number(refused.json?.errors?.[0]?.extensions?.retryAfterSeconds) > 60, 'try again within the hour, not the minute');
    await startFrom(server, freshAddress());
  });

  it('refuses an origin’s session past its hourly quota, from any address; another origin still starts', async () => {
    for (let i = 0; i < 4; i++) await startFrom(server, freshAddress(), SHOP);
    const refused = await startAnswer(server, freshAddress(), SHOP);
    assert.equal(codeOf(refused), 'RATE_LIMITED');
    assert.match(String(refused.json?.errors?.[0]?.message), /This site started too many/);
    await startFrom(server, freshAddress(), OUTLET);
    assert.equal(await server.deps.db.session.count({ where: { origin: SHOP } }), 4);
  });
});
