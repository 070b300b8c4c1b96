import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'graphql-ws';
import { MAX_INVITATION_IDENTITY_LENGTH, type InvitationPrompt } from '../protocol/invitations.ts';
import { signIdentityToken } from '../server/sessions/identity-signature.ts';
import { errorCode, gql, signIn, wsClient, wsCollect } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const PROMPTS = 'subscription($t: String!){ invitationPrompts(identityToken: $t){ invitationId open agentName expiresAt } }';
const UPDATES = 'subscription($i: ID!){ invitationUpdates(invitationId: $i){ id status sessionId agentName } }';
const LOOKUP = 'query($e: String, $a: String){ reachableCustomer(email: $e, accountId: $a){ online sites } }';
const INVITE =
  'mutation($e: String, $a: String, $s: String){ inviteCustomer(input: { email: $e, accountId: $a, site: $s }){ id status agentName site expiresAt } }';
const DECLINE = 'mutation($i: ID!, $t: String!){ declineInvitation(invitationId: $i, identityToken: $t){ id status } }';
const START =
  'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code customer { email verified } } } }';
const JOIN_INVITED = 'mutation($id: ID!){ joinInvitedSession(sessionId: $id){ id status agent { name } } }';
const JOIN = 'mutation($c: String!){ joinSession(code: $c){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';
const SETTINGS = 'mutation($on: Boolean!){ updateSiteSettings(input: { invitationsEnabled: $on }){ invitationsEnabled } }';

interface Invitation {
  id: string;
  status: string;
  sessionId: string | null;
  agentName: string;
}

