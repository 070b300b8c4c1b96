import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { MAX_PACKED_BYTES, MAX_UNPACKED_BYTES, PACKED_EVENTS_TAG, type RecordedEvent, type StreamMessage } from '../protocol/index.ts';
import { isPackedEvents, packEvents, unpackAll, unpackEvents } from '../protocol/packed-events.ts';
import { readRecording } from '../server/recording/recording-writer.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const SETTINGS = 'mutation($on: Boolean!){ updateSiteSettings(input: { recordingEnabled: $on }){ recordingEnabled } }';

/** A page's first events: rrweb's Meta event and a full snapshot of `paragraphs` paragraphs. */
function firstEvents(href: string, paragraphs: number): RecordedEvent[] {
  const childNodes = Array.from({ length: paragraphs }, (_, i) => ({
    type: 2,
    id: i + 10,
    tagName: 'p',
    attributes: { class: 'line' },
    childNodes: [{ type: 3, id: 100_000 + i, textContent: `Line ${i} of the statement` }],
  }));
  return [
    { type: 4, data: { href, width: 1280, height: 800 }, timestamp: 1000 },
    { type: 2, data: { node: { type: 0, id: 1, childNodes }, initialOffset: { top: 0, left: 0 } }, timestamp: 1001 },
  ];
}

/** A packed event built by hand, to say what the widget never would. */
const packedEvent = (payload: Record<string, unknown>) => ({ type: 5, timestamp: 1, data: { tag: PACKED_EVENTS_TAG, payload } });

