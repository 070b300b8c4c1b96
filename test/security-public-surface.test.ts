import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MASKED_PAGE_EVENT_TAG, type EventBatch, type StreamMessage } from '../protocol/index.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { readConfig } from '../server/core/config.ts';
import { readRecording } from '../server/recording/recording-writer.ts';
import { freshAddress, httpGraphQL, wsConnect, type HttpAnswer } from './support/attack-clients.ts';
import { gql, signIn, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * Abuse of the public surface: guessing session codes, flooding anonymous calls, sending
 * into ended sessions, filling the audit trail or the recording store, leaking the start URL.
 * Real servers, real SQLite, real graphql-ws sockets; each client from a loopback address of its own.
 */

const START = 'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code url } } }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id status } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';

interface Started {
  id: string;
  code: string;
  url: string;
  customerToken: string;
}

const codeOf = (answer: HttpAnswer) => answer.json?.errors?.[0]?.extensions?.code;
const firstError = (answer: HttpAnswer) => answer.json?.errors?.[0];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a session as the widget on the server's own site would, from a given client address. */
async function startFrom(baseUrl: string, address: string, url = `${baseUrl}/demo`): Promise<Started> {
  const answer = await httpGraphQL(
    baseUrl,
    { query: START, variables: { input: { url, viewportWidth: 1280, viewportHeight: 800 } } },
    { address },
  );
  const started = answer.json?.data?.startSession as { customerToken: string; session: Omit<Started, 'customerToken'> } | undefined;
  if (!started) throw new Error(`start failed: ${answer.text}`);
  return { ...started.session, customerToken: started.customerToken };
}

const join = (baseUrl: string, code: string, cookie: string, address: string) =>
  httpGraphQL(baseUrl, { query: JOIN, variables: { code } }, { identity: { cookie }, address });

const exitAsCustomer = (baseUrl: string, session: Started) =>
  httpGraphQL(baseUrl, { query: EXIT, variables: { id: session.id } }, { identity: { customerToken: session.customerToken } });

/** A nine-digit code no session has (sessions draw theirs from 100000000–999999999 at random). */
let guesses = 0;
const wrongCode = () => String(100_000_000 + 7_919 * ++guesses);

/** An extra agent account, signed in. */
async function newAgent(server: TestServer, name: string): Promise<{ id: string; cookie: string }> {
  const email = `${name}-${randomBytes(4).toString('hex')}@example.com`;
  const user = await server.deps.db.user.create({
    data: { email, name, role: 'AGENT', passwordHash: await hashPassword('agent-password') },
  });
  return { id: user.id, cookie: await signIn(server.url, email, 'agent-password') };
}

const auditOf = (server: TestServer, sessionId: string) =>
  server.deps.db.auditEvent.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } });

const batchOf = (seq: number, events: EventBatch['events']): EventBatch => ({ seq, sentAt: Date.now(), events });
const mouseBatch = (seq: number) =>
  batchOf(seq, [{ type: 3, data: { source: 1, positions: [{ x: seq, y: seq, id: 1, timeOffset: 0 }] }, timestamp: Date.now() }]);

