import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_GUIDED_SIGNALS_PER_SECOND, MAX_SCROLL_DELTA_PX, type StreamMessage } from '../protocol/index.ts';
import { apiEventName, eventLabel, SESSION_EVENTS, streamEventName, webhookEventName } from '../protocol/session-events.ts';
import { SESSION_TRANSITIONS } from '../server/sessions/session-transitions.ts';
import { errorCode, gql, signIn, openLiveSession, wsClient, wsCollect, wsExecute, type LiveSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const REQUEST = 'mutation($id: ID!){ requestGuidedMode(sessionId: $id){ mode guidedRequestId guidedRequestExpiresAt } }';
const ANSWER = 'mutation($id: ID!, $r: ID!, $a: Boolean!){ answerGuidedMode(sessionId: $id, requestId: $r, approve: $a){ mode } }';
const END = 'mutation($id: ID!){ endGuidedMode(sessionId: $id){ mode guidedRequestId } }';
const POINTER = 'mutation($id: ID!){ setPointerMode(sessionId: $id){ mode } }';
const REQUEST_WRITE = 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ mode } }';
const SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';
const CAPABILITIES = `capabilities { agent { point annotate scroll control navigate invite } supervisor { point annotate scroll control navigate invite } }`;
const SETTINGS = `mutation($c: RoleCapabilitiesInput!){ updateSiteSettings(input: { capabilities: $c }){ writeModeEnabled ${CAPABILITIES} } }`;

const GUIDED_EVENTS = ['GUIDED_REQUESTED', 'GUIDED_APPROVED', 'GUIDED_DECLINED', 'GUIDED_EXPIRED', 'GUIDED_ENDED'] as const;
const isEvent = (event: string) => (message: StreamMessage) => message.type === 'session' && message.event === event;