describe('packed event batches', () => {
  let server: TestServer;
  let agentCookie: string;

  before(async () => {
    server = await startTestServer();
    agentCookie = await signIn(server.url, 'agent@example.com');
    const adminCookie = await signIn(server.url, 'admin@example.com');
    await gql(server.url, SETTINGS, { on: true }, { cookie: adminCookie });
  });
  after(() => server.close());

  async function joinedSession() {
    const session = await startCustomerSession(server.url);
    await gql(server.url, JOIN, { code: session.code }, { cookie: agentCookie });
    const customer = wsClient(server.url, { customerToken: session.customerToken });
    const agent = wsClient(server.url, { cookie: agentCookie });
    return { session, customer, agent, dispose: () => Promise.all([customer.dispose(), agent.dispose()]) };
  }

  it('passes a packed batch to the agent unopened, audits its page and records it as it came', async () => {
    const { session, customer, agent, dispose } = await joinedSession();
    const events = firstEvents(`${server.url}/demo/packed?q=1#top`, 2000);
    const json = JSON.stringify(events);
    const packed = (await packEvents(events, json))!;
    assert.ok(packed.data.payload.data.length < json.length / 5, 'much smaller than the JSON');
    assert.equal(packed.data.payload.href, `${server.url}/demo/packed?q=1#top`, 'the Meta event’s address beside the data');

    const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    await agentStream.next((message) => message.type === 'session');
    const plain = { type: 3, data: { source: 1, positions: [{ x: 1, y: 2, id: 1, timeOffset: 0 }] }, timestamp: 1002 };
    const batches = [
      { seq: 1, sentAt: Date.now(), events: [packed] },
      { seq: 2, sentAt: Date.now(), events: [plain] },
    ];
    for (const batch of batches)
      assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch }), { data: { sendEvents: true } });
    const received = [];
    for (let i = 0; i < 2; i++) received.push(await agentStream.next((message) => message.type === 'events'));
    // This client left the query and fragment in the address beside the packed data (the widget
    // never does): the server strips them there, and passes the data itself on unopened.
    const stripped = { ...packed, data: { ...packed.data, payload: { ...packed.data.payload, href: `${server.url}/demo/packed` } } };
    assert.deepEqual(
      received.map((message) => message.type === 'events' && message.batch),
      [{ ...batches[0]!, events: [stripped] }, batches[1]],
      'both, in order, the packed data byte for byte',
    );
    assert.deepEqual(await unpackAll([packed, plain]), [...events, plain], 'what the agent inflates is what was recorded');

    await gql(server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agentCookie });
    await dispose();
    await server.deps.recordings.flush(session.id);
    const recorded = await readRecording(server.deps.db, session.id);
    assert.deepEqual(recorded, [stripped, plain], 'kept packed; the supervisor’s replay inflates it');
    const urls = (await pageVisits(session.id)).map((row) => (JSON.parse(row.data) as { url: string }).url);
    assert.deepEqual(urls, [`${server.url}/demo/packed`], 'the page from the address beside the packed data, without query or hash');
  });

  /** The session's page visits, once the durable audit queue has written them. */
  const pageVisits = (sessionId: string) =>
    waitFor(async () => {
      const rows = await server.deps.db.auditEvent.findMany({ where: { sessionId, type: 'PAGE_VISITED' } });
      return rows.length ? rows : null;
    }, 'the page visit in the audit trail');

  it('refuses an oversized, malformed or over-declared packed batch with a clear error, and keeps the socket usable', async () => {
    const { session, customer, dispose } = await joinedSession();
    const send = (event: unknown) => wsExecute(customer, SEND_EVENTS, { id: session.id, batch: { seq: 1, sentAt: 1, events: [event] } });
    const refusals: [unknown, RegExp][] = [
      [
        packedEvent({ encoding: 'deflate-raw', size: 10, data: 'A'.repeat(MAX_PACKED_BYTES + 4) }),
        /payload\.data: packed events over the \d+-byte limit/,
      ],
      [packedEvent({ encoding: 'deflate-raw', size: 10, data: 'not base64!' }), /payload\.data: malformed base64/],
      [packedEvent({ encoding: 'deflate-raw', size: 10, data: 'AAAA=AAA' }), /payload\.data: malformed base64/],
      [packedEvent({ encoding: 'deflate-raw', size: MAX_UNPACKED_BYTES + 1, data: 'AAAA' }), /payload\.size: expected an inflated size/],
      [packedEvent({ encoding: 'gzip', size: 10, data: 'AAAA' }), /payload\.encoding/],
      [packedEvent({ encoding: 'deflate-raw', size: 10, data: 'AAAA', script: 'x' }), /payload\.script: unknown field/],
    ];
    for (const [event, message] of refusals) {
      const result = await send(event);
      assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.match(result.errors![0]!.message, message);
    }
    const good = (await packEvents(firstEvents(`${server.url}/demo`, 5), JSON.stringify(firstEvents(`${server.url}/demo`, 5))))!;
    assert.deepEqual(await send(good), { data: { sendEvents: true } });
    await dispose();
  });
});

describe('inflating packed events', () => {
  it('refuses to inflate past the declared size (a decompression bomb) or past the cap, without inflating the rest', async () => {
    const bomb = deflateRawSync(Buffer.alloc(MAX_UNPACKED_BYTES + 1024 * 1024, '['));
    assert.ok(bomb.length < 100 * 1024);
    const data = bomb.toString('base64');
    await assert.rejects(unpackEvents({ encoding: 'deflate-raw', size: 1000, data }), /inflate beyond their declared 1000 bytes/);
    await assert.rejects(
      unpackEvents({ encoding: 'deflate-raw', size: MAX_UNPACKED_BYTES + 1, data }),
      /would inflate to \d+ bytes, over the \d+-byte limit/,
    );
    await assert.rejects(unpackEvents({ encoding: 'deflate-raw', size: 1000, data: 'no+base64' }));
    await assert.rejects(
      unpackEvents({ encoding: 'deflate-raw', size: 10, data: deflateRawSync('{"a":1}').toString('base64') }),
      /not a list/,
    );
    const events = firstEvents('https://shop.example/', 3);
    const packed = (await packEvents(events, JSON.stringify(events)))!;
    assert.ok(isPackedEvents(packed));
    assert.deepEqual(await unpackEvents(packed.data.payload), events);
  });
});