describe('session codes cannot be guessed or probed', () => {
  let server: TestServer;
  let url: string;

  before(async () => {
    server = await startTestServer({
      config: {
        joinFailuresPerAgent: 5,
        joinFailuresPerAddress: 8,
        joinLockoutSeconds: 60,
        waitingSessionTtlSeconds: 3,
        waitingSessionSweepSeconds: 3600, // only joins see expiry here; the sweep has its own suite
      },
    });
    url = server.url;
  });
  after(() => server.close());

  it('gives one answer for unknown, ended, taken and expired codes, and audits refusals in the session the code belongs to', async () => {
    const prober = await newAgent(server, 'prober');
    const holder = await newAgent(server, 'holder');
    const address = freshAddress();

    const expired = await startFrom(url, freshAddress());
    const ended = await startFrom(url, freshAddress());
    await exitAsCustomer(url, ended);
    const taken = await startFrom(url, freshAddress());
    assert.equal(codeOf(await join(url, taken.code, holder.cookie, freshAddress())), undefined);

    const unknownAnswer = await join(url, wrongCode(), prober.cookie, address);
    const endedAnswer = await join(url, ended.code, prober.cookie, address);
    const takenAnswer = await join(url, taken.code, prober.cookie, address);
    await sleep(3300); // the waiting time under test: past the 3 s a session may wait for an agent
    const expiredAnswer = await join(url, expired.code, prober.cookie, address);

    const answers = [unknownAnswer, endedAnswer, takenAnswer, expiredAnswer];
    for (const answer of answers) {
      assert.equal(codeOf(answer), 'SESSION_UNAVAILABLE', answer.text);
      assert.equal(answer.status, answers[0]!.status);
    }
    assert.equal(new Set(answers.map((answer) => firstError(answer)?.message)).size, 1, 'one message for every reason');

    // The caller's own state and a malformed code keep their own answers.
    assert.equal(codeOf(await join(url, (await startFrom(url, freshAddress())).code, holder.cookie, freshAddress())), 'AGENT_BUSY');
    assert.equal(codeOf(await join(url, '12ab', prober.cookie, address)), 'BAD_USER_INPUT');

    // Each refusal is in the trail of the session whose code was used, by the agent who tried.
    for (const [session, reason] of [
      [ended, 'ended'],
      [taken, 'taken'],
      [expired, 'expired'],
    ] as const) {
      const refused = await waitFor(
        async () => (await auditOf(server, session.id)).find((row) => row.type === 'JOIN_REFUSED'),
        `JOIN_REFUSED in the ${reason} session`,
      );
      assert.equal(refused.actorKind, 'AGENT');
      assert.equal(refused.actorId, prober.id);
      assert.deepEqual(JSON.parse(refused.data), { agentId: prober.id, reason });
    }
    const everywhere = await server.deps.db.auditEvent.findMany({ where: { type: 'JOIN_REFUSED', actorId: prober.id } });
    assert.equal(everywhere.length, 3, 'the unknown code left no row in any session');

    // The expired session is ended on the spot, as `expired`, and its customer is told.
    const row = await waitFor(async () => {
      const found = await server.deps.db.session.findUnique({ where: { id: expired.id } });
      return found?.status === 'ENDED' ? found : null;
    }, 'the expired session to end');
    assert.equal(row.endReason, 'expired');
    assert.equal(row.endedBy, 'SYSTEM');
    const endedRow = (await auditOf(server, expired.id)).find((event) => event.type === 'SESSION_ENDED');
    assert.deepEqual(JSON.parse(endedRow!.data), { by: 'SYSTEM', reason: 'expired' });
    await httpGraphQL(url, { query: EXIT, variables: { id: taken.id } }, { identity: { cookie: holder.cookie } });
  });

  it('locks out an agent guessing codes, while another agent elsewhere joins with the right code', async () => {
    const guesser = await signIn(url, 'agent@example.com');
    const other = await signIn(url, 'agent2@example.com');
    const guesserAddress = freshAddress();
    for (let attempt = 1; attempt <= 5; attempt++) {
      assert.equal(codeOf(await join(url, wrongCode(), guesser, guesserAddress)), 'SESSION_UNAVAILABLE', `attempt ${attempt}`);
    }
    const limited = await join(url, wrongCode(), guesser, guesserAddress);
    assert.equal(codeOf(limited), 'RATE_LIMITED');
    assert.equal(limited.status, 429);
    const retryAfter = firstError(limited)?.extensions?.retryAfterSeconds as number;
    assert.ok(retryAfter > 0 && retryAfter <= 60, `retryAfterSeconds ${retryAfter}`);

    const session = await startFrom(url, freshAddress());
    // Locked out: even the right code, and from another address, is refused for now.
    assert.equal(codeOf(await join(url, session.code, guesser, guesserAddress)), 'RATE_LIMITED');
    assert.equal(codeOf(await join(url, session.code, guesser, freshAddress())), 'RATE_LIMITED');
    assert.equal((await server.deps.db.session.findUnique({ where: { id: session.id } }))?.status, 'WAITING');

    const joined = await join(url, session.code, other, freshAddress());
    assert.equal(codeOf(joined), undefined, joined.text);
    assert.equal((joined.json?.data?.joinSession as { status: string }).status, 'ACTIVE');
    await httpGraphQL(url, { query: EXIT, variables: { id: session.id } }, { identity: { cookie: other } });
  });

  it('locks out an address that many agents guess from', async () => {
    const [first, second] = [await newAgent(server, 'office-a'), await newAgent(server, 'office-b')];
    const office = freshAddress();
    for (let attempt = 1; attempt <= 4; attempt++) {
      assert.equal(codeOf(await join(url, wrongCode(), first.cookie, office)), 'SESSION_UNAVAILABLE');
      assert.equal(codeOf(await join(url, wrongCode(), second.cookie, office)), 'SESSION_UNAVAILABLE');
    }
    // The address's ninth failure passes its 8; the second agent's own count (5) is still allowed.
    assert.equal(codeOf(await join(url, wrongCode(), second.cookie, office)), 'RATE_LIMITED');

    const session = await startFrom(url, freshAddress());
    assert.equal(codeOf(await join(url, session.code, first.cookie, office)), 'RATE_LIMITED', 'the address is locked out');
    const elsewhere = await join(url, session.code, first.cookie, freshAddress());
    assert.equal(codeOf(elsewhere), undefined, `the agent is not: ${elsewhere.text}`);
    await httpGraphQL(url, { query: EXIT, variables: { id: session.id } }, { identity: { cookie: first.cookie } });
  });
});