describe('Agents ask verified customers to co-browse, over GraphQL', () => {
  let server: TestServer;
  let url: string;
  let secret = '';
  const cookies: Record<'agent' | 'agent2' | 'supervisor' | 'admin', string> = { agent: '', agent2: '', supervisor: '', admin: '' };
  const clients: Client[] = [];

  before(async () => {
    // Small per-agent limit, so a test reaches it; the per-customer one stays at its default.
    server = await startTestServer({
      config: { invitationsPerAgentPerMinute: 6, invitationTtlSeconds: 3, webhookAllowPrivateTargets: true },
    });
    url = server.url;
    for (const who of Object.keys(cookies) as (keyof typeof cookies)[]) cookies[who] = await signIn(url, `${who}@example.com`);
    const rotated = await as<{ rotateIdentitySecret: { secret: string } }>('admin', 'mutation { rotateIdentitySecret { secret } }');
    secret = rotated.data!.rotateIdentitySecret.secret;
    // Nothing listens there: the queued deliveries are what is checked.
    const hook = await as(
      'admin',
      'mutation($e: [WebhookEvent!]!){ createWebhookEndpoint(input: { url: "http://127.0.0.1:9/hook", events: $e }){ endpoint { id } } }',
      {
        e: ['SESSION_INVITATION_SENT', 'SESSION_INVITATION_ACCEPTED', 'SESSION_INVITATION_DECLINED', 'SESSION_INVITATION_EXPIRED'],
      },
    );
    assert.equal(hook.errors, undefined, JSON.stringify(hook.errors));
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await server.close();
  });

  const as = <T = Record<string, unknown>>(who: keyof typeof cookies, query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(url, query, variables, { cookie: cookies[who] });
  const setEnabled = (on: boolean) => as('admin', SETTINGS, { on });
  const token = (claims: Record<string, unknown>, key = secret, aud = url) =>
    signIdentityToken({ aud, exp: Math.floor(Date.now() / 1000) + 600, ...claims }, key);

  /** A customer's tab on the demo site, reachable under its signed identity. */
  async function reachableTab(identityToken: string) {
    const client = wsClient(url);
    clients.push(client);
    const prompts = wsCollect<InvitationPrompt>(client, PROMPTS, { t: identityToken });
    return prompts;
  }
  const online = async (email: string) =>
    (await as<{ reachableCustomer: { online: boolean; sites: string[] } }>('agent', LOOKUP, { e: email })).data?.reachableCustomer;
  const waitOnline = (email: string) => waitFor(async () => (await online(email))?.online === true, `${email} online`);

  it('is off until an admin turns it on; the setting reads back', async () => {
    assert.equal(errorCode(await as('agent', LOOKUP, { e: 'x@example.com' })), 'INVITATIONS_DISABLED');
    assert.equal(errorCode(await as('agent', INVITE, { e: 'x@example.com' })), 'INVITATIONS_DISABLED');
    const off = await reachableTab(token({ email: 'off@example.com' }));
    await waitFor(() => Boolean(off.failure), 'refused while off');
    assert.match(JSON.stringify(off.failure), /INVITATIONS_DISABLED/);
    assert.deepEqual((await setEnabled(true)).data, { updateSiteSettings: { invitationsEnabled: true } });
  });

  it('a signed customer is online, an unsigned, expired or other site’s token never is', async () => {
    const ada = await reachableTab(token({ email: 'Ada@Example.com', accountId: 'acct-1' }));
    await waitOnline('ada@example.com');
    assert.deepEqual(await online('ada@example.com'), { online: true, sites: [url] });
    const byAccount = await as<{ reachableCustomer: { online: boolean } }>('agent', LOOKUP, { a: 'acct-1' });
    assert.equal(byAccount.data?.reachableCustomer.online, true);

    for (const forged of [
      token({ email: 'mallory@example.com' }, 'not-the-secret'),
      token({ email: 'mallory@example.com', exp: Math.floor(Date.now() / 1000) - 5 }),
      token({ email: 'mallory@example.com' }, secret, 'https://other-site.example'),
      'not.a.token',
    ]) {
      const tab = await reachableTab(forged);
      await waitFor(() => Boolean(tab.failure), 'refused');
      assert.match(JSON.stringify(tab.failure), /IDENTITY_UNVERIFIED/);
    }
    const huge = await reachableTab('a'.repeat(5000));
    await waitFor(() => Boolean(huge.failure), 'oversized token refused');
    assert.match(JSON.stringify(huge.failure), /BAD_USER_INPUT/);
    assert.deepEqual(await online('mallory@example.com'), { online: false, sites: [] });
    assert.equal(ada.failure, undefined);
  });

  it('authorization: a customer token cannot look up or invite; a supervisor without the capability cannot; API keys cannot', async () => {
    const started = await gql<{ startSession: { customerToken: string } }>(
      url,
      START,
      { input: { url: `${url}/demo`, viewportWidth: 800, viewportHeight: 600 } },
      { origin: url },
    );
    const customerToken = started.data!.startSession.customerToken;
    assert.equal(errorCode(await gql(url, INVITE, { e: 'ada@example.com' }, { customerToken })), 'UNAUTHENTICATED');
    assert.equal(errorCode(await gql(url, LOOKUP, { e: 'ada@example.com' }, { customerToken })), 'UNAUTHENTICATED');
    assert.equal(errorCode(await gql(url, INVITE, { e: 'ada@example.com' })), 'UNAUTHENTICATED');
    assert.equal(errorCode(await as('supervisor', INVITE, { e: 'ada@example.com' })), 'CAPABILITY_DISABLED');
    assert.equal(errorCode(await as('admin', INVITE, { e: 'ada@example.com' })), 'FORBIDDEN');
    const off = await as(
      'admin',
      'mutation { updateSiteSettings(input: { capabilities: { agent: { invite: false } } }){ invitationsEnabled } }',
    );
    assert.equal(off.errors, undefined, JSON.stringify(off.errors));
    assert.equal(errorCode(await as('agent', INVITE, { e: 'ada@example.com' })), 'CAPABILITY_DISABLED');
    await as('admin', 'mutation { updateSiteSettings(input: { capabilities: { agent: { invite: true } } }){ invitationsEnabled } }');
  });

  it('hostile input: absent or other site’s customer, both or no names, oversized names', async () => {
    const absent = await as('agent', INVITE, { e: 'nobody@example.com' });
    assert.equal(errorCode(absent), 'NOT_FOUND');
    assert.match(absent.errors![0]!.message, /is on the site now/);
    const elsewhere = await as('agent', INVITE, { e: 'ada@example.com', s: 'https://other-site.example' });
    assert.equal(errorCode(elsewhere), 'NOT_FOUND');
    assert.match(elsewhere.errors![0]!.message, /not on https:\/\/other-site\.example now/);
    assert.equal(errorCode(await as('agent', INVITE, {})), 'BAD_USER_INPUT');
    assert.equal(errorCode(await as('agent', INVITE, { e: 'ada@example.com', a: 'acct-1' })), 'BAD_USER_INPUT');
    const long = `${'x'.repeat(MAX_INVITATION_IDENTITY_LENGTH)}@example.com`;
    const oversized = await as('agent', INVITE, { e: long });
    assert.equal(errorCode(oversized), 'BAD_USER_INPUT');
    assert.match(oversized.errors![0]!.message, /at most 254 characters/);
    assert.equal(errorCode(await as('agent', LOOKUP, { a: 'y'.repeat(1000) })), 'BAD_USER_INPUT');
  });

  it('accept: every tab hears the request, the customer starts a session with it, the agent joins without the code', async () => {
    const identityToken = token({ email: 'bea@example.com', name: 'Bea' });
    const [tab1, tab2] = [await reachableTab(identityToken), await reachableTab(identityToken)];
    await waitOnline('bea@example.com');
    const sent = await as<{ inviteCustomer: { id: string; status: string; agentName: string; site: string } }>('agent', INVITE, {
      e: 'BEA@example.com',
    });
    const invitation = sent.data!.inviteCustomer;
    assert.deepEqual([invitation.status, invitation.agentName, invitation.site], ['PENDING', 'Alex Agent', url]);
    const agentSocket = wsClient(url, { cookie: cookies.agent });
    clients.push(agentSocket);
    const updates = wsCollect<Invitation>(agentSocket, UPDATES, { i: invitation.id });
    await updates.next((update) => update.status === 'PENDING');
    for (const tab of [tab1, tab2]) {
      const prompt = await tab.next((p) => p.open);
      assert.deepEqual([prompt.invitationId, prompt.agentName], [invitation.id, 'Alex Agent']);
    }

    // A tab opened while the request waits shows it too.
    const lateTab = await reachableTab(identityToken);
    assert.equal((await lateTab.next((p) => p.open)).invitationId, invitation.id);

    const second = await as('agent2', INVITE, { e: 'bea@example.com' });
    assert.equal(errorCode(second), 'INVITATION_PENDING', 'a second request while one waits');

    // A forged accept: somebody else's signed identity, or an unsigned claim of Bea's e-mail.
    for (const metadata of [{ identityToken: token({ email: 'eve@example.com' }) }, { email: 'bea@example.com' }]) {
      const forged = await gql(
        url,
        START,
        { input: { url: `${url}/demo`, viewportWidth: 800, viewportHeight: 600, metadata, invitationId: invitation.id } },
        { origin: url },
      );
      assert.equal(errorCode(forged), 'FORBIDDEN', JSON.stringify(forged.errors));
    }
    const forgedDecline = await gql(url, DECLINE, { i: invitation.id, t: token({ email: 'eve@example.com' }) }, { origin: url });
    assert.equal(errorCode(forgedDecline), 'INVITATION_CLOSED');

    const accepted = await gql<{ startSession: { session: { id: string; code: string; customer: { verified: boolean } } } }>(
      url,
      START,
      { input: { url: `${url}/demo`, viewportWidth: 800, viewportHeight: 600, metadata: { identityToken }, invitationId: invitation.id } },
      { origin: url },
    );
    const session = accepted.data!.startSession.session;
    assert.equal(session.customer.verified, true);
    const update = await updates.next((u) => u.status === 'ACCEPTED');
    assert.equal(update.sessionId, session.id);
    for (const tab of [tab1, tab2]) await tab.next((p) => !p.open && p.invitationId === invitation.id);

    assert.equal(errorCode(await as('agent2', JOIN_INVITED, { id: session.id })), 'FORBIDDEN', 'only the asking agent');
    const joined = await as<{ joinInvitedSession: { status: string; agent: { name: string } } }>('agent', JOIN_INVITED, { id: session.id });
    assert.deepEqual(joined.data?.joinInvitedSession, { id: session.id, status: 'ACTIVE', agent: { name: 'Alex Agent' } });

    const audit = await as<{ session: { auditEvents: { type: string }[] } }>(
      'supervisor',
      'query($id: ID!){ session(id: $id){ auditEvents { type } } }',
      { id: session.id },
    );
    assert.deepEqual(
      audit.data!.session.auditEvents.map((row) => row.type),
      ['SESSION_STARTED', 'INVITATION_ACCEPTED', 'AGENT_JOINED'],
    );
    const late = await gql(
      url,
      START,
      { input: { url: `${url}/demo`, viewportWidth: 800, viewportHeight: 600, metadata: { identityToken }, invitationId: invitation.id } },
      { origin: url },
    );
    assert.equal(errorCode(late), 'INVITATION_CLOSED', 'an invitation starts one session');
    assert.equal(errorCode(await as('agent', INVITE, { e: 'ada@example.com' })), 'AGENT_BUSY');
    await as('agent', EXIT, { id: session.id });
  });

  it('decline and expiry reach the agent; the list shows how each ended', async () => {
    const identityToken = token({ accountId: 'cara-7' });
    const tab = await reachableTab(identityToken);
    await waitFor(
      async () => (await as<{ reachableCustomer: { online: boolean } }>('agent2', LOOKUP, { a: 'cara-7' })).data?.reachableCustomer.online,
      'cara online',
    );
    const first = (await as<{ inviteCustomer: { id: string } }>('agent2', INVITE, { a: 'cara-7' })).data!.inviteCustomer;
    await tab.next((p) => p.open);
    const declined = await gql(url, DECLINE, { i: first.id, t: identityToken }, { origin: url });
    assert.deepEqual(declined.data, { declineInvitation: { id: first.id, status: 'DECLINED' } });
    await tab.next((p) => !p.open && p.invitationId === first.id);
    assert.equal(errorCode(await gql(url, DECLINE, { i: first.id, t: identityToken }, { origin: url })), 'INVITATION_CLOSED');

    const second = (await as<{ inviteCustomer: { id: string } }>('agent2', INVITE, { a: 'cara-7' })).data!.inviteCustomer;
    const agentSocket = wsClient(url, { cookie: cookies.agent2 });
    clients.push(agentSocket);
    const updates = wsCollect<Invitation>(agentSocket, UPDATES, { i: second.id });
    await updates.next((u) => u.status === 'EXPIRED', 10_000);
    await tab.next((p) => !p.open && p.invitationId === second.id);

    // Three requests per ten minutes reach one customer: the fourth is refused.
    const third = await as('agent2', INVITE, { a: 'cara-7' });
    assert.equal(third.errors, undefined);
    await waitFor(async () => {
      const list = await as<{ invitations: { id: string; status: string }[] }>('supervisor', '{ invitations { id status } }');
      return (
        list.data!.invitations.find((row) => row.id === (third.data as { inviteCustomer: { id: string } }).inviteCustomer.id)?.status ===
        'EXPIRED'
      );
    }, 'third request expired');
    const fourth = await as('agent2', INVITE, { a: 'cara-7' });
    assert.equal(errorCode(fourth), 'RATE_LIMITED');
    assert.match(fourth.errors![0]!.message, /asked to co-browse several times/);

    const list = await as<{ invitations: { id: string; status: string }[] }>('supervisor', '{ invitations(first: 10) { id status } }');
    const statuses = Object.fromEntries(list.data!.invitations.map((row) => [row.id, row.status]));
    assert.equal(statuses[first.id], 'DECLINED');
    assert.equal(statuses[second.id], 'EXPIRED');
    assert.equal(errorCode(await as('agent', '{ invitations { id } }')), 'FORBIDDEN');

    // Each step went to the webhook endpoint, in the one event vocabulary.
    const deliveries = await server.deps.db.webhookDelivery.findMany({ select: { eventType: true, payload: true } });
    const typesOf = (id: string) =>
      deliveries
        .filter((row) => (JSON.parse(row.payload) as { data: { invitationId?: string } }).data.invitationId === id)
        .map((row) => row.eventType);
    assert.deepEqual(typesOf(first.id).sort(), ['session.invitation_declined', 'session.invitation_sent']);
    assert.deepEqual(typesOf(second.id).sort(), ['session.invitation_expired', 'session.invitation_sent']);
    assert.ok(
      deliveries.some((row) => row.eventType === 'session.invitation_accepted'),
      'the accepted one too',
    );
  });

  it('an agent’s requests are rate-limited, found or not', async () => {
    // The per-agent limit is 6 a minute here, and the tests above spent some of agent's.
    const codes: unknown[] = [];
    for (let i = 0; i < 7 && codes.at(-1) !== 'RATE_LIMITED'; i++)
      codes.push(errorCode(await as('agent', INVITE, { e: `absent-${i}@example.com` })));
    assert.equal(codes.at(-1), 'RATE_LIMITED', JSON.stringify(codes));
    assert.ok(codes.slice(0, -1).every((code) => code === 'NOT_FOUND'));
    const refused = await as('agent', INVITE, { e: 'ada@example.com' });
    assert.equal(errorCode(refused), 'RATE_LIMITED', 'an online customer too');
    assert.match(refused.errors![0]!.message, /Too many requests to co-browse/);
  });

  it('joinInvitedSession is refused for a session nobody was invited to', async () => {
    const started = await gql<{ startSession: { session: { id: string; code: string } } }>(
      url,
      START,
      { input: { url: `${url}/demo`, viewportWidth: 800, viewportHeight: 600 } },
      { origin: url },
    );
    const { id } = started.data!.startSession.session;
    assert.equal(errorCode(await as('agent2', JOIN_INVITED, { id })), 'FORBIDDEN');
    void JOIN;
  });
});
