import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MASKED_PAGE_EVENT_TAG, type SessionStatus, type StreamMessage } from '../protocol/index.ts';
import { SESSION_EVENTS } from '../protocol/session-events.ts';
import {
  applyTransition,
  canTake,
  SESSION_TRANSITIONS,
  statusAfter,
  type SessionTransition,
} from '../server/sessions/session-transitions.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const STATUSES: SessionStatus[] = ['WAITING', 'ACTIVE', 'PAUSED', 'ENDED'];
const TRANSITIONS = Object.keys(SESSION_TRANSITIONS) as SessionTransition[];

describe('the session lifecycle table', () => {
  it('lets nothing start from ENDED, and ends every live state', () => {
    assert.deepEqual(
      TRANSITIONS.filter((transition) => canTake(transition, 'ENDED')),
      [],
    );
    for (const status of ['WAITING', 'ACTIVE', 'PAUSED'] as const) assert.equal(statusAfter('end', status), 'ENDED');
  });

  it('reaches every status from WAITING', () => {
    const reached = new Set<SessionStatus>(['WAITING']);
    for (let grown = true; grown; ) {
      grown = false;
      for (const status of [...reached])
        for (const transition of TRANSITIONS)
          if (canTake(transition, status) && !reached.has(statusAfter(transition, status))) {
            reached.add(statusAfter(transition, status));
            grown = true;
          }
    }
    assert.deepEqual([...reached].sort(), [...STATUSES].sort());
  });

  it('pauses only an active session, resumes only a paused one, and asks for Write Mode only while active', () => {
    const from = (transition: SessionTransition) => STATUSES.filter((status) => canTake(transition, status));
    assert.deepEqual(from('pause'), ['ACTIVE']);
    assert.deepEqual(from('resume'), ['PAUSED']);
    assert.deepEqual(from('join'), ['WAITING']);
    assert.deepEqual(from('requestWrite'), ['ACTIVE']);
    assert.equal(statusAfter('pause', 'ACTIVE'), 'PAUSED');
    assert.equal(statusAfter('resume', 'PAUSED'), 'ACTIVE');
  });

  it('audits every transition but presence as an audited event of the vocabulary', () => {
    for (const transition of TRANSITIONS) {
      const { event } = SESSION_TRANSITIONS[transition];
      if (transition === 'customerGone' || transition === 'customerBack') assert.equal(event, null);
      else assert.equal(event && SESSION_EVENTS[event].audited, true, transition);
    }
  });
});

const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id status } }';