describe('waiting sessions expire', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ config: { waitingSessionTtlSeconds: 2, waitingSessionSweepSeconds: 1 } });
  });
  after(() => server.close());

  it('ends a session no agent joined in time, audited, and tells the customer; a joined one stays', async () => {
    const agent = await signIn(server.url, 'agent@example.com');
    const waiting = await startFrom(server.url, '127.0.0.1');
    const joinedInTime = await startFrom(server.url, '127.0.0.1');
    assert.equal(codeOf(await join(server.url, joinedInTime.code, agent, '127.0.0.1')), undefined);

    const customer = wsConnect(server.url, { identity: { customerToken: waiting.customerToken } });
    const stream = wsCollect<StreamMessage>(customer, STREAM, { id: waiting.id });
    const ended = await stream.next((message) => message.type === 'session' && message.event === 'ended', 10_000);
    assert.ok(ended.type === 'session' && ended.session.endReason === 'expired' && ended.session.endedBy === 'SYSTEM');

    const rows = await auditOf(server, waiting.id);
    assert.deepEqual(
      rows.map((row) => [row.type, row.actorKind]),
      [
        ['SESSION_STARTED', 'CUSTOMER'],
        ['SESSION_ENDED', 'SYSTEM'],
      ],
    );
    assert.deepEqual(JSON.parse(rows[1]!.data), { by: 'SYSTEM', reason: 'expired' });
    assert.equal((await server.deps.db.session.findUnique({ where: { id: joinedInTime.id } }))?.status, 'ACTIVE');
    assert.equal(
      codeOf(await join(server.url, waiting.code, await signIn(server.url, 'agent2@example.com'), '127.0.0.1')),
      'SESSION_UNAVAILABLE',
    );
    await customer.dispose();
    await httpGraphQL(server.url, { query: EXIT, variables: { id: joinedInTime.id } }, { identity: { cookie: agent } });
  });
});

