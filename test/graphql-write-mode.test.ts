import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { requestWriteMode } from '../server/sessions/write-mode.ts';
import { errorCode, gql, signIn, openLiveSession, wsExecute, type LiveSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const REQUEST = 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ mode writeRequestId } }';
const ANSWER = 'mutation($id: ID!, $r: ID!, $a: Boolean!){ answerWriteMode(sessionId: $id, requestId: $r, approve: $a){ mode } }';
const POINTER = 'mutation($id: ID!){ setPointerMode(sessionId: $id){ mode } }';
const SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';
const SETTINGS = 'mutation($input: SiteSettingsInput!){ updateSiteSettings(input: $input){ writeModeEnabled disabledSelectors } }';

const isEvent = (event: string) => (message: StreamMessage) => message.type === 'session' && message.event === event;

describe('Write Mode over GraphQL', () => {
  let server: TestServer;
  let url: string;
  let agentCookie: string;
  let otherAgentCookie: string;
  let adminCookie: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    agentCookie = await signIn(url, 'agent@example.com');
    otherAgentCookie = await signIn(url, 'agent2@example.com');
    adminCookie = await signIn(url, 'admin@example.com');
  });
  after(() => server.close());

  const liveSession = () => openLiveSession(url, agentCookie);

  async function approve(live: LiveSession) {
    await gql(url, REQUEST, { id: live.session.id }, { cookie: agentCookie });
    const asked = await live.customerStream.next(isEvent('write-requested'));
    const requestId = asked.type === 'session' ? asked.session.writeRequest!.id : '';
    await wsExecute(live.customer, ANSWER, { id: live.session.id, r: requestId, a: true });
    await live.agentStream.next(isEvent('write-approved'));
    return requestId;
  }

  it('asks the customer, who approves once; the agent is told', async () => {
    const live = await liveSession();
    const rules = live.agentStream.values.find((m) => m.type === 'rules');
    assert.deepEqual(rules?.type === 'rules' && rules.rules.writeModeEnabled, true);
    assert.ok(rules?.type === 'rules' && rules.rules.disabledSelectors.includes('button[type=submit]'));
    const requestId = await approve(live);
    const approved = await live.customerStream.next(isEvent('write-approved'));
    assert.equal(approved.type === 'session' && approved.session.mode, 'WRITE');
    const again = await wsExecute(live.customer, ANSWER, { id: live.session.id, r: requestId, a: false });
    assert.equal(again.errors?.[0]?.extensions?.code, 'WRITE_REQUEST_CLOSED');
    await live.end();
  });

  it('tells the agent when the customer declines, and only the customer may answer', async () => {
    const live = await liveSession();
    const asked = await gql<{ requestWriteMode: { writeRequestId: string } }>(
      url,
      REQUEST,
      { id: live.session.id },
      { cookie: agentCookie },
    );
    const requestId = asked.data!.requestWriteMode.writeRequestId;
    assert.equal(errorCode(await gql(url, ANSWER, { id: live.session.id, r: requestId, a: true }, { cookie: agentCookie })), 'FORBIDDEN');
    await wsExecute(live.customer, ANSWER, { id: live.session.id, r: requestId, a: false });
    const declined = await live.agentStream.next(isEvent('write-declined'));
    assert.equal(declined.type === 'session' && declined.session.mode, 'POINTER');
    await live.end();
  });

  it('lets an unanswered request expire with a notice to both sides', async () => {
    const live = await liveSession();
    const agent = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent@example.com' } });
    await requestWriteMode(server.deps, agent, live.session.id, 100);
    const asked = await live.customerStream.next(isEvent('write-requested'));
    await live.agentStream.next(isEvent('write-expired'));
    const late = await wsExecute(live.customer, ANSWER, {
      id: live.session.id,
      r: asked.type === 'session' ? asked.session.writeRequest!.id : '',
      a: true,
    });
    assert.equal(late.errors?.[0]?.extensions?.code, 'WRITE_REQUEST_CLOSED');
    await live.end();
  });

  it('refuses agent actions outside Write Mode, from another agent, and to another site; delivers and audits the rest', async () => {
    const live = await liveSession();
    const click = { type: 'action', id: 1, action: { kind: 'click', nodeId: 12 }, target: 'button#counter' };
    const early = await wsExecute(live.agent, SIGNAL, { id: live.session.id, s: click });
    assert.equal(early.errors?.[0]?.extensions?.code, 'WRITE_MODE_REQUIRED');
    await approve(live);
    assert.equal(errorCode(await gql(url, SIGNAL, { id: live.session.id, s: click }, { cookie: otherAgentCookie })), 'FORBIDDEN');
    const offSite = await wsExecute(live.agent, SIGNAL, {
      id: live.session.id,
      s: { type: 'action', id: 2, action: { kind: 'open', url: 'https://evil.example/' } },
    });
    assert.equal(offSite.errors?.[0]?.extensions?.code, 'ORIGIN_NOT_ALLOWED');

    assert.deepEqual(await wsExecute(live.agent, SIGNAL, { id: live.session.id, s: click }), { data: { sendSignal: true } });
    const typed = { type: 'action', id: 3, action: { kind: 'input', nodeId: 14, value: 'typed-secret-value' }, target: 'input#name' };
    await wsExecute(live.agent, SIGNAL, { id: live.session.id, s: typed });
    await live.customerStream.next((m) => m.type === 'action' && m.id === 3);
    await wsExecute(live.customer, 'mutation($id: ID!, $r: JSON!){ reportActionResult(sessionId: $id, result: $r) }', {
      id: live.session.id,
      r: { id: 3, ok: false, reason: 'masked' },
    });
    await live.agentStream.next((m) => m.type === 'action-result' && m.id === 3 && !m.ok);

    // Action audits are written off the stream's path, in order: once the last one is there, a
    // row for a refused action would be too.
    const rows = await waitFor(async () => {
      const found = await server.deps.db.auditEvent.findMany({
        where: { sessionId: live.session.id, type: 'AGENT_ACTION' },
        orderBy: { sequence: 'asc' },
      });
      return found.some((row) => row.data.includes('input#name')) ? found : undefined;
    }, 'the typed action’s audit row');
    assert.deepEqual(
      rows.map((row) => JSON.parse(row.data)),
      [
        { kind: 'click', target: 'button#counter' },
        { kind: 'input', target: 'input#name' },
      ],
    );
    assert.ok(rows.every((row) => !row.data.includes('typed-secret-value')));
    await live.end();
  });

  it('lets either side go back to Pointer Mode, which stops agent actions', async () => {
    const live = await liveSession();
    await approve(live);
    await wsExecute(live.customer, POINTER, { id: live.session.id });
    const back = await live.agentStream.next(isEvent('pointer-mode'));
    assert.equal(back.type === 'session' && back.by, 'CUSTOMER');
    const refused = await wsExecute(live.agent, SIGNAL, {
      id: live.session.id,
      s: { type: 'action', id: 9, action: { kind: 'navigate', to: 'back' } },
    });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'WRITE_MODE_REQUIRED');
    await approve(live);
    await wsExecute(live.agent, POINTER, { id: live.session.id });
    const agentBack = await live.customerStream.next((m) => isEvent('pointer-mode')(m) && m.type === 'session' && m.by === 'AGENT');
    assert.equal(agentBack.type === 'session' && agentBack.session.mode, 'POINTER');
    const types = (await server.deps.db.auditEvent.findMany({ where: { sessionId: live.session.id }, orderBy: { sequence: 'asc' } })).map(
      (row) => row.type,
    );
    assert.deepEqual(types.slice(2), [
      'WRITE_REQUESTED',
      'WRITE_APPROVED',
      'POINTER_MODE',
      'WRITE_REQUESTED',
      'WRITE_APPROVED',
      'POINTER_MODE',
    ]);
    await live.end();
  });

  it('lets an admin turn Write Mode off, and checks the rules an admin saves', async () => {
    assert.equal(errorCode(await gql(url, SETTINGS, { input: { writeModeEnabled: false } }, { cookie: agentCookie })), 'FORBIDDEN');
    const bad = await gql(url, SETTINGS, { input: { disabledSelectors: ['a[href'] } }, { cookie: adminCookie });
    assert.equal(errorCode(bad), 'BAD_USER_INPUT');
    assert.match(bad.errors![0]!.message, /a\[href/);
    const saved = await gql(
      url,
      SETTINGS,
      { input: { writeModeEnabled: false, disabledSelectors: ['#delete-account'] } },
      { cookie: adminCookie },
    );
    assert.deepEqual(saved.data, { updateSiteSettings: { writeModeEnabled: false, disabledSelectors: ['#delete-account'] } });
    const live = await liveSession();
    const rules = live.agentStream.values.find((m) => m.type === 'rules');
    assert.equal(rules?.type === 'rules' && rules.rules.writeModeEnabled, false);
    assert.ok(rules?.type === 'rules' && rules.rules.disabledSelectors.includes('#delete-account'));
    assert.equal(errorCode(await gql(url, REQUEST, { id: live.session.id }, { cookie: agentCookie })), 'WRITE_MODE_DISABLED');
    await gql(url, SETTINGS, { input: { writeModeEnabled: true, disabledSelectors: [] } }, { cookie: adminCookie });
    await live.end();
  });
});