describe('Guided Mode and capabilities over GraphQL', () => {
  let server: TestServer;
  let url: string;
  let agentCookie: string;
  let adminCookie: string;
  let supervisorCookie: string;
  let receiver: WebhookReceiver;

  before(async () => {
    server = await startTestServer({ config: { webhookAllowPrivateTargets: true, webhookPollIntervalMs: 50 } });
    receiver = await startWebhookReceiver();
    url = server.url;
    agentCookie = await signIn(url, 'agent@example.com');
    adminCookie = await signIn(url, 'admin@example.com');
    supervisorCookie = await signIn(url, 'supervisor@example.com');
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  const liveSession = () => openLiveSession(url, agentCookie);

  type Live = LiveSession;

  async function ask(live: Live) {
    const asked = await gql<{ requestGuidedMode: { mode: string; guidedRequestId: string } }>(
      url,
      REQUEST,
      { id: live.session.id },
      { cookie: agentCookie },
    );
    assert.equal(asked.errors, undefined, JSON.stringify(asked.errors));
    const message = await live.customerStream.next(isEvent('guided-requested'));
    const requestId = message.type === 'session' ? message.session.guidedRequest!.id : '';
    assert.equal(requestId, asked.data!.requestGuidedMode.guidedRequestId);
    return requestId;
  }

  const auditTypes = async (id: string) =>
    (await server.deps.db.auditEvent.findMany({ where: { sessionId: id }, orderBy: { sequence: 'asc' } })).map((row) => row.type);

  it('names each Guided Mode event once, for the audit trail, the stream, webhooks and the API', async () => {
    assert.deepEqual(
      GUIDED_EVENTS.map((name) => [streamEventName(name), webhookEventName(name), apiEventName(webhookEventName(name))]),
      [
        ['guided-requested', 'session.guided_requested', 'SESSION_GUIDED_REQUESTED'],
        ['guided-approved', 'session.guided_approved', 'SESSION_GUIDED_APPROVED'],
        ['guided-declined', 'session.guided_declined', 'SESSION_GUIDED_DECLINED'],
        ['guided-expired', 'session.guided_expired', 'SESSION_GUIDED_EXPIRED'],
        ['guided-ended', 'session.guided_ended', 'SESSION_GUIDED_ENDED'],
      ],
    );
    for (const name of GUIDED_EVENTS) assert.ok(SESSION_EVENTS[name].audited && SESSION_EVENTS[name].webhook, name);
    assert.equal(eventLabel('GUIDED_APPROVED'), 'Guided Mode approved');
    // Every one is a transition of the one session table.
    const tableEvents = Object.values(SESSION_TRANSITIONS).map((spec) => spec.event);
    for (const name of GUIDED_EVENTS) assert.ok(tableEvents.includes(name), name);
    // The API's enums have them.
    const enums = await gql<{ mode: { enumValues: { name: string }[] }; hooks: { enumValues: { name: string }[] } }>(
      url,
      '{ mode: __type(name: "SessionMode"){ enumValues { name } } hooks: __type(name: "WebhookEvent"){ enumValues { name } } }',
    );
    assert.deepEqual(
      enums.data!.mode.enumValues.map((value) => value.name),
      ['POINTER', 'GUIDED', 'WRITE'],
    );
    const hooks = enums.data!.hooks.enumValues.map((value) => value.name);
    for (const name of GUIDED_EVENTS) assert.ok(hooks.includes(apiEventName(webhookEventName(name))), name);
  });

  it('asks, approves and ends Guided Mode: both sides told, audited, announced to webhooks', async () => {
    const endpoint = await gql(
      url,
      'mutation($input: CreateWebhookEndpointInput!){ createWebhookEndpoint(input: $input){ endpoint { id } } }',
      { input: { url: receiver.url, events: ['SESSION_GUIDED_REQUESTED', 'SESSION_GUIDED_APPROVED', 'SESSION_GUIDED_ENDED'] } },
      { cookie: adminCookie },
    );
    assert.equal(endpoint.errors, undefined, JSON.stringify(endpoint.errors));
    const live = await liveSession();
    const requestId = await ask(live);
    // Asking twice while one waits changes nothing; a Write Mode request waits until it is answered.
    assert.equal((await gql(url, REQUEST, { id: live.session.id }, { cookie: agentCookie })).errors, undefined);
    assert.equal(errorCode(await gql(url, REQUEST_WRITE, { id: live.session.id }, { cookie: agentCookie })), 'SESSION_ENDED');
    // Only the customer answers.
    assert.equal(errorCode(await gql(url, ANSWER, { id: live.session.id, r: requestId, a: true }, { cookie: agentCookie })), 'FORBIDDEN');
    assert.deepEqual(await wsExecute(live.customer, ANSWER, { id: live.session.id, r: requestId, a: true }), {
      data: { answerGuidedMode: { mode: 'GUIDED' } },
    });
    const approved = await live.agentStream.next(isEvent('guided-approved'));
    assert.equal(approved.type === 'session' && approved.session.mode, 'GUIDED');
    assert.equal(approved.type === 'session' && approved.by, 'CUSTOMER');
    // Once only.
    const again = await wsExecute(live.customer, ANSWER, { id: live.session.id, r: requestId, a: false });
    assert.equal(again.errors?.[0]?.extensions?.code, 'GUIDED_REQUEST_CLOSED');

    // The customer takes it back.
    assert.deepEqual(await wsExecute(live.customer, END, { id: live.session.id }), {
      data: { endGuidedMode: { mode: 'POINTER', guidedRequestId: null } },
    });
    const ended = await live.agentStream.next(isEvent('guided-ended'));
    assert.equal(ended.type === 'session' && ended.by, 'CUSTOMER');
    await live.customerStream.next(isEvent('guided-ended'));

    // The agent's pointer button ends it too (setPointerMode), audited as GUIDED_ENDED by the agent.
    const second = await ask(live);
    await wsExecute(live.customer, ANSWER, { id: live.session.id, r: second, a: true });
    await live.agentStream.next(isEvent('guided-approved'));
    assert.equal((await gql(url, POINTER, { id: live.session.id }, { cookie: agentCookie })).errors, undefined);
    const byAgent = await live.customerStream.next(isEvent('guided-ended'));
    assert.equal(byAgent.type === 'session' && byAgent.by, 'AGENT');

    const types = (await auditTypes(live.session.id)).filter((type) => type.startsWith('GUIDED_'));
    assert.deepEqual(types, ['GUIDED_REQUESTED', 'GUIDED_APPROVED', 'GUIDED_ENDED', 'GUIDED_REQUESTED', 'GUIDED_APPROVED', 'GUIDED_ENDED']);
    const rows = await server.deps.db.auditEvent.findMany({
      where: { sessionId: live.session.id, type: 'GUIDED_ENDED' },
      orderBy: { sequence: 'asc' },
    });
    assert.deepEqual(
      rows.map((row) => [row.actorKind, JSON.parse(row.data)]),
      [
        ['CUSTOMER', { by: 'CUSTOMER' }],
        ['AGENT', { by: 'AGENT' }],
      ],
    );
    await waitFor(() => receiver.received.length >= 6, 'six webhooks');
    const sent = receiver.received.map((request) => JSON.parse(request.body) as { type: string; data: { sessionId: string } });
    assert.deepEqual(
      sent.filter((event) => event.data.sessionId === live.session.id).map((event) => event.type),
      [
        'session.guided_requested',
        'session.guided_approved',
        'session.guided_ended',
        'session.guided_requested',
        'session.guided_approved',
        'session.guided_ended',
      ],
    );
    await live.end();
  });

  it('lets scrolls and highlights through only in Guided or Write Mode, and never a click, typing or navigation in Guided Mode', async () => {
    const live = await liveSession();
    const id = live.session.id;
    const send = (signal: unknown) => wsExecute(live.agent, SIGNAL, { id, s: signal });
    const scroll = { type: 'scroll', dx: 0, dy: 120 };
    const highlight = { type: 'highlight', target: { x: 10, y: 10 } };
    assert.equal((await send(scroll)).errors?.[0]?.extensions?.code, 'GUIDED_MODE_REQUIRED');
    assert.equal((await send(highlight)).errors?.[0]?.extensions?.code, 'GUIDED_MODE_REQUIRED');

    const requestId = await ask(live);
    await wsExecute(live.customer, ANSWER, { id, r: requestId, a: true });
    await live.agentStream.next(isEvent('guided-approved'));
    assert.deepEqual((await send(scroll)).data, { sendSignal: true });
    assert.deepEqual(await live.customerStream.next((m) => m.type === 'scroll'), scroll);
    assert.deepEqual((await send(highlight)).data, { sendSignal: true });
    assert.deepEqual(await live.customerStream.next((m) => m.type === 'highlight'), highlight);
    for (const action of [
      { kind: 'click', nodeId: 5 },
      { kind: 'input', nodeId: 5, value: 'x' },
      { kind: 'navigate', to: 'back' },
      { kind: 'open', url: `${url}/demo` },
    ]) {
      const refused = await send({ type: 'action', id: 1, action });
      assert.equal(refused.errors?.[0]?.extensions?.code, 'NOT_ALLOWED_IN_GUIDED_MODE', action.kind);
    }
    // Bad input is named; a scroll has a limit.
    const far = await send({ type: 'scroll', dx: 0, dy: MAX_SCROLL_DELTA_PX + 1 });
    assert.equal(far.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(far.errors?.[0]?.message ?? '', /dy/);
    // And a rate: past it, RATE_LIMITED.
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < MAX_GUIDED_SIGNALS_PER_SECOND * 2 + 2; i++)
      codes.push((await send(scroll)).errors?.[0]?.extensions?.code as string);
    assert.ok(codes.includes('RATE_LIMITED'), 'refused past the rate');
    assert.ok(codes.indexOf('RATE_LIMITED') >= MAX_GUIDED_SIGNALS_PER_SECOND * 2 - 2, 'not before it');
    await live.end();
  });

  it('keeps today’s tools by default, and refuses what an admin turned off (CAPABILITY_DISABLED)', async () => {
    const read = await gql<{ siteSettings: { capabilities: Record<string, Record<string, boolean>> } }>(
      url,
      `{ siteSettings { ${CAPABILITIES} } }`,
      {},
      { cookie: adminCookie },
    );
    assert.deepEqual(read.data!.siteSettings.capabilities, {
      agent: { point: true, annotate: true, scroll: true, control: true, navigate: true, invite: true },
      supervisor: { point: false, annotate: false, scroll: false, control: false, navigate: false, invite: false },
    });
    assert.equal(errorCode(await gql(url, SETTINGS, { c: { agent: { point: false } } }, { cookie: agentCookie })), 'FORBIDDEN');

    const live = await liveSession();
    const id = live.session.id;
    // Over HTTP each call reads the site's capabilities afresh.
    const send = (signal: unknown, cookie = agentCookie) => gql(url, SIGNAL, { id, s: signal }, { cookie });
    const changed = await gql(url, SETTINGS, { c: { agent: { point: false, annotate: false, scroll: false } } }, { cookie: adminCookie });
    assert.equal(changed.errors, undefined, JSON.stringify(changed.errors));
    assert.equal(errorCode(await send({ type: 'pointer', target: { x: 1, y: 1 } })), 'CAPABILITY_DISABLED');
    assert.equal(errorCode(await send({ type: 'clear-annotations' })), 'CAPABILITY_DISABLED');
    assert.equal(errorCode(await send({ type: 'scroll', dx: 0, dy: 1 })), 'CAPABILITY_DISABLED');
    assert.equal(errorCode(await gql(url, REQUEST, { id }, { cookie: agentCookie })), 'CAPABILITY_DISABLED');
    assert.deepEqual((await send({ type: 'request-snapshot' })).data, { sendSignal: true });
    // The rules the agent's page gets say so, so it hides those tools.
    const agent = wsClient(url, { cookie: agentCookie });
    const rules = await wsCollect<StreamMessage>(agent, STREAM, { id }).next((m) => m.type === 'rules');
    assert.deepEqual(rules.type === 'rules' && rules.rules.capabilities, {
      point: false,
      annotate: false,
      scroll: false,
      control: true,
      navigate: true,
      invite: true,
    });
    await agent.dispose();
    // Write Mode needs clicking and typing or navigating.
    await gql(url, SETTINGS, { c: { agent: { control: false, navigate: false } } }, { cookie: adminCookie });
    assert.equal(errorCode(await gql(url, REQUEST_WRITE, { id }, { cookie: agentCookie })), 'CAPABILITY_DISABLED');

    // Supervisors watch read-only until an admin gives them a tool.
    assert.equal(errorCode(await send({ type: 'pointer', target: { x: 1, y: 1 } }, supervisorCookie)), 'FORBIDDEN');
    await gql(url, SETTINGS, { c: { supervisor: { point: true } } }, { cookie: adminCookie });
    assert.deepEqual((await send({ type: 'pointer', target: { x: 2, y: 2 } }, supervisorCookie)).data, { sendSignal: true });
    assert.deepEqual(await live.customerStream.next((m) => m.type === 'pointer'), { type: 'pointer', target: { x: 2, y: 2 } });
    assert.equal(errorCode(await send({ type: 'action', id: 1, action: { kind: 'navigate', to: 'back' } }, supervisorCookie)), 'FORBIDDEN');

    await gql(
      url,
      SETTINGS,
      {
        c: {
          agent: { point: true, annotate: true, scroll: true, control: true, navigate: true },
          supervisor: { point: false },
        },
      },
      { cookie: adminCookie },
    );
    assert.deepEqual((await send({ type: 'pointer', target: { x: 3, y: 3 } })).data, { sendSignal: true });
    await live.end();
  });
});