describe('anonymous calls are throttled and kept to open sessions on allowed sites', () => {
  let server: TestServer;
  let url: string;
  const SHOP = 'https://shop.example';

  before(async () => {
    server = await startTestServer({
      config: {
        startSessionsPerAddressPerMinute: 3,
        sendEventsPerAddressPerMinute: 30,
        recordingMaxBytesPerSession: 4096,
        allowedOrigins: [SHOP],
      },
    });
    url = server.url;
  });
  after(() => server.close());

  it('keeps the defaults far above a normal session (30 batches a second)', () => {
    const defaults = readConfig({});
    assert.ok(defaults.sendEventsPerAddressPerMinute >= 3 * 30 * 60, 'three customers behind one address at full rate');
    assert.equal(defaults.startSessionsPerAddressPerMinute, 20);
    assert.equal(defaults.waitingSessionTtlSeconds, 600);
  });

  it('limits session starts per address', async () => {
    const busy = freshAddress();
    for (let i = 0; i < 3; i++) await startFrom(url, busy);
    const refused = await httpGraphQL(
      url,
      { query: START, variables: { input: { url: `${url}/demo`, viewportWidth: 800, viewportHeight: 600 } } },
      { address: busy },
    );
    assert.equal(codeOf(refused), 'RATE_LIMITED');
    assert.equal(refused.status, 429);
    assert.ok((firstError(refused)?.extensions?.retryAfterSeconds as number) > 0);
    await startFrom(url, freshAddress()); // another address is not affected
  });

  it('limits event batches per address, not the session next door', async () => {
    const session = await startFrom(url, freshAddress());
    const neighbour = await startFrom(url, freshAddress());
    const customer = wsConnect(url, { identity: { customerToken: session.customerToken }, address: freshAddress() });
    const other = wsConnect(url, { identity: { customerToken: neighbour.customerToken }, address: freshAddress() });
    for (let seq = 1; seq <= 30; seq++) {
      assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: mouseBatch(seq) }), { data: { sendEvents: true } });
    }
    const refused = await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: mouseBatch(31) });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.deepEqual(await wsExecute(other, SEND_EVENTS, { id: neighbour.id, batch: mouseBatch(1) }), { data: { sendEvents: true } });
    await Promise.all([customer.dispose(), other.dispose()]);
  });

  it('takes batches while waiting, active or paused, and refuses them once the session ended', async () => {
    const session = await startFrom(url, freshAddress());
    const customer = wsConnect(url, { identity: { customerToken: session.customerToken }, address: freshAddress() });
    const stream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id }); // as the widget follows its stream
    assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: mouseBatch(1) }), { data: { sendEvents: true } });
    // Paused while the customer is off the site, until they come back — with a batch.
    await server.deps.db.session.update({ where: { id: session.id }, data: { status: 'PAUSED' } });
    const overHttp = (seq: number) =>
      httpGraphQL(
        url,
        { query: SEND_EVENTS, variables: { id: session.id, batch: mouseBatch(seq) } },
        { identity: { customerToken: session.customerToken }, address: freshAddress() },
      );
    assert.equal(codeOf(await overHttp(2)), undefined);

    assert.equal(codeOf(await exitAsCustomer(url, session)), undefined);
    assert.equal(codeOf(await overHttp(3)), 'SESSION_ENDED');
    // The socket read the status as open moments ago; the end on its own stream is what refuses it.
    await stream.next((message) => message.type === 'session' && message.event === 'ended');
    const late = await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: mouseBatch(4) });
    assert.equal(late.errors?.[0]?.extensions?.code, 'SESSION_ENDED');
    await customer.dispose();
  });

  it('audits page visits on allowed sites only', async () => {
    const session = await startFrom(url, freshAddress());
    const agent = await newAgent(server, 'visits');
    assert.equal(codeOf(await join(url, session.code, agent.cookie, freshAddress())), undefined); // a waiting session's pages are not taken
    const customer = wsConnect(url, { identity: { customerToken: session.customerToken }, address: freshAddress() });
    const meta = (href: string) => ({ type: 4, data: { href, width: 800, height: 600 }, timestamp: Date.now() });
    const hidden = (href: string) => ({ type: 5, data: { tag: MASKED_PAGE_EVENT_TAG, payload: { href } }, timestamp: Date.now() });
    const pages = [
      meta('https://evil.example/offensive-words'),
      hidden('http://169.254.169.254/latest/meta-data'),
      meta(`${SHOP}/cart?coupon=x`),
      meta(`${url}/demo/after#top`),
    ];
    for (const [index, event] of pages.entries()) {
      assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: batchOf(index + 1, [event]) }), {
        data: { sendEvents: true },
      });
    }
    const visits = async () => (await auditOf(server, session.id)).filter((row) => row.type === 'PAGE_VISITED');
    await waitFor(async () => (await visits()).length >= 2, 'the allowed visits');
    await server.deps.audit.drain();
    assert.deepEqual(
      (await visits()).map((row) => JSON.parse(row.data) as unknown),
      [
        { url: `${SHOP}/cart`, hidden: false },
        { url: `${url}/demo/after`, hidden: false },
      ],
    );
    await customer.dispose();
  });

  it('stops recording a session at its byte cap, once audited, while the agent still gets every batch', async () => {
    const admin = await signIn(url, 'admin@example.com');
    const settings = 'mutation($on: Boolean!){ updateSiteSettings(input: { recordingEnabled: $on }){ recordingEnabled } }';
    assert.ok((await gql(url, settings, { on: true }, { cookie: admin })).data);
    try {
      const agentCookie = await signIn(url, 'agent@example.com');
      const session = await startFrom(url, freshAddress());
      assert.equal(codeOf(await join(url, session.code, agentCookie, freshAddress())), undefined);
      const agent = wsConnect(url, { identity: { cookie: agentCookie } });
      const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
      await agentStream.next((message) => message.type === 'session');
      const customer = wsConnect(url, { identity: { customerToken: session.customerToken }, address: freshAddress() });

      // About 1.3 KB gzipped per batch (random text does not compress): the 4 KB cap takes three.
      const bulky = (seq: number) =>
        batchOf(seq, [{ type: 5, data: { tag: 'note', payload: randomBytes(1000).toString('base64') }, timestamp: 1000 + seq }]);
      for (let seq = 1; seq <= 6; seq++) {
        assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: bulky(seq) }), { data: { sendEvents: true } });
        await agentStream.next((message) => message.type === 'events' && message.batch.seq === seq);
        await server.deps.recordings.flush(session.id);
      }

      const row = await server.deps.db.session.findUniqueOrThrow({ where: { id: session.id } });
      assert.ok(row.recordedBytes > 0 && row.recordedBytes <= 4096, `recordedBytes ${row.recordedBytes}`);
      const kept = (await readRecording(server.deps.db, session.id)).map((event) => event.timestamp);
      assert.ok(kept.length >= 2 && kept.length < 6, `kept ${kept.length} of 6 batches`);
      assert.deepEqual(
        kept,
        kept.map((_, index) => 1001 + index),
        'the recording is the start of the session, unbroken',
      );
      const capped = (await auditOf(server, session.id)).filter((event) => event.type === 'RECORDING_CAPPED');
      assert.equal(capped.length, 1);
      assert.deepEqual(JSON.parse(capped[0]!.data), { limit: 'session', maxBytes: 4096 });
      assert.equal(capped[0]!.actorKind, 'SYSTEM');
      // A batch after the cap still reaches the agent; its flush, awaited, is where a second note would be written.
      assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: bulky(7) }), { data: { sendEvents: true } });
      await agentStream.next((message) => message.type === 'events' && message.batch.seq === 7);
      await server.deps.recordings.flush(session.id);
      assert.equal((await auditOf(server, session.id)).filter((event) => event.type === 'RECORDING_CAPPED').length, 1, 'audited once');
      await Promise.all([customer.dispose(), agent.dispose()]);
    } finally {
      await gql(url, settings, { on: false }, { cookie: admin });
    }
  });

  it('never stores or shows the start URL’s query string and fragment', async () => {
    const secretUrl = `${url}/demo/checkout?reset-token=SECRET-QUERY-1234&email=jane%40example.com#FRAGMENT-PRIVATE`;
    const session = await startFrom(url, freshAddress(), secretUrl);
    assert.equal(session.url, `${url}/demo/checkout`);
    const row = await server.deps.db.session.findUniqueOrThrow({ where: { id: session.id } });
    assert.equal(row.url, `${url}/demo/checkout`);
    const started = (await auditOf(server, session.id)).find((event) => event.type === 'SESSION_STARTED');
    assert.deepEqual(JSON.parse(started!.data), { origin: url, url: `${url}/demo/checkout` });
    const stored = JSON.stringify([row, await auditOf(server, session.id)]);
    for (const secret of ['SECRET-QUERY', 'jane', 'FRAGMENT-PRIVATE']) assert.ok(!stored.includes(secret), `${secret} was stored`);
  });
});
