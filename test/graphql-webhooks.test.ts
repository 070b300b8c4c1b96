import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { isPrivateAddress } from '../server/webhooks/target-address.ts';
import { MAX_WEBHOOK_URL_LENGTH } from '../server/webhooks/webhook-url.ts';
import { errorCode, gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './support/webhook-receiver.ts';

const CREATE =
  'mutation($input: CreateWebhookEndpointInput!){ createWebhookEndpoint(input: $input){ secret endpoint { id url events enabled secretPrefix } } }';
const LIST = '{ webhookEndpoints { id url events enabled } }';
const PING = 'mutation($id: ID!){ pingWebhookEndpoint(id: $id){ id event status } }';
const UPDATE = 'mutation($id: ID!, $enabled: Boolean){ updateWebhookEndpoint(id: $id, enabled: $enabled){ id enabled } }';
const DELETE = 'mutation($id: ID!){ deleteWebhookEndpoint(id: $id){ id } }';
const DELIVERIES =
  'query($id: ID!){ webhookDeliveries(endpointId: $id){ id eventId event status attempts nextAttemptAt lastStatusCode lastError responseExcerpt deliveredAt } }';
const ALL_EVENTS = [
  'SESSION_STARTED',
  'SESSION_AGENT_JOINED',
  'SESSION_WRITE_REQUESTED',
  'SESSION_WRITE_APPROVED',
  'SESSION_WRITE_DECLINED',
  'SESSION_WRITE_EXPIRED',
  'SESSION_POINTER_MODE',
  'SESSION_ENDED',
  'CHAT_STARTED',
  'CHAT_ENDED',
];

interface Delivery {
  id: string;
  eventId: string;
  event: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  responseExcerpt: string | null;
  deliveredAt: string | null;
}

interface Payload {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** Checks a request's Cobrowse-Signature the way docs/webhooks.md tells receivers to, and returns its payload. */
function verified(secret: string, request: ReceivedWebhook): Payload {
  const header = String(request.headers['cobrowse-signature']);
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  assert.ok(match, `signature header ${header}`);
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest();
  assert.ok(timingSafeEqual(expected, Buffer.from(match[2]!, 'hex')), 'the signature matches the body and timestamp');
  assert.ok(Math.abs(Date.now() / 1000 - Number(match[1])) < 60, 'the timestamp is now');
  return JSON.parse(request.body) as Payload;
}

const FAST_RETRIES = {
  webhookAllowPrivateTargets: true,
  webhookRetryBaseMs: 150,
  webhookPollIntervalMs: 50,
  webhookTimeoutMs: 1000,
  webhookMaxAttempts: 4,
  webhookMaxEndpoints: 4,
};

describe('Webhooks', () => {
  let server: TestServer;
  let admin: string;
  let receiver: WebhookReceiver;
  const logLines: string[] = [];

  before(async () => {
    server = await startTestServer({ config: FAST_RETRIES, log: (line) => logLines.push(line) });
    admin = await signIn(server.url, 'admin@example.com');
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await receiver.close();
    await server.close();
  });
  // A test that fails half-way leaves no endpoint behind to receive the next test's events.
  afterEach(() =>
    server.deps.db.webhookEndpoint.updateMany({ where: { deletedAt: null }, data: { deletedAt: new Date(), enabled: false } }),
  );

  const call = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, cookie = admin) =>
    gql<T>(server.url, query, variables, { cookie });

  async function register(url: string, events = ALL_EVENTS) {
    const response = await call<{ createWebhookEndpoint: { secret: string; endpoint: { id: string; secretPrefix: string } } }>(CREATE, {
      input: { url, events },
    });
    assert.ok(response.data, JSON.stringify(response.errors));
    return { id: response.data.createWebhookEndpoint.endpoint.id, secret: response.data.createWebhookEndpoint.secret };
  }
  const remove = (id: string) => call(DELETE, { id });
  const deliveries = async (id: string) => (await call<{ webhookDeliveries: Delivery[] }>(DELIVERIES, { id })).data!.webhookDeliveries;
  const settled = (id: string, what: string) =>
    waitFor(async () => {
      const list = await deliveries(id);
      return list.length > 0 && list.every((delivery) => delivery.status !== 'PENDING') ? list : undefined;
    }, what);

  it('refuses everyone but admins', async () => {
    const { id } = await register(receiver.url, ['SESSION_STARTED']);
    const keyed = await call<{ createApiKey: { key: string } }>('mutation { createApiKey(name: "hooks") { key } }');
    for (const email of ['agent@example.com', 'supervisor@example.com']) {
      const cookie = await signIn(server.url, email);
      assert.equal(errorCode(await call(LIST, {}, cookie)), 'FORBIDDEN');
      assert.equal(errorCode(await call(CREATE, { input: { url: receiver.url, events: ['SESSION_STARTED'] } }, cookie)), 'FORBIDDEN');
      assert.equal(errorCode(await call(PING, { id }, cookie)), 'FORBIDDEN');
      assert.equal(errorCode(await call(DELIVERIES, { id }, cookie)), 'FORBIDDEN');
      assert.equal(errorCode(await call(DELETE, { id }, cookie)), 'FORBIDDEN');
    }
    assert.equal(errorCode(await gql(server.url, LIST)), 'UNAUTHENTICATED');
    const apiKey = keyed.data!.createApiKey.key;
    assert.equal(errorCode(await gql(server.url, LIST, {}, { apiKey })), 'UNAUTHENTICATED', 'a key speaks for no user');
    assert.equal((await gql(server.url, PING, { id }, { apiKey })).status, 403);
    assert.equal(receiver.received.length, 0, 'nothing was sent by the refused calls');
    await remove(id);
  });

  it('sends a real session and chat lifecycle, signed, in order, each delivery once', async () => {
    const endpoint = await register(receiver.url);
    const before = receiver.received.length;
    const agent = await signIn(server.url, 'agent@example.com');
    const chat = await gql<{ startChat: { customerToken: string; chat: { id: string } } }>(
      server.url,
      'mutation($input: StartChatInput!){ startChat(input: $input){ customerToken chat { id } } }',
      { input: { url: `${server.url}/demo` } },
      { origin: server.url },
    );
    const chatId = chat.data!.startChat.chat.id;
    const session = await startCustomerSession(server.url);
    await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agent });
    const asked = await gql<{ requestWriteMode: { writeRequestId: string } }>(
      server.url,
      'mutation($id: ID!){ requestWriteMode(sessionId: $id){ writeRequestId } }',
      { id: session.id },
      { cookie: agent },
    );
    assert.ok(asked.data, JSON.stringify(asked.errors));
    const answered = await gql(
      server.url,
      'mutation($id: ID!, $r: ID!){ answerWriteMode(sessionId: $id, requestId: $r, approve: true){ mode } }',
      { id: session.id, r: asked.data.requestWriteMode.writeRequestId },
      { customerToken: session.customerToken, origin: server.url },
    );
    assert.ok(answered.data, JSON.stringify(answered.errors));
    await gql(server.url, 'mutation($id: ID!){ setPointerMode(sessionId: $id){ mode } }', { id: session.id }, { cookie: agent });
    await gql(server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agent });
    await gql(
      server.url,
      'mutation($chatId: ID!, $chatToken: String){ endChat(chatId: $chatId, chatToken: $chatToken){ id } }',
      { chatId, chatToken: chat.data!.startChat.customerToken },
      { origin: server.url },
    );

    const expected = [
      'chat.started',
      'session.started',
      'session.agent_joined',
      'session.write_requested',
      'session.write_approved',
      'session.pointer_mode',
      'session.ended',
      'chat.ended',
    ];
    await waitFor(() => receiver.received.length - before >= expected.length, 'every lifecycle event');
    const got = receiver.received.slice(before).map((request) => ({ request, payload: verified(endpoint.secret, request) }));
    assert.deepEqual(
      got.map(({ payload }) => payload.type).sort(),
      [...expected].sort(),
      'each event arrives once (deliveries run concurrently, so arrival order is not promised)',
    );
    const sessionEvents = got.filter(({ payload }) => payload.type.startsWith('session.')).map(({ payload }) => payload);
    assert.deepEqual(
      [...sessionEvents].sort((a, b) => Number(a.data.auditSequence) - Number(b.data.auditSequence)).map((payload) => payload.type),
      expected.filter((type) => type.startsWith('session.')),
      'the audit sequence orders a session’s events',
    );
    for (const payload of sessionEvents) assert.equal(payload.data.sessionId, session.id);
    const joined = sessionEvents.find((payload) => payload.type === 'session.agent_joined')!;
    const agentRow = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent@example.com' } });
    assert.deepEqual(joined.data.actor, { kind: 'AGENT', id: agentRow.id });
    assert.equal(joined.data.agentName, agentRow.name, 'carries the audit row’s data');
    const ended = sessionEvents.find((payload) => payload.type === 'session.ended')!;
    assert.equal(ended.data.by, 'AGENT');
    assert.equal(got.find(({ payload }) => payload.type === 'chat.started')!.payload.data.chatId, chatId);
    for (const { request, payload } of got) {
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['cobrowse-event'], payload.type);
      assert.match(String(request.headers['cobrowse-webhook-id']), /^c[a-z0-9]{20,}$/);
      assert.match(payload.id, /^evt_[0-9a-f-]{36}$/);
    }
    assert.equal(new Set(got.map(({ request }) => request.headers['cobrowse-webhook-id'])).size, got.length, 'one id per delivery');

    // Every audited lifecycle event has its delivery in the log, delivered at the first attempt.
    const log = await settled(endpoint.id, 'the deliveries to be recorded');
    assert.equal(log.length, expected.length);
    assert.ok(log.every((delivery) => delivery.status === 'SUCCEEDED' && delivery.attempts === 1 && delivery.lastStatusCode === 200));
    await remove(endpoint.id);
  });

  it('retries after 500s with growing waits, then succeeds; the log shows each step', async () => {
    const flaky = await startWebhookReceiver((index) => (index < 2 ? { status: 500, body: 'down for maintenance' } : { status: 204 }));
    try {
      const endpoint = await register(flaky.url, ['SESSION_ENDED']);
      const ping = await call<{ pingWebhookEndpoint: Delivery }>(PING, { id: endpoint.id });
      assert.equal(ping.data?.pingWebhookEndpoint.event, 'webhook.ping');
      assert.equal(ping.data?.pingWebhookEndpoint.status, 'PENDING');

      await waitFor(() => flaky.received.length >= 1, 'the first attempt');
      const pending = await waitFor(async () => {
        const [delivery] = await deliveries(endpoint.id);
        return delivery?.lastStatusCode === 500 ? delivery : undefined;
      }, 'the failed attempt in the log');
      assert.equal(pending.status, 'PENDING');
      assert.equal(pending.lastError, 'HTTP 500');
      assert.equal(pending.responseExcerpt, 'down for maintenance');
      assert.ok(pending.nextAttemptAt, 'the next retry is shown');

      const [delivery] = await settled(endpoint.id, 'the delivery to succeed');
      assert.equal(flaky.received.length, 3);
      assert.equal(delivery!.status, 'SUCCEEDED');
      assert.equal(delivery!.attempts, 3);
      assert.equal(delivery!.lastStatusCode, 204);
      assert.equal(delivery!.lastError, null);
      assert.equal(delivery!.nextAttemptAt, null);
      assert.ok(delivery!.deliveredAt);
      const [first, second, third] = flaky.received as [ReceivedWebhook, ReceivedWebhook, ReceivedWebhook];
      const waits = [second.at - first.at, third.at - second.at];
      assert.ok(waits[0]! >= 150 * 0.9 && waits[1]! >= 450 * 0.9, `backoff waits ${waits.join(', ')} ms`);
      assert.ok(waits[1]! > waits[0]!, 'each wait is longer than the one before');
      const ids = new Set(flaky.received.map((request) => request.headers['cobrowse-webhook-id']));
      assert.deepEqual([...ids], [delivery!.id], 'every attempt carries the same delivery id');
      for (const request of flaky.received) assert.equal(verified(endpoint.secret, request).type, 'webhook.ping');
      await remove(endpoint.id);
    } finally {
      await flaky.close();
    }
  });

  it('gives up after the last attempt, keeps only an excerpt of the answer, and times out a silent receiver', async () => {
    const failing = await startWebhookReceiver((index) => (index === 0 ? 'hang' : { status: 502, body: 'x'.repeat(20_000) }));
    try {
      const endpoint = await register(failing.url, ['SESSION_ENDED']);
      await call(PING, { id: endpoint.id });
      const timedOut = await waitFor(async () => {
        const [delivery] = await deliveries(endpoint.id);
        return delivery?.lastError?.startsWith('No answer') ? delivery : undefined;
      }, 'the timed-out first attempt');
      assert.equal(timedOut.lastStatusCode, null);
      const [delivery] = await settled(endpoint.id, 'the delivery to fail');
      assert.equal(delivery!.status, 'FAILED');
      assert.equal(delivery!.attempts, FAST_RETRIES.webhookMaxAttempts);
      assert.equal(failing.received.length, FAST_RETRIES.webhookMaxAttempts, 'no attempt after the last');
      assert.equal(delivery!.lastStatusCode, 502);
      assert.equal(delivery!.responseExcerpt, 'x'.repeat(256));
      await remove(endpoint.id);
    } finally {
      await failing.close();
    }
  });

  it('sends nothing new to a disabled endpoint and nothing at all to a deleted one', async () => {
    const quiet = await startWebhookReceiver();
    const control = await startWebhookReceiver();
    try {
      const off = await register(quiet.url, ['SESSION_STARTED']);
      const gone = await register(quiet.url, ['SESSION_STARTED']);
      assert.equal(
        (await call<{ updateWebhookEndpoint: { enabled: boolean } }>(UPDATE, { id: off.id, enabled: false })).data?.updateWebhookEndpoint
          .enabled,
        false,
      );
      await remove(gone.id);
      const listed = await call<{ webhookEndpoints: { id: string }[] }>(LIST);
      assert.ok(!listed.data!.webhookEndpoints.some((endpoint) => endpoint.id === gone.id), 'a deleted endpoint is not listed');
      assert.equal(errorCode(await call(PING, { id: gone.id })), 'NOT_FOUND');
      const row = await server.deps.db.webhookEndpoint.findUniqueOrThrow({ where: { id: gone.id } });
      assert.ok(row.deletedAt && row.deletedById, 'who deleted it is kept on record');
      for (const action of [
        `registered webhook endpoint ${gone.id}`,
        `changed webhook endpoint ${off.id}`,
        `deleted webhook endpoint ${gone.id}`,
      ]) {
        assert.ok(
          logLines.some((line) => line.startsWith('Admin admin@example.com ') && line.includes(action)),
          `the server log says: ${action}`,
        );
      }

      // An enabled endpoint for the same event gets it: the event was sent out, to every endpoint
      // it goes to at once (one delivery each, under one event id).
      const kept = await register(control.url, ['SESSION_STARTED']);
      await startCustomerSession(server.url);
      const [started] = await waitFor(
        () => (control.of('session.started').length ? control.of('session.started') : undefined),
        'the event',
      );
      const eventId = (JSON.parse(started!.body) as { id: string }).id;
      const fannedOut = await server.deps.db.webhookDelivery.findMany({ where: { eventId } });
      assert.deepEqual(
        fannedOut.map((delivery) => delivery.endpointId),
        [kept.id],
        'no delivery of session.started to either endpoint',
      );
      await call(PING, { id: off.id }); // a test ping still goes to a disabled endpoint
      await waitFor(() => quiet.received.length >= 1, 'the ping');
      assert.deepEqual(
        quiet.received.map((request) => request.headers['cobrowse-event']),
        ['webhook.ping'],
        'no session.started went to either endpoint',
      );
      await remove(off.id);
      await remove(kept.id);
    } finally {
      await Promise.all([quiet.close(), control.close()]);
    }
  });

  it('refuses bad URLs and events, and a site past its endpoint limit', async () => {
    const refused = async (input: Record<string, unknown>, message: RegExp) => {
      const response = await call(CREATE, { input: { events: ['SESSION_STARTED'], ...input } });
      assert.equal(errorCode(response), 'BAD_USER_INPUT', JSON.stringify(input).slice(0, 80));
      assert.match(response.errors![0]!.message, message);
    };
    await refused({ url: `${receiver.url}?${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}` }, /at most 2048 characters/);
    await refused({ url: 'ftp://example.com/hooks' }, /starts with https:\/\//);
    await refused({ url: 'not a url' }, /full URL/);
    await refused({ url: 'http://user:pw@127.0.0.1/hooks' }, /no user name or password/);
    await refused({ url: receiver.url, events: [] }, /at least one event/);
    const made = [];
    for (let i = 0; i < FAST_RETRIES.webhookMaxEndpoints; i++) made.push(await register(`${receiver.url}/${i}`));
    const over = await call(CREATE, { input: { url: receiver.url, events: ['SESSION_STARTED'] } });
    assert.equal(errorCode(over), 'LIMIT_REACHED');
    assert.match(over.errors![0]!.message, /4 webhook endpoints, the most/);
    await remove(made[0]!.id);
    const room = await register(receiver.url); // a deleted endpoint frees its place
    for (const endpoint of [...made.slice(1), room]) await remove(endpoint.id);
  });
});

