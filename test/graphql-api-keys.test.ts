import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../server/auth/tokens.ts';
import { errorCode, gql, probeUntilLive, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

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
