import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { errorCode, gql, probeUntilLive, signIn, startCustomerSession, wsClient, wsCollect } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const VERIFY = 'query($id: ID!){ verifyAudit(sessionId: $id){ intact events brokenAt } }';

describe('audit history for supervisors', () => {
  let server: TestServer;
  let supervisor: string;
  let agent: string;

  before(async () => {
    server = await startTestServer();
    supervisor = await signIn(server.url, 'supervisor@example.com');
    agent = await signIn(server.url, 'agent@example.com');
  });
  after(() => server.close());

  async function endedSession() {
    const session = await startCustomerSession(server.url);
    await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agent });
    await gql(server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agent });
    return session;
  }

  it('lists sessions for supervisors only', async () => {
    const session = await endedSession();
    const listed = await gql<{ sessions: { id: string; status: string; agent: { email: string } }[] }>(
      server.url,
      '{ sessions { id status agent { email } } }',
      {},
      { cookie: supervisor },
    );
    assert.deepEqual(listed.data?.sessions[0], { id: session.id, status: 'ENDED', agent: { email: 'agent@example.com' } });
    assert.equal(errorCode(await gql(server.url, '{ sessions { id } }', {}, { cookie: agent })), 'FORBIDDEN');
    assert.equal(errorCode(await gql(server.url, '{ sessions(limit: 201) { id } }', {}, { cookie: supervisor })), 'BAD_USER_INPUT');
  });

  it('verifies the hash chain, and detects an edited or a removed row', async () => {
    const session = await endedSession();
    const intact = await gql<{ verifyAudit: unknown }>(server.url, VERIFY, { id: session.id }, { cookie: supervisor });
    assert.deepEqual(intact.data?.verifyAudit, { intact: true, events: 4, brokenAt: null });
    assert.equal(errorCode(await gql(server.url, VERIFY, { id: session.id }, { cookie: agent })), 'FORBIDDEN');

    // Someone with database access rewrites who ended the session.
    await server.deps.db.$executeRawUnsafe(
      `UPDATE "AuditEvent" SET "data" = '{"by":"CUSTOMER","reason":"customer exited"}' WHERE "sessionId" = ? AND "sequence" = 4`,
      session.id,
    );
    const edited = await gql<{ verifyAudit: unknown }>(server.url, VERIFY, { id: session.id }, { cookie: supervisor });
    assert.deepEqual(edited.data?.verifyAudit, { intact: false, events: 4, brokenAt: 4 });

    const other = await endedSession();
    await server.deps.db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "sessionId" = ? AND "sequence" = 2`, other.id);
    const removed = await gql<{ verifyAudit: unknown }>(server.url, VERIFY, { id: other.id }, { cookie: supervisor });
    assert.deepEqual(removed.data?.verifyAudit, { intact: false, events: 3, brokenAt: 2 });
  });

  it('streams every session’s lifecycle to supervisors, and to no one else', async () => {
    const supervisorClient = wsClient(server.url, { cookie: supervisor });
    const agentClient = wsClient(server.url, { cookie: agent });
    const lifecycle = wsCollect<StreamMessage>(supervisorClient, 'subscription { sessionLifecycle }', {});
    const refused = wsCollect<StreamMessage>(agentClient, 'subscription { sessionLifecycle }', {});
    await probeUntilLive(
      lifecycle,
      async () => {
        const { id } = await startCustomerSession(server.url);
        return { made: id, is: (m) => m.type === 'session' && m.session.id === id };
      },
      'the supervisor’s lifecycle subscription to be live',
    );
    const session = await endedSession();
    for (const event of ['started', 'agent-joined', 'ended']) {
      await lifecycle.next((m) => m.type === 'session' && m.event === event && m.session.id === session.id);
    }
    const failure = await waitFor(() => refused.failure as { extensions: { code: string } }[] | undefined, 'the agent’s refusal');
    assert.equal(failure[0]!.extensions.code, 'FORBIDDEN');
    assert.deepEqual(refused.values, [], 'the agent got no event');
    await Promise.all([supervisorClient.dispose(), agentClient.dispose()]);
  });

  it('exports a session’s history as JSON and CSV for supervisors, not for agents', async () => {
    const session = await endedSession();
    const base = `${server.url}/api/sessions/${session.id}/audit`;
    const json = await fetch(`${base}.json`, { headers: { cookie: supervisor } });
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-disposition') ?? '', new RegExp(`session-${session.code}-audit.json`));
    const body = (await json.json()) as { events: { sequence: number; type: string; hash: string }[] };
    assert.deepEqual(
      body.events.map((event) => event.type),
      ['SESSION_STARTED', 'AGENT_JOINED', 'AGENT_LEFT', 'SESSION_ENDED'],
    );
    const csv = await fetch(`${base}.csv`, { headers: { cookie: supervisor } });
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines[0], 'sequence,at,actorKind,actorId,type,data,prevHash,hash');
    assert.equal(lines.length, 5);
    assert.match(lines[4]!, /^4,.*,AGENT,.*,SESSION_ENDED,"\{""by"":""AGENT""/);
    assert.equal((await fetch(`${base}.csv`, { headers: { cookie: agent } })).status, 403);
    assert.equal((await fetch(`${base}.csv`)).status, 401);
    assert.equal((await fetch(`${server.url}/api/sessions/nope/audit.json`, { headers: { cookie: supervisor } })).status, 404);
  });
});