describe('session transitions on a real database', () => {
  let server: TestServer;
  let url: string;
  let receiver: WebhookReceiver;

  before(async () => {
    server = await startTestServer({ config: { webhookAllowPrivateTargets: true, webhookPollIntervalMs: 50 } });
    receiver = await startWebhookReceiver();
    url = server.url;
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  const statusOf = async (id: string) => (await server.deps.db.session.findUniqueOrThrow({ where: { id } })).status;
  const auditTypes = async (id: string) =>
    (await server.deps.db.auditEvent.findMany({ where: { sessionId: id }, orderBy: { sequence: 'asc' } })).map((row) => row.type);

  it('changes nothing when the session is not in a state the transition starts from', async () => {
    const session = await startCustomerSession(url);
    assert.equal(await applyTransition(server.deps.db, 'resume', session.id), 0);
    assert.equal(await applyTransition(server.deps.db, 'pause', session.id), 0);
    assert.equal(await statusOf(session.id), 'WAITING');
    assert.equal(await applyTransition(server.deps.db, 'end', session.id), 1);
    assert.equal(await applyTransition(server.deps.db, 'end', session.id), 0, 'ending twice changes nothing');
    assert.equal(await applyTransition(server.deps.db, 'join', session.id), 0, 'an ended session cannot be joined');
    assert.equal(await statusOf(session.id), 'ENDED');
  });

  it('changes thousands of sessions at once, as one instance holding thousands of customers does', async () => {
    const { db } = server.deps;
    const many = Array.from({ length: 5000 }, (_, index) => ({
      code: String(700_000_000 + index),
      customerTokenHash: `bulk-${index}`,
      origin: url,
      url: `${url}/demo`,
    }));
    await db.session.createMany({ data: many });
    const ids = (await db.session.findMany({ where: { customerTokenHash: { startsWith: 'bulk-' } }, select: { id: true } })).map(
      (row) => row.id,
    );
    assert.equal(ids.length, 5000);
    const gone = { guard: { customerGoneAt: null }, data: { customerGoneAt: new Date() } };
    assert.equal(await applyTransition(db, 'customerGone', ids, gone), 5000);
    assert.equal(
      await applyTransition(db, 'customerBack', ids, { guard: { customerGoneAt: { not: null } }, data: { customerGoneAt: null } }),
      5000,
    );
    assert.equal(await applyTransition(db, 'end', ids), 5000);
  });

  it('pauses while the customer is on a page agents may not see, and resumes when they are back, told to the agent, audited and sent to webhooks', async () => {
    const admin = await signIn(url, 'admin@example.com');
    const endpoint = await gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      url,
      'mutation($input: CreateWebhookEndpointInput!){ createWebhookEndpoint(input: $input){ endpoint { id } } }',
      { input: { url: receiver.url, events: ['SESSION_PAUSED', 'SESSION_RESUMED'] } },
      { cookie: admin },
    );
    assert.ok(endpoint.data, JSON.stringify(endpoint.errors));

    const session = await startCustomerSession(url);
    const agentCookie = await signIn(url, 'agent@example.com');
    assert.equal((await gql(url, JOIN, { code: session.code }, { cookie: agentCookie })).errors, undefined);
    const agent = wsClient(url, { cookie: agentCookie });
    const stream = wsCollect<StreamMessage>(agent, STREAM, { id: session.id });
    await stream.next((message) => message.type === 'session' && message.event === 'state');

    const customer = wsClient(url, { customerToken: session.customerToken });
    const send = async (seq: number, event: unknown) =>
      assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: { seq, sentAt: Date.now(), events: [event] } }), {
        data: { sendEvents: true },
      });
    const meta = (href: string) => ({ type: 4, data: { href, width: 800, height: 600 }, timestamp: Date.now() });
    const hidden = (href: string) => ({ type: 5, data: { tag: MASKED_PAGE_EVENT_TAG, payload: { href } }, timestamp: Date.now() });

    await send(1, meta(`${url}/demo`));
    await send(2, hidden(`${url}/demo/account?secret=1`));
    const paused = await stream.next((message) => message.type === 'session' && message.event === 'paused');
    assert.equal(paused.type === 'session' && paused.session.status, 'PAUSED');
    assert.equal(await statusOf(session.id), 'PAUSED');

    await send(3, meta(`${url}/demo/after`));
    const resumed = await stream.next((message) => message.type === 'session' && message.event === 'resumed');
    assert.equal(resumed.type === 'session' && resumed.session.status, 'ACTIVE');

    await send(4, meta('https://elsewhere.example/page'));
    await stream.next((message) => message.type === 'session' && message.event === 'paused');
    await server.deps.audit.drain();
    const pauses = (
      await server.deps.db.auditEvent.findMany({
        where: { sessionId: session.id, type: { in: ['SESSION_PAUSED', 'SESSION_RESUMED'] } },
        orderBy: { sequence: 'asc' },
      })
    ).map((row) => [row.type, JSON.parse(row.data) as unknown]);
    assert.deepEqual(pauses, [
      ['SESSION_PAUSED', { url: `${url}/demo/account` }],
      ['SESSION_RESUMED', { url: `${url}/demo/after` }],
      ['SESSION_PAUSED', { url: null }],
    ]);
    assert.ok((await auditTypes(session.id)).includes('AGENT_JOINED'));

    await waitFor(() => receiver.received.length >= 3, 'three webhooks delivered');
    assert.deepEqual(receiver.received.map((request) => (JSON.parse(request.body) as { type: string }).type).sort(), [
      'session.paused',
      'session.paused',
      'session.resumed',
    ]);

    stream.dispose();
    await customer.dispose();
    await agent.dispose();
  });
});
