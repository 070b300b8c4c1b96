import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../server/auth/tokens.ts';
import { errorCode, gql, probeUntilLive, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const CREATE = 'mutation($name: String!){ createApiKey(name: $name){ key apiKey { id name prefix revokedAt } } }';
const REVOKE = 'mutation($id: ID!){ revokeApiKey(id: $id){ id revokedAt } }';
const LIST = '{ apiKeys { id name prefix lastUsedAt revokedAt } }';
const HISTORY = '{ sessionHistory(first: 2) { totalCount nodes { id code } pageInfo { hasNextPage endCursor } } }';

describe('Read-only API keys for third parties', () => {
  let server: TestServer;
  let adminCookie: string;
  let key: string;
  let keyId: string;

  before(async () => {
    server = await startTestServer();
    adminCookie = await signIn(server.url, 'admin@example.com');
    const created = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      server.url,
      CREATE,
      { name: 'CRM export' },
      { cookie: adminCookie },
    );
    key = created.data!.createApiKey.key;
    keyId = created.data!.createApiKey.apiKey.id;
  });
  after(() => server.close());

  /** A raw HTTP call, to see status codes and content types as a client does. */
  const raw = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/graphql${path}`, init);

  it('are managed by admins only, shown once and stored as a hash', async () => {
    for (const email of ['agent@example.com', 'supervisor@example.com']) {
      const cookie = await signIn(server.url, email);
      assert.equal(errorCode(await gql(server.url, CREATE, { name: 'x' }, { cookie })), 'FORBIDDEN');
      assert.equal(errorCode(await gql(server.url, LIST, {}, { cookie })), 'FORBIDDEN');
      assert.equal(errorCode(await gql(server.url, REVOKE, { id: keyId }, { cookie })), 'FORBIDDEN');
    }
    assert.match(key, /^cbk_[A-Za-z0-9_-]{43}$/);
    const row = await server.deps.db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
    assert.equal(row.keyHash, hashToken(key));
    assert.ok(!JSON.stringify(row).includes(key.slice(12)), 'the key itself is not stored');
    const listed = await gql<{ apiKeys: { prefix: string }[] }>(server.url, LIST, {}, { cookie: adminCookie });
    assert.equal(listed.data?.apiKeys[0]?.prefix, key.slice(0, 12));
    assert.equal(errorCode(await gql(server.url, '{ apiKeys { key } }', {}, { cookie: adminCookie })), 'GRAPHQL_VALIDATION_FAILED');
    assert.match(
      (await gql(server.url, CREATE, { name: '  ' }, { cookie: adminCookie })).errors?.[0]?.message ?? '',
      /Give the key a name/,
    );
  });

  it('read sessions and their audit history with cursor pagination, over POST and GET', async () => {
    for (let i = 0; i < 3; i++) await startCustomerSession(server.url);
    const page = await gql<{ sessionHistory: { totalCount: number; nodes: { id: string }[]; pageInfo: { endCursor: string } } }>(
      server.url,
      HISTORY,
      {},
      { apiKey: key },
    );
    assert.equal(page.status, 200);
    assert.equal(page.data?.sessionHistory.totalCount, 3);
    assert.equal(page.data?.sessionHistory.nodes.length, 2);
    const sessionId = page.data!.sessionHistory.nodes[0]!.id;
    const audit = await gql<{ session: { auditEvents: { type: string }[] }; verifyAudit: { intact: boolean } }>(
      server.url,
      'query($id: ID!){ session(id: $id){ auditEvents { type } } verifyAudit(sessionId: $id){ intact } }',
      { id: sessionId },
      { apiKey: key },
    );
    assert.deepEqual(audit.data, { session: { auditEvents: [{ type: 'SESSION_STARTED' }] }, verifyAudit: { intact: true } });

    // GET for queries (GraphQL over HTTP), and the response type the client asks for.
    const get = await raw(`?query=${encodeURIComponent(HISTORY)}`, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/graphql-response+json' },
    });
    assert.equal(get.status, 200);
    assert.match(get.headers.get('content-type') ?? '', /^application\/graphql-response\+json/);
    assert.equal(((await get.json()) as { data: { sessionHistory: { totalCount: number } } }).data.sessionHistory.totalCount, 3);
    const plain = await raw(`?query=${encodeURIComponent('{ sessions(limit: 1) { id } }')}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.match(plain.headers.get('content-type') ?? '', /^application\/json/);
    const lastUsed = await server.deps.db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
    assert.ok(lastUsed.lastUsedAt, 'the key’s last use is noted');
  });

  it('never change anything: mutations are refused with 403, and 405 over GET', async () => {
    const session = await startCustomerSession(server.url);
    const attempts: [string, Record<string, unknown>][] = [
      ['mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }],
      ['mutation { updateSiteSettings(input: { writeModeEnabled: false }) { writeModeEnabled } }', {}],
      ['mutation { createApiKey(name: "more") { key } }', {}],
      ['mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }],
      ['mutation { signOut }', {}],
    ];
    for (const [query, variables] of attempts) {
      const result = await gql(server.url, query, variables, { apiKey: key });
      assert.equal(result.status, 403, query);
      assert.equal(errorCode(result), 'FORBIDDEN', query);
    }
    assert.equal((await server.deps.db.session.findUniqueOrThrow({ where: { id: session.id } })).status, 'WAITING');
    const overGet = await raw(`?query=${encodeURIComponent('mutation { signOut }')}`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(overGet.status, 405);
    assert.equal(overGet.headers.get('allow'), 'POST');
  });

  it('subscribe to session lifecycle over WebSocket, and may not mutate there either', async () => {
    const socket = wsClient(server.url, { apiKey: key, origin: 'https://crm.example' });
    const lifecycle = wsCollect<{ type: string; event: string; session: { code: string } }>(
      socket,
      'subscription { sessionLifecycle }',
      {},
    );
    const started = await probeUntilLive(
      lifecycle,
      async () => {
        const session = await startCustomerSession(server.url);
        return { made: session, is: (message) => message.session.code === session.code };
      },
      'the lifecycle subscription to be live',
    );
    const event = await lifecycle.next((message) => message.session.code === started.code);
    assert.equal(event.event, 'started');
    const mutation = await wsExecute(socket, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: started.code });
    assert.equal(mutation.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const stream = await wsExecute(socket, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id: started.id });
    assert.ok(['UNAUTHENTICATED', 'FORBIDDEN'].includes(stream.errors?.[0]?.extensions?.code ?? ''), 'no access to the page stream');
    await socket.dispose();
  });

  it('stop working once revoked; a wrong key is refused, not treated as anonymous', async () => {
    const revoked = await gql<{ revokeApiKey: { revokedAt: string | null } }>(server.url, REVOKE, { id: keyId }, { cookie: adminCookie });
    assert.ok(revoked.data?.revokeApiKey.revokedAt);
    for (const presented of [key, 'cbk_not-a-real-key', 'something-else']) {
      const result = await gql(server.url, '{ sessions(limit: 1) { id } }', {}, { apiKey: presented });
      assert.equal(result.status, 401, presented);
      assert.equal(errorCode(result), 'UNAUTHENTICATED');
    }
    const socket = wsClient(server.url, { apiKey: key });
    const closed = await wsExecute(socket, '{ sessions(limit: 1) { id } }', {}).then(
      () => null,
      (error: { code?: number }) => error.code,
    );
    assert.equal(closed, 4403);
    await socket.dispose();
  });
});

