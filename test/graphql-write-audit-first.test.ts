import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const REQUEST = 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ mode writeRequestId } }';
const ANSWER = 'mutation($id: ID!, $r: ID!, $a: Boolean!){ answerWriteMode(sessionId: $id, requestId: $r, approve: $a){ mode } }';
const SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';

/** A real SQLite trigger: the database itself refuses agent-action audit rows, no mock in the way. */
const FAIL_ACTION_AUDITS = `CREATE TRIGGER refuse_agent_actions BEFORE INSERT ON "AuditEvent"
  WHEN NEW."type" = 'AGENT_ACTION' BEGIN SELECT RAISE(ABORT, 'audit storage unavailable'); END`;

describe('Write Mode actions are audited before they are sent', () => {
  let server: TestServer;
  let agentCookie: string;

  before(async () => {
    server = await startTestServer();
    agentCookie = await signIn(server.url, 'agent@example.com');
  });
  after(() => server.close());

  it('writes the audit row before the customer receives the action', async () => {
    const session = await startCustomerSession(server.url);
    await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agentCookie });
    const customer = wsClient(server.url, { customerToken: session.customerToken });
    const agent = wsClient(server.url, { cookie: agentCookie });
    const customerStream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
    const agentStream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    await Promise.all([customerStream.next((m) => m.type === 'rules'), agentStream.next((m) => m.type === 'rules')]);
    await gql(server.url, REQUEST, { id: session.id }, { cookie: agentCookie });
    const asked = await customerStream.next((m) => m.type === 'session' && m.event === 'write-requested');
    await wsExecute(customer, ANSWER, { id: session.id, r: asked.type === 'session' ? asked.session.writeRequest!.id : '', a: true });
    await agentStream.next((m) => m.type === 'session' && m.event === 'write-approved');

    // Audited: the row exists by the time the customer has the action (no waiting needed).
    const click = { type: 'action', id: 1, action: { kind: 'click', nodeId: 12 }, target: 'button#ok' };
    assert.deepEqual(await wsExecute(agent, SIGNAL, { id: session.id, s: click }), { data: { sendSignal: true } });
    await customerStream.next((m) => m.type === 'action' && m.id === 1);
    const rows = await server.deps.db.auditEvent.findMany({ where: { sessionId: session.id, type: 'AGENT_ACTION' } });
    assert.deepEqual(
      rows.map((row) => JSON.parse(row.data)),
      [{ kind: 'click', target: 'button#ok' }],
    );

    // The audit write fails for real: the action is refused and never reaches the customer.
    await server.deps.db.$executeRawUnsafe(FAIL_ACTION_AUDITS);
    try {
      const refused = await wsExecute(agent, SIGNAL, { id: session.id, s: { ...click, id: 2 } });
      assert.equal(refused.errors?.[0]?.extensions?.code, 'AUDIT_UNAVAILABLE');
      const overHttp = await gql(server.url, SIGNAL, { id: session.id, s: { ...click, id: 3 } }, { cookie: agentCookie });
      assert.equal(overHttp.errors?.[0]?.extensions?.code, 'AUDIT_UNAVAILABLE');
      // A later signal on the same stream arrives, so anything sent before it would have too.
      await wsExecute(agent, SIGNAL, { id: session.id, s: { type: 'request-snapshot' } });
      await customerStream.next((m) => m.type === 'snapshot-request');
      assert.deepEqual(
        customerStream.values.filter((m) => m.type === 'action').map((m) => m.type === 'action' && m.id),
        [1],
      );
    } finally {
      await server.deps.db.$executeRawUnsafe('DROP TRIGGER refuse_agent_actions');
    }
    assert.equal(await server.deps.db.auditEvent.count({ where: { sessionId: session.id, type: 'AGENT_ACTION' } }), 1);
    await gql(server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agentCookie });
    await Promise.all([customer.dispose(), agent.dispose()]);
  });
});
