import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorCode, gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id code status agent { email } } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id status endedBy endReason } }';
const START = 'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code status } } }';

describe('sessions over GraphQL HTTP', () => {
  let server: TestServer;
  let url: string;
  let agent: string;
  let agent2: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    agent = await signIn(url, 'agent@example.com');
    agent2 = await signIn(url, 'agent2@example.com');
  });
  after(() => server.close());

  it('starts a session from the site with a 9-digit ID and a secret token', async () => {
    const response = await gql<{ startSession: { customerToken: string; session: { code: string; status: string } } }>(
      url,
      START,
      { input: { url: `${url}/demo`, viewportWidth: 1280, viewportHeight: 720 } },
      { origin: url },
    );
    assert.equal(response.errors, undefined);
    assert.match(response.data!.startSession.session.code, /^\d{9}$/);
    assert.equal(response.data!.startSession.session.status, 'WAITING');
    assert.ok(response.data!.startSession.customerToken.length >= 40);
  });

  it('refuses to start from a site that is not allowed, or with bad input', async () => {
    const input = { url: 'https://evil.example/x', viewportWidth: 1280, viewportHeight: 720 };
    assert.equal(errorCode(await gql(url, START, { input }, { origin: 'https://evil.example' })), 'ORIGIN_NOT_ALLOWED');
    assert.equal(errorCode(await gql(url, START, { input })), 'ORIGIN_NOT_ALLOWED');
    const badUrl = await gql(url, START, { input: { ...input, url: 'not a url' } }, { origin: url });
    assert.equal(errorCode(badUrl), 'BAD_USER_INPUT');
    const huge = await gql(url, START, { input: { ...input, url: `${url}/demo`, viewportWidth: 10 ** 9 } }, { origin: url });
    assert.equal(errorCode(huge), 'BAD_USER_INPUT');
    const wrongType = await gql(url, START, { input: { ...input, viewportWidth: 'wide' } }, { origin: url });
    assert.equal(errorCode(wrongType), 'BAD_USER_INPUT');
  });

  it('refuses an unauthenticated agent and a wrong password', async () => {
    const session = await startCustomerSession(url);
    assert.equal(errorCode(await gql(url, JOIN, { code: session.code })), 'UNAUTHENTICATED');
    const wrong = await gql(url, 'mutation { signIn(email: "agent@example.com", password: "nope"){ id } }');
    assert.equal(errorCode(wrong), 'UNAUTHENTICATED');
    assert.equal(wrong.setCookie, null);
  });

  it('lets an agent join by ID; joining twice is harmless; a second agent is refused', async () => {
    const session = await startCustomerSession(url);
    const joined = await gql<{ joinSession: { status: string; agent: { email: string } } }>(
      url,
      JOIN,
      { code: session.code },
      { cookie: agent },
    );
    assert.equal(joined.data?.joinSession.status, 'ACTIVE');
    assert.equal(joined.data?.joinSession.agent.email, 'agent@example.com');
    const again = await gql(
      url,
      JOIN,
      { code: `${session.code.slice(0, 3)} ${session.code.slice(3, 6)} ${session.code.slice(6)}` },
      { cookie: agent },
    );
    assert.equal(again.errors, undefined);
    assert.equal(errorCode(await gql(url, JOIN, { code: session.code }, { cookie: agent2 })), 'SESSION_UNAVAILABLE');
    await gql(url, EXIT, { id: session.id }, { cookie: agent });
  });

  it('allows one session per agent, and frees the agent when it ends', async () => {
    const first = await startCustomerSession(url);
    const second = await startCustomerSession(url);
    assert.equal((await gql(url, JOIN, { code: first.code }, { cookie: agent })).errors, undefined);
    assert.equal(errorCode(await gql(url, JOIN, { code: second.code }, { cookie: agent })), 'AGENT_BUSY');
    const ended = await gql<{ exitSession: { status: string; endedBy: string } }>(
      url,
      EXIT,
      { id: first.id },
      { customerToken: first.customerToken },
    );
    assert.deepEqual(ended.data?.exitSession.status, 'ENDED');
    assert.equal(ended.data?.exitSession.endedBy, 'CUSTOMER');
    assert.equal((await gql(url, JOIN, { code: second.code }, { cookie: agent })).errors, undefined);
    await gql(url, EXIT, { id: second.id }, { cookie: agent });
  });

  it('lets exactly one of two agents win a simultaneous join', async () => {
    const session = await startCustomerSession(url);
    const results = await Promise.all([agent, agent2].map((cookie) => gql(url, JOIN, { code: session.code }, { cookie })));
    const codes = results.map((result) => errorCode(result) ?? 'OK').sort();
    assert.deepEqual(codes, ['OK', 'SESSION_UNAVAILABLE']);
    const winner = results.findIndex((result) => !result.errors);
    await gql(url, EXIT, { id: session.id }, { cookie: [agent, agent2][winner] });
  });

  it('explains a wrong, malformed or ended session ID', async () => {
    assert.equal(errorCode(await gql(url, JOIN, { code: '000000000' }, { cookie: agent })), 'SESSION_UNAVAILABLE');
    const malformed = await gql(url, JOIN, { code: '12ab' }, { cookie: agent });
    assert.equal(errorCode(malformed), 'BAD_USER_INPUT');
    assert.match(malformed.errors![0]!.message, /9 digits/);
    const session = await startCustomerSession(url);
    await gql(url, EXIT, { id: session.id }, { customerToken: session.customerToken });
    assert.equal(errorCode(await gql(url, JOIN, { code: session.code }, { cookie: agent })), 'SESSION_UNAVAILABLE');
  });

  it('scopes a customer token to its own session', async () => {
    const mine = await startCustomerSession(url);
    const theirs = await startCustomerSession(url);
    const readMine = await gql<{ session: { id: string } }>(
      url,
      'query($id: ID!){ session(id: $id){ id } }',
      { id: mine.id },
      { customerToken: mine.customerToken },
    );
    assert.equal(readMine.data?.session.id, mine.id);
    assert.equal(
      errorCode(await gql(url, 'query($id: ID!){ session(id: $id){ id } }', { id: theirs.id }, { customerToken: mine.customerToken })),
      'FORBIDDEN',
    );
    assert.equal(errorCode(await gql(url, EXIT, { id: theirs.id }, { customerToken: mine.customerToken })), 'UNAUTHENTICATED');
    const events = { seq: 1, sentAt: Date.now(), events: [{ type: 3, data: {}, timestamp: Date.now() }] };
    const send = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
    assert.equal(errorCode(await gql(url, send, { id: theirs.id, batch: events }, { customerToken: mine.customerToken })), 'FORBIDDEN');
    assert.equal(errorCode(await gql(url, EXIT, { id: mine.id }, { customerToken: 'made-up-token' })), 'UNAUTHENTICATED');
    // The public code alone grants nothing.
    assert.equal(errorCode(await gql(url, EXIT, { id: mine.id }, { customerToken: mine.code })), 'UNAUTHENTICATED');
  });

  it('writes a hash-chained audit trail: started, joined, left, ended (by whom)', async () => {
    const session = await startCustomerSession(url);
    await gql(url, JOIN, { code: session.code }, { cookie: agent });
    await gql(url, EXIT, { id: session.id }, { cookie: agent });
    const rows = await server.deps.db.auditEvent.findMany({ where: { sessionId: session.id }, orderBy: { sequence: 'asc' } });
    assert.deepEqual(
      rows.map((row) => [row.sequence, row.type, row.actorKind]),
      [
        [1, 'SESSION_STARTED', 'CUSTOMER'],
        [2, 'AGENT_JOINED', 'AGENT'],
        [3, 'AGENT_LEFT', 'AGENT'],
        [4, 'SESSION_ENDED', 'AGENT'],
      ],
    );
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prevHash, rows[i - 1]!.hash);
    assert.deepEqual(JSON.parse(rows[3]!.data), { by: 'AGENT', reason: 'agent exited' });
    const viaApi = await gql<{ session: { auditEvents: { type: string }[] } }>(
      url,
      'query($id: ID!){ session(id: $id){ auditEvents { type } } }',
      { id: session.id },
      { cookie: agent },
    );
    assert.equal(viaApi.data?.session.auditEvents.length, 4);
    assert.equal(
      errorCode(await gql(url, 'query($id: ID!){ session(id: $id){ auditEvents { type } } }', { id: session.id }, { cookie: agent2 })),
      'FORBIDDEN',
    );
  });

  it('answers a malformed request with a clear error and keeps serving', async () => {
    const response = await fetch(`${url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    assert.equal(response.status, 400);
    const unknownField = await gql(url, '{ nope }');
    assert.equal(errorCode(unknownField), 'GRAPHQL_VALIDATION_FAILED');
    assert.equal((await gql(url, '{ health }')).data?.health, 'ok');
  });
});
