import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { expireHandoverOffers } from '../server/sessions/expire-waiting-sessions.ts';
import { offerHandover } from '../server/sessions/hand-over.ts';
import { canTake, statusAfter, type SessionTransition } from '../server/sessions/session-transitions.ts';
import {
  errorCode,
  gql,
  signIn,
  openLiveSession,
  type LiveSession,
  startCustomerSession,
  wsClient,
  wsCollect,
  wsExecute,
} from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const OFFERS = 'subscription { handoverOffers { open offer { id sessionId sessionCode fromAgentName toAgentName expiresAt } } }';
const OFFER =
  'mutation($id: ID!, $to: ID, $email: String){ offerHandover(sessionId: $id, toAgentId: $to, toEmail: $email){ id toAgentName } }';
const ACCEPT = 'mutation($o: ID!){ acceptHandover(offerId: $o){ id mode agent { name } } }';
const DECLINE = 'mutation($o: ID!){ declineHandover(offerId: $o) }';
const TAKE_OVER = 'mutation($id: ID!){ takeOverSession(sessionId: $id){ id mode agent { name } } }';
const SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';
const SETTINGS = 'mutation($on: Boolean!){ updateSiteSettings(input: { handoverEnabled: $on }){ handoverEnabled writeModeEnabled } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';

interface OfferChange {
  open: boolean;
  offer: { id: string; sessionId: string; sessionCode: string; fromAgentName: string; toAgentName: string; expiresAt: string };
}

/** The error code of a WebSocket operation's answer. */
const wsCode = (answer: { errors?: { extensions?: { code?: string } }[] }) => answer.errors?.[0]?.extensions?.code;

const isEvent = (event: string) => (message: StreamMessage) => message.type === 'session' && message.event === event;

describe('hand-over in the session lifecycle table', () => {
  it('changes the agent only while one holds the session, never the status; offers close in any live state', () => {
    const from = (transition: SessionTransition) =>
      (['WAITING', 'ACTIVE', 'PAUSED', 'ENDED'] as const).filter((status) => canTake(transition, status));
    for (const transition of ['offerHandover', 'handOver', 'supervisorTakeOver'] as const) {
      assert.deepEqual(from(transition), ['ACTIVE', 'PAUSED'], transition);
      assert.equal(statusAfter(transition, 'PAUSED'), 'PAUSED');
    }
    for (const transition of ['declineHandover', 'expireHandover'] as const)
      assert.deepEqual(from(transition), ['WAITING', 'ACTIVE', 'PAUSED']);
  });
});