const CREATE_SCOPED =
  'mutation($name: String!, $scopes: [ApiKeyScope!], $expiresAt: DateTime, $rate: Int){ createApiKey(name: $name, scopes: $scopes, expiresAt: $expiresAt, requestsPerMinute: $rate){ key apiKey { id scopes expiresAt requestsPerMinute lastUsedAt } } }';

interface Created {
  key: string;
  apiKey: { id: string; scopes: string[]; expiresAt: string | null; requestsPerMinute: number | null; lastUsedAt: string | null };
}

describe('API key scopes, expiry, last use and per-key limits', () => {
  let server: TestServer;
  let adminCookie: string;
  let sessionId: string;
  let chatId: string;

  const create = async (variables: Record<string, unknown>) => {
    const created = await gql<{ createApiKey: Created }>(
      server.url,
      CREATE_SCOPED,
      { name: 'scoped', ...variables },
      { cookie: adminCookie },
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    return created.data!.createApiKey;
  };

  before(async () => {
    server = await startTestServer();
    adminCookie = await signIn(server.url, 'admin@example.com');
    sessionId = (await startCustomerSession(server.url)).id;
    const chat = await gql<{ startChat: { chat: { id: string } } }>(
      server.url,
      'mutation($u: String!) { startChat(input: { url: $u }) { chat { id } } }',
      { u: `${server.url}/demo` },
      { origin: server.url },
    );
    chatId = chat.data!.startChat.chat.id;
  });
  after(() => server.close());

  /** One query per scope: what each scope opens. */
  const reads = () =>
    [
      ['SESSIONS_READ', '{ sessionHistory(first: 1) { totalCount } }', {}],
      ['SESSIONS_READ', 'query($id: ID!){ session(id: $id) { id } }', { id: sessionId }],
      ['AUDIT_READ', 'query($id: ID!){ auditEvents(sessionId: $id) { totalCount } }', { id: sessionId }],
      ['AUDIT_READ', 'query($id: ID!){ verifyAudit(sessionId: $id) { intact } }', { id: sessionId }],
      ['CHATS_READ', '{ chats(first: 1) { id } }', {}],
      ['CHATS_READ', 'query($id: ID!){ chat(id: $id) { id } }', { id: chatId }],
    ] as const;

  it('refuse each field outside the key’s scopes with FORBIDDEN naming the scope, and answer those inside', async () => {
    const sessionsOnly = await create({ scopes: ['SESSIONS_READ'] });
    assert.deepEqual(sessionsOnly.apiKey.scopes, ['SESSIONS_READ']);
    const everything = await create({});
    assert.deepEqual(everything.apiKey.scopes, ['SESSIONS_READ', 'AUDIT_READ', 'CHATS_READ'], 'scopes left out: every scope');
    const narrowSocket = wsClient(server.url, { apiKey: sessionsOnly.key });
    const wideSocket = wsClient(server.url, { apiKey: everything.key });
    for (const [scope, query, variables] of reads()) {
      const wide = await gql(server.url, query, variables, { apiKey: everything.key });
      assert.equal(wide.errors, undefined, `${query}: ${JSON.stringify(wide.errors)}`);
      const narrow = await gql(server.url, query, variables, { apiKey: sessionsOnly.key });
      const narrowWs = await wsExecute(narrowSocket, query, variables);
      assert.equal((await wsExecute(wideSocket, query, variables)).errors, undefined, query);
      if (scope === 'SESSIONS_READ') {
        assert.equal(narrow.errors, undefined, `${query}: ${JSON.stringify(narrow.errors)}`);
        assert.equal(narrowWs.errors, undefined, query);
      } else {
        assert.equal(errorCode(narrow), 'FORBIDDEN', query);
        assert.match(narrow.errors?.[0]?.message ?? '', new RegExp(`lacks the ${scope} scope`));
        assert.equal(narrowWs.errors?.[0]?.extensions?.code, 'FORBIDDEN', query);
      }
    }
    // A field nested under one the key may read is refused on its own scope.
    const nested = await gql<{ session: null }>(
      server.url,
      'query($id: ID!){ session(id: $id) { id auditEvents { type } } }',
      { id: sessionId },
      { apiKey: sessionsOnly.key },
    );
    assert.match(nested.errors?.[0]?.message ?? '', /lacks the AUDIT_READ scope/);
    // A subscription outside the scopes is refused when it starts (one inside is shown live in the suite above).
    const auditOnly = await create({ scopes: ['AUDIT_READ'] });
    const auditSocket = wsClient(server.url, { apiKey: auditOnly.key });
    const lifecycle = await wsExecute(auditSocket, 'subscription { sessionLifecycle }', {});
    assert.equal(lifecycle.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(lifecycle));
    assert.match(lifecycle.errors?.[0]?.message ?? '', /lacks the SESSIONS_READ scope/);
    await auditSocket.dispose();
    await narrowSocket.dispose();
    await wideSocket.dispose();
  });

  it('keep every scope for keys made before scopes existed (the column default)', async () => {
    const row = await server.deps.db.apiKey.create({ data: { name: 'old', prefix: 'cbk_old', keyHash: 'old-hash', createdById: 'x' } });
    const listed = await gql<{ apiKeys: { id: string; scopes: string[]; expiresAt: null }[] }>(
      server.url,
      '{ apiKeys(first: 200) { id scopes expiresAt } }',
      {},
      { cookie: adminCookie },
    );
    assert.deepEqual(
      listed.data?.apiKeys.find((key) => key.id === row.id),
      { id: row.id, scopes: ['SESSIONS_READ', 'AUDIT_READ', 'CHATS_READ'], expiresAt: null },
    );
  });

  it('refuse a key without scopes, an expiry in the past and a limit out of range', async () => {
    const attempts: [Record<string, unknown>, RegExp][] = [
      [{ scopes: [] }, /at least one scope/],
      [{ expiresAt: new Date(Date.now() - 1000).toISOString() }, /in the future/],
      [{ expiresAt: 'tomorrow' }, /ISO-8601/],
      [{ rate: 0 }, /1 to 100000/],
    ];
    for (const [variables, message] of attempts) {
      const refused = await gql(server.url, CREATE_SCOPED, { name: 'bad', ...variables }, { cookie: adminCookie });
      assert.equal(errorCode(refused), 'BAD_USER_INPUT', JSON.stringify(variables));
      assert.match(refused.errors?.[0]?.message ?? '', message);
    }
  });

  it('stop working when they expire: refused over HTTP (401, saying so), on connect, and open sockets are closed', async () => {
    const expiresAt = new Date(Date.now() + 3000);
    const expiring = await create({ expiresAt: expiresAt.toISOString() });
    assert.equal(expiring.apiKey.expiresAt, expiresAt.toISOString());
    const query = '{ sessionHistory(first: 1) { totalCount } }';
    assert.equal((await gql(server.url, query, {}, { apiKey: expiring.key })).status, 200, 'works before its expiry');
    const socket = wsClient(server.url, { apiKey: expiring.key });
    assert.equal((await wsExecute(socket, query, {})).errors, undefined);

    const refused = await waitFor(async () => {
      const result = await gql(server.url, query, {}, { apiKey: expiring.key });
      return result.status === 401 ? result : null;
    }, 'the key to expire');
    assert.equal(errorCode(refused), 'UNAUTHENTICATED');
    assert.match(refused.errors?.[0]?.message ?? '', new RegExp(`expired at ${expiresAt.toISOString()}`));
    const closedCode = await wsExecute(socket, query, {}).then(
      (result) => result.errors?.[0]?.extensions?.code,
      (error: { code?: number }) => error.code,
    );
    assert.ok(closedCode === 4401 || closedCode === 'UNAUTHENTICATED' || closedCode === 4403, `open socket: ${closedCode}`);
    await socket.dispose();
    const late = wsClient(server.url, { apiKey: expiring.key });
    const onConnect = await wsExecute(late, query, {}).then(
      () => null,
      (error: { code?: number }) => error.code,
    );
    assert.equal(onConnect, 4403);
    await late.dispose();
  });

  it('note when they were last used, at most once a minute', async () => {
    const key = await create({});
    assert.equal(key.apiKey.lastUsedAt, null);
    await gql(server.url, '{ sessionHistory(first: 1) { totalCount } }', {}, { apiKey: key.key });
    const first = (await server.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.apiKey.id } })).lastUsedAt;
    assert.ok(first && Date.now() - first.getTime() < 60_000, 'noted on first use');
    await gql(server.url, '{ sessionHistory(first: 1) { totalCount } }', {}, { apiKey: key.key });
    assert.deepEqual((await server.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.apiKey.id } })).lastUsedAt, first, 'not rewritten');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await server.deps.db.apiKey.update({ where: { id: key.apiKey.id }, data: { lastUsedAt: twoMinutesAgo } });
    await gql(server.url, '{ sessionHistory(first: 1) { totalCount } }', {}, { apiKey: key.key });
    const listed = await gql<{ apiKeys: { id: string; lastUsedAt: string }[] }>(
      server.url,
      '{ apiKeys(first: 200) { id lastUsedAt } }',
      {},
      { cookie: adminCookie },
    );
    const shown = new Date(listed.data!.apiKeys.find((row) => row.id === key.apiKey.id)!.lastUsedAt);
    assert.ok(shown > twoMinutesAgo, 'updated after a minute and listed');
  });

  it('limit requests per key: past its own limit RATE_LIMITED (HTTP 429, retry time), other keys unaffected, over WebSocket too', async () => {
    const limited = await create({ rate: 3 });
    const other = await create({ rate: 3 });
    assert.equal(limited.apiKey.requestsPerMinute, 3);
    const query = '{ sessionHistory(first: 1) { totalCount } }';
    for (let i = 0; i < 3; i++) assert.equal((await gql(server.url, query, {}, { apiKey: limited.key })).status, 200, `request ${i + 1}`);
    const over = await gql(server.url, query, {}, { apiKey: limited.key });
    assert.equal(over.status, 429);
    assert.equal(errorCode(over), 'RATE_LIMITED');
    assert.match(over.errors?.[0]?.message ?? '', /limit of 3 requests a minute/);
    assert.ok(Number((over.errors?.[0]?.extensions as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds) >= 1);
    assert.equal((await gql(server.url, query, {}, { apiKey: other.key })).status, 200, 'another key counts on its own');

    const socket = wsClient(server.url, { apiKey: other.key });
    assert.equal((await wsExecute(socket, query, {})).errors, undefined);
    assert.equal((await wsExecute(socket, query, {})).errors, undefined);
    const overWs = await wsExecute(socket, query, {});
    assert.equal(overWs.errors?.[0]?.extensions?.code, 'RATE_LIMITED', JSON.stringify(overWs.errors));
    await socket.dispose();
  });
});