describe('Webhook targets on private addresses', () => {
  let strict: TestServer;
  let admin: string;
  let receiver: WebhookReceiver;

  before(async () => {
    strict = await startTestServer({ config: { webhookPollIntervalMs: 50, webhookAllowedPrivateHosts: ['localhost'] } });
    admin = await signIn(strict.url, 'admin@example.com');
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await receiver.close();
    await strict.close();
  });

  it('classifies IPv4 and IPv6 addresses, IPv4-mapped ones included', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a9fe:a9fe',
    ]) {
      assert.equal(isPrivateAddress(address), true, address);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(isPrivateAddress(address), false, address);
    }
  });

  it('refuses loopback, private and link-local targets unless configured, checking every resolved address', async () => {
    const port = receiver.port;
    for (const url of [
      `http://127.0.0.1:${port}/hooks`,
      `http://[::1]:${port}/hooks`,
      `http://[::ffff:127.0.0.1]:${port}/hooks`,
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.7/hooks',
      `http://127.1:${port}/hooks`,
    ]) {
      const response = await gql(strict.url, CREATE, { input: { url, events: ['SESSION_STARTED'] } }, { cookie: admin });
      assert.equal(errorCode(response), 'BAD_USER_INPUT', url);
      assert.match(response.errors![0]!.message, /private, loopback or link-local address/, url);
    }
    const unresolvable = await gql(
      strict.url,
      CREATE,
      { input: { url: 'https://no-such-host.invalid/h', events: ['SESSION_STARTED'] } },
      { cookie: admin },
    );
    assert.match(unresolvable.errors![0]!.message, /could not be resolved/);
    // The allow-list lets one named host through (localhost resolves to loopback here).
    const allowed = await gql(
      strict.url,
      CREATE,
      { input: { url: `http://localhost:${port}/hooks`, events: ['SESSION_STARTED'] } },
      { cookie: admin },
    );
    assert.ok(allowed.data, JSON.stringify(allowed.errors));
    assert.equal(receiver.received.length, 0);
  });

  it('checks the address again when sending, so a name that later points inside is refused', async () => {
    // As if DNS had answered with a public address at registration: the row is written directly.
    const endpoint = await strict.deps.db.webhookEndpoint.create({
      data: { url: receiver.url, events: '["session.started"]', secret: 'whsec_test', secretPrefix: 'whsec_test', createdById: 'x' },
    });
    await gql(strict.url, PING, { id: endpoint.id }, { cookie: admin });
    const delivery = await waitFor(
      () => strict.deps.db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id, lastError: { not: null } } }),
      'the refused attempt',
    );
    assert.match(delivery.lastError!, /127\.0\.0\.1, a private, loopback or link-local address/);
    assert.equal(delivery.lastStatusCode, null);
    assert.equal(receiver.received.length, 0, 'no request reached the private address');
  });
});