describe('Hand-over between agents over GraphQL', () => {
  let server: TestServer;
  let url: string;
  const cookies: Record<'agent' | 'agent2' | 'supervisor' | 'admin', string> = { agent: '', agent2: '', supervisor: '', admin: '' };
  const ids: Record<string, string> = {};

  before(async () => {
    server = await startTestServer({ config: { webhookAllowPrivateTargets: true } });
    url = server.url;
    for (const [who, email] of [
      ['agent', 'agent@example.com'],
      ['agent2', 'agent2@example.com'],
      ['supervisor', 'supervisor@example.com'],
      ['admin', 'admin@example.com'],
    ] as const) {
      cookies[who] = await signIn(url, email);
      ids[who] = (await gql<{ me: { id: string } }>(url, '{ me { id } }', {}, { cookie: cookies[who] })).data!.me.id;
    }
  });
  after(() => server.close());

  const as = <T = Record<string, unknown>>(who: keyof typeof cookies, query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(url, query, variables, { cookie: cookies[who] });
  const setEnabled = (on: boolean) => as<{ updateSiteSettings: { handoverEnabled: boolean } }>('admin', SETTINGS, { on });

  const liveSession = () => openLiveSession(url, cookies.agent);

  /** `who` asks for Write Mode and the customer approves it. */
  async function writeModeApproved(who: 'agent' | 'agent2', live: LiveSession) {
    await as(who, 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ id } }', { id: live.session.id });
    const asked = await live.customerStream.next(isEvent('write-requested'));
    const requestId = asked.type === 'session' ? asked.session.writeRequest!.id : '';
    const answer = 'mutation($id: ID!, $r: ID!){ answerWriteMode(sessionId: $id, requestId: $r, approve: true){ mode } }';
    await wsExecute(live.customer, answer, { id: live.session.id, r: requestId });
    await live.customerStream.next(isEvent('write-approved'));
  }

  /** The second agent's desktop: online for offers while this is open. */
  async function secondDesktop() {
    const client = wsClient(url, { cookie: cookies.agent2 });
    const offers = wsCollect<OfferChange>(client, OFFERS, {});
    await waitFor(() => server.deps.db.agentPresence.findUnique({ where: { userId: ids.agent2! } }), 'the second agent online');
    return { client, offers, close: () => client.dispose() };
  }

  const auditTypes = async (sessionId: string) =>
    (await server.deps.db.auditEvent.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } })).map((row) => ({
      type: row.type,
      actorKind: row.actorKind,
      data: JSON.parse(row.data) as Record<string, unknown>,
    }));

  it('is off by default: the server refuses, and only admins turn it on', async () => {
    const live = await liveSession();
    const desk = await secondDesktop();
    assert.equal((await as<{ handoverEnabled: boolean }>('agent', '{ handoverEnabled }')).data!.handoverEnabled, false);
    assert.equal(errorCode(await as('agent', OFFER, { id: live.session.id, to: ids.agent2 })), 'HANDOVER_DISABLED');
    assert.equal(errorCode(await as('supervisor', TAKE_OVER, { id: live.session.id })), 'HANDOVER_DISABLED');
    const candidates = 'query($id: ID!){ handoverCandidates(sessionId: $id){ id } }';
    assert.equal(errorCode(await as('agent', candidates, { id: live.session.id })), 'HANDOVER_DISABLED');
    assert.equal(errorCode(await as('agent2', candidates, { id: live.session.id })), 'FORBIDDEN', 'only for the session’s agent');
    assert.equal(errorCode(await as('agent', SETTINGS, { on: true })), 'FORBIDDEN');
    assert.equal(errorCode(await as('supervisor', SETTINGS, { on: true })), 'FORBIDDEN');
    const on = await setEnabled(true);
    assert.equal(on.data!.updateSiteSettings.handoverEnabled, true);
    assert.equal((await as<{ handoverEnabled: boolean }>('agent', '{ handoverEnabled }')).data!.handoverEnabled, true);
    const read = await as<{ siteSettings: { handoverEnabled: boolean; writeModeEnabled: boolean } }>(
      'admin',
      '{ siteSettings { handoverEnabled writeModeEnabled } }',
    );
    assert.deepEqual(read.data!.siteSettings, { handoverEnabled: true, writeModeEnabled: true }, 'the other settings kept');
    await setEnabled(false);
    assert.equal(errorCode(await as('agent', OFFER, { id: live.session.id, to: ids.agent2 })), 'HANDOVER_DISABLED');
    assert.equal(desk.offers.values.length, 0, 'no offer reached the second agent');
    await desk.close();
    await live.end();
  });

  it('refuses an offer to yourself, to a non-agent, to someone offline or busy, from someone not holding the session', async () => {
    await setEnabled(true);
    const live = await liveSession();
    const id = live.session.id;
    assert.equal(errorCode(await as('agent', OFFER, { id, to: ids.agent })), 'HANDOVER_TARGET_UNAVAILABLE');
    assert.equal(errorCode(await as('agent', OFFER, { id, to: ids.supervisor })), 'HANDOVER_TARGET_UNAVAILABLE');
    assert.equal(errorCode(await as('agent', OFFER, { id, email: 'nobody@example.com' })), 'HANDOVER_TARGET_UNAVAILABLE');
    assert.equal(errorCode(await as('agent', OFFER, { id })), 'BAD_USER_INPUT');
    const offline = await as('agent', OFFER, { id, to: ids.agent2 });
    assert.equal(errorCode(offline), 'HANDOVER_TARGET_UNAVAILABLE');
    assert.match(offline.errors![0]!.message, /not online/);
    assert.equal(errorCode(await as('agent2', OFFER, { id, to: ids.agent })), 'FORBIDDEN', 'only the session’s agent offers it');

    const candidates = await as<{ handoverCandidates: { id: string; unavailableReason: string | null }[] }>(
      'agent',
      'query($id: ID!){ handoverCandidates(sessionId: $id){ id unavailableReason } }',
      { id },
    );
    assert.deepEqual(candidates.data!.handoverCandidates, [
      { id: ids.agent2, unavailableReason: 'not online: their agent desktop is closed' },
    ]);

    // Online but busy with a session of their own.
    const desk = await secondDesktop();
    const own = await startCustomerSession(url);
    await as('agent2', 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: own.code });
    const busy = await as('agent', OFFER, { id, email: 'AGENT2@example.com' });
    assert.equal(errorCode(busy), 'HANDOVER_TARGET_UNAVAILABLE');
    assert.match(busy.errors![0]!.message, /another co-browse session/);
    await as('agent2', EXIT, { id: own.id });
    const online = await as<{ handoverCandidates: { unavailableReason: string | null }[] }>(
      'agent',
      'query($id: ID!){ handoverCandidates(sessionId: $id){ unavailableReason } }',
      { id },
    );
    assert.equal(online.data!.handoverCandidates[0]!.unavailableReason, null);

    // Closing the desktop takes the agent offline at once.
    await desk.close();
    await waitFor(async () => (await server.deps.db.agentPresence.count({ where: { userId: ids.agent2! } })) === 0, 'offline');
    assert.equal(errorCode(await as('agent', OFFER, { id, to: ids.agent2 })), 'HANDOVER_TARGET_UNAVAILABLE');
    await live.end();
  });

  it('hands a session over: one offer at a time, a double accept, Write Mode ends, the first agent’s stream ends, everyone told', async () => {
    await setEnabled(true);
    const endpoint = await as<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      'admin',
      'mutation($input: CreateWebhookEndpointInput!){ createWebhookEndpoint(input: $input){ endpoint { id } } }',
      { input: { url: 'http://127.0.0.1:9/hooks', events: ['SESSION_HANDOVER_OFFERED', 'SESSION_HANDED_OVER'] } },
    );
    assert.ok(endpoint.data, JSON.stringify(endpoint.errors));
    const live = await liveSession();
    const id = live.session.id;
    // Write Mode on first: the new agent must start in Pointer Mode.
    await writeModeApproved('agent', live);

    const desk = await secondDesktop();
    const offered = await as<{ offerHandover: { id: string; toAgentName: string } }>('agent', OFFER, { id, to: ids.agent2 });
    assert.ok(offered.data, JSON.stringify(offered.errors));
    const offerId = offered.data.offerHandover.id;
    const reached = await desk.offers.next((change) => change.open);
    assert.equal(reached.offer.id, offerId);
    assert.equal(reached.offer.sessionCode, live.session.code);
    await live.agentStream.next(isEvent('handover-offered'));
    assert.equal(errorCode(await as('agent', OFFER, { id, to: ids.agent2 })), 'HANDOVER_PENDING', 'one offer at a time');
    const listed = await as<{ myHandoverOffers: { id: string }[] }>('agent2', '{ myHandoverOffers { id } }');
    assert.deepEqual(listed.data!.myHandoverOffers, [{ id: offerId }]);
    assert.equal(errorCode(await as('agent', ACCEPT, { o: offerId })), 'HANDOVER_CLOSED', 'only the offered agent accepts');

    // A double click: both accepts answer with the session, now the second agent's.
    const [first, second] = await Promise.all([as('agent2', ACCEPT, { o: offerId }), as('agent2', ACCEPT, { o: offerId })]);
    for (const answer of [first, second]) {
      assert.ok(answer.data, JSON.stringify(answer.errors));
      assert.deepEqual(answer.data.acceptHandover, { id, mode: 'POINTER', agent: { name: 'Blair Agent' } });
    }
    const told = await live.agentStream.next(isEvent('handed-over'));
    assert.ok(told.type === 'session' && told.agentId === ids.agent2, 'the first agent learns who holds it now');
    await waitFor(() => live.agentStream.completed, 'the first agent’s stream to end');
    const customerTold = await live.customerStream.next(isEvent('handed-over'));
    assert.ok(customerTold.type === 'session');
    assert.equal(customerTold.session.agentName, 'Blair Agent');
    assert.equal(customerTold.session.mode, 'POINTER');
    assert.equal(customerTold.agentId, undefined, 'the customer gets no user id');
    await desk.offers.next((change) => !change.open && change.offer.id === offerId);

    // The first agent may no longer point; the second may, and holds the session.
    assert.equal(wsCode(await wsExecute(live.agent, SIGNAL, { id, s: { type: 'pointer', target: { x: 1, y: 1 } } })), 'FORBIDDEN');
    const pointed = await wsExecute(desk.client, SIGNAL, { id, s: { type: 'pointer', target: { x: 2, y: 2 } } });
    assert.equal(pointed.errors, undefined);
    const users = await server.deps.db.user.findMany({ where: { id: { in: [ids.agent!, ids.agent2!] } } });
    assert.deepEqual(Object.fromEntries(users.map((user) => [user.id, user.activeSessionId])), { [ids.agent!]: null, [ids.agent2!]: id });

    const rows = await auditTypes(id);
    const offeredRow = rows.find((row) => row.type === 'HANDOVER_OFFERED');
    assert.deepEqual(
      { ...offeredRow!.data, expiresAt: undefined },
      {
        offerId,
        fromAgentId: ids.agent,
        fromAgentName: 'Alex Agent',
        toAgentId: ids.agent2,
        toAgentName: 'Blair Agent',
        expiresAt: undefined,
      },
    );
    assert.equal(rows.filter((row) => row.type === 'SESSION_HANDED_OVER').length, 1, 'accepted once');
    const history = await as<{ session: { agentHistory: { agentName: string; start: string }[] } }>(
      'supervisor',
      'query($id: ID!){ session(id: $id){ agentHistory { agentName start } } }',
      { id },
    );
    assert.deepEqual(history.data!.session.agentHistory, [
      { agentName: 'Alex Agent', start: 'JOINED' },
      { agentName: 'Blair Agent', start: 'HANDED_OVER' },
    ]);
    const hooks = await server.deps.db.webhookDelivery.findMany({ where: { endpointId: endpoint.data.createWebhookEndpoint.endpoint.id } });
    assert.deepEqual(hooks.map((row) => row.eventType).sort(), ['session.handed_over', 'session.handover_offered']);
    const payload = JSON.parse(hooks.find((row) => row.eventType === 'session.handed_over')!.payload) as { data: Record<string, unknown> };
    assert.equal(payload.data.sessionId, id);
    assert.equal(payload.data.toAgentId, ids.agent2);
    await as('admin', 'mutation($id: ID!){ deleteWebhookEndpoint(id: $id){ id } }', {
      id: endpoint.data.createWebhookEndpoint.endpoint.id,
    });

    await desk.close();
    await live.end();
  });

  it('withdraws what the first agent asked the customer, and the first agent’s other connection loses its rights', async () => {
    await setEnabled(true);
    const live = await liveSession();
    const id = live.session.id;
    // A second connection of the first agent with no stream open (another tab): allowed to point now.
    const other = wsClient(url, { cookie: cookies.agent });
    const point = { id, s: { type: 'pointer', target: { x: 1, y: 1 } } };
    assert.equal((await wsExecute(other, SIGNAL, point)).errors, undefined);
    await as('agent', 'mutation($id: ID!){ requestGuidedMode(sessionId: $id){ id } }', { id });
    const asked = await live.customerStream.next(isEvent('guided-requested'));
    const guidedRequestId = asked.type === 'session' ? asked.session.guidedRequest!.id : '';
    assert.ok(guidedRequestId);

    const desk = await secondDesktop();
    const offered = await as<{ offerHandover: { id: string } }>('agent', OFFER, { id, to: ids.agent2 });
    assert.ok(offered.data, JSON.stringify(offered.errors));
    assert.ok((await as('agent2', ACCEPT, { o: offered.data.offerHandover.id })).data);
    const handed = await live.customerStream.next(isEvent('handed-over'));
    assert.equal(handed.type === 'session' && handed.session.guidedRequest, null, 'the question the first agent asked is withdrawn');
    const late = await wsExecute(
      live.customer,
      'mutation($id: ID!, $r: ID!){ answerGuidedMode(sessionId: $id, requestId: $r, approve: true){ mode } }',
      { id, r: guidedRequestId },
    );
    assert.ok(late.errors, 'approving the withdrawn question is refused');
    assert.equal((await server.deps.db.session.findUniqueOrThrow({ where: { id } })).mode, 'POINTER');

    // The customer approves Write Mode for the second agent: the first agent's connection may not act on it.
    await writeModeApproved('agent2', live);
    const click = { id, s: { type: 'action', id: 1, action: { kind: 'click', nodeId: 12 }, target: 'button#ok' } };
    assert.equal(wsCode(await wsExecute(other, SIGNAL, click)), 'FORBIDDEN');
    assert.equal((await wsExecute(desk.client, SIGNAL, click)).errors, undefined, 'the agent who holds it may');
    const actions = (await auditTypes(id)).filter((row) => row.type === 'AGENT_ACTION');
    assert.equal(actions.length, 1, 'only the second agent’s click is audited');

    await other.dispose();
    await desk.close();
    await live.end();
  });

  it('tells the offering agent of a decline; a declined offer cannot be accepted', async () => {
    const live = await liveSession();
    const desk = await secondDesktop();
    const offerId = (await as<{ offerHandover: { id: string } }>('agent', OFFER, { id: live.session.id, to: ids.agent2 })).data!
      .offerHandover.id;
    await desk.offers.next((change) => change.open);
    assert.equal(errorCode(await as('agent', DECLINE, { o: offerId })), 'HANDOVER_CLOSED', 'only the offered agent declines');
    assert.equal((await as<{ declineHandover: boolean }>('agent2', DECLINE, { o: offerId })).data!.declineHandover, true);
    const told = await live.agentStream.next(isEvent('handover-declined'));
    assert.equal(told.type === 'session' && told.byName, 'Blair Agent');
    assert.equal(errorCode(await as('agent2', ACCEPT, { o: offerId })), 'HANDOVER_CLOSED');
    assert.equal(errorCode(await as('agent2', DECLINE, { o: offerId })), 'HANDOVER_CLOSED');
    assert.ok((await auditTypes(live.session.id)).some((row) => row.type === 'HANDOVER_DECLINED' && row.actorKind === 'AGENT'));
    // The session is free for a new offer.
    assert.ok((await as('agent', OFFER, { id: live.session.id, to: ids.agent2 })).data);
    await desk.close();
    await live.end();
  });

  it('closes a pending offer when the customer leaves, and when it expires', async () => {
    const live = await liveSession();
    const desk = await secondDesktop();
    const offerId = (await as<{ offerHandover: { id: string } }>('agent', OFFER, { id: live.session.id, to: ids.agent2 })).data!
      .offerHandover.id;
    await desk.offers.next((change) => change.open && change.offer.id === offerId);
    await live.end(); // the customer exits
    await desk.offers.next((change) => !change.open && change.offer.id === offerId);
    assert.equal(errorCode(await as('agent2', ACCEPT, { o: offerId })), 'HANDOVER_CLOSED');
    const closed = (await auditTypes(live.session.id)).find((row) => row.type === 'HANDOVER_EXPIRED');
    assert.equal(closed?.data.reason, 'session-ended');
    assert.deepEqual((await as<{ myHandoverOffers: unknown[] }>('agent2', '{ myHandoverOffers { id } }')).data!.myHandoverOffers, []);

    const next = await liveSession();
    const agentRow = await server.deps.db.user.findUniqueOrThrow({ where: { id: ids.agent! } });
    const short = await offerHandover(server.deps, agentRow, next.session.id, { agentId: ids.agent2 }, 300);
    await desk.offers.next((change) => !change.open && change.offer.id === short.id);
    await next.agentStream.next(isEvent('handover-expired'));
    assert.equal(errorCode(await as('agent2', ACCEPT, { o: short.id })), 'HANDOVER_CLOSED');
    const expired = (await auditTypes(next.session.id)).find((row) => row.type === 'HANDOVER_EXPIRED');
    assert.deepEqual([expired?.actorKind, expired?.data.reason], ['SYSTEM', 'expired']);

    // An offer whose instance stopped before its timer ran: the sweep closes it, as the timer would.
    const orphan = await offerHandover(server.deps, agentRow, next.session.id, { agentId: ids.agent2 }, 600_000);
    await desk.offers.next((change) => change.open && change.offer.id === orphan.id);
    assert.equal(await expireHandoverOffers(server.deps), 0, 'not due yet');
    await server.deps.db.session.update({ where: { id: next.session.id }, data: { handoverExpiresAt: new Date(Date.now() - 1000) } });
    assert.equal(await expireHandoverOffers(server.deps), 1);
    await desk.offers.next((change) => !change.open && change.offer.id === orphan.id);
    assert.equal(errorCode(await as('agent2', ACCEPT, { o: orphan.id })), 'HANDOVER_CLOSED');
    assert.equal((await auditTypes(next.session.id)).filter((row) => row.type === 'HANDOVER_EXPIRED').length, 2);
    assert.equal(await expireHandoverOffers(server.deps), 0, 'nothing is left for the next sweep');
    await desk.close();
    await next.end();
  });

  it('lets a watching supervisor take a session over; the agent’s view ends and a pending offer closes', async () => {
    const live = await liveSession();
    const id = live.session.id;
    const desk = await secondDesktop();
    const offerId = (await as<{ offerHandover: { id: string } }>('agent', OFFER, { id, to: ids.agent2 })).data!.offerHandover.id;
    await desk.offers.next((change) => change.open);
    const watcher = wsClient(url, { cookie: cookies.supervisor });
    const watch = wsCollect<StreamMessage>(watcher, STREAM, { id });
    await live.customerStream.next(isEvent('supervisor-joined'));
    // Watching, the supervisor cannot point.
    assert.equal(wsCode(await wsExecute(watcher, SIGNAL, { id, s: { type: 'pointer', target: { x: 1, y: 1 } } })), 'FORBIDDEN');
    assert.equal(errorCode(await as('agent2', TAKE_OVER, { id })), 'FORBIDDEN', 'agents cannot take over');

    const taken = await as<{ takeOverSession: { mode: string; agent: { name: string } } }>('supervisor', TAKE_OVER, { id });
    assert.deepEqual(taken.data?.takeOverSession, { id, mode: 'POINTER', agent: { name: 'Sam Supervisor' } }, JSON.stringify(taken.errors));
    const again = await as<{ takeOverSession: { agent: { name: string } } }>('supervisor', TAKE_OVER, { id });
    assert.equal(again.data?.takeOverSession.agent.name, 'Sam Supervisor', 'a double click changes nothing');
    const told = await live.agentStream.next(isEvent('supervisor-took-over'));
    assert.equal(told.type === 'session' && told.byName, 'Sam Supervisor');
    await waitFor(() => live.agentStream.completed, 'the agent’s stream to end');
    const customerTold = await live.customerStream.next(isEvent('supervisor-took-over'));
    assert.equal(customerTold.type === 'session' && customerTold.session.agentName, 'Sam Supervisor');
    await desk.offers.next((change) => !change.open && change.offer.id === offerId);
    await watch.next(isEvent('supervisor-took-over'));

    // Now the supervisor points, on the same connection; the agent cannot.
    await waitFor(
      async () => (await wsExecute(watcher, SIGNAL, { id, s: { type: 'pointer', target: { x: 3, y: 3 } } })).errors === undefined,
      'the supervisor may point',
    );
    await live.customerStream.next((m) => m.type === 'pointer');
    assert.equal(wsCode(await wsExecute(live.agent, SIGNAL, { id, s: { type: 'pointer', target: { x: 1, y: 1 } } })), 'FORBIDDEN');
    const rows = await auditTypes(id);
    const row = rows.find((one) => one.type === 'SUPERVISOR_TOOK_OVER');
    assert.deepEqual(row?.data, {
      fromAgentId: ids.agent,
      fromAgentName: 'Alex Agent',
      supervisorId: ids.supervisor,
      supervisorName: 'Sam Supervisor',
    });
    assert.equal(rows.find((one) => one.type === 'HANDOVER_EXPIRED')?.data.reason, 'taken-over');
    assert.equal((await server.deps.db.user.findUniqueOrThrow({ where: { id: ids.agent! } })).activeSessionId, null);

    // The supervisor ends it as its agent, and stays a supervisor on the audit trail.
    assert.ok((await as('supervisor', EXIT, { id })).data);
    const ended = (await auditTypes(id)).find((one) => one.type === 'SESSION_ENDED');
    assert.equal(ended?.actorKind, 'SUPERVISOR');
    await Promise.all([watcher.dispose(), desk.close(), live.customer.dispose(), live.agent.dispose()]);
  });

  it('limits the offers one agent makes a minute', async () => {
    const live = await liveSession();
    const desk = await secondDesktop();
    let made = 0;
    let refused: Awaited<ReturnType<typeof as>> | null = null;
    while (!refused && made <= 10) {
      const offered = await as<{ offerHandover: { id: string } }>('agent', OFFER, { id: live.session.id, to: ids.agent2 });
      if (errorCode(offered) === 'RATE_LIMITED') refused = offered;
      else {
        assert.ok(offered.data, JSON.stringify(offered.errors));
        made++;
        await as('agent2', DECLINE, { o: offered.data.offerHandover.id });
      }
    }
    assert.ok(refused, 'the eleventh offer within a minute is refused');
    assert.ok(Number((refused.errors![0]!.extensions as Record<string, unknown>).retryAfterSeconds) > 0);
    assert.ok(made <= 10);
    await desk.close();
    await live.end();
  });
});
