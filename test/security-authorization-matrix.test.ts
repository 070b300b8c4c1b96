import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildSchema } from '../graphql/schema/index.ts';
import { topics } from '../server/core/pubsub/index.ts';
import { freshAddress, httpGraphQL, wsConnect, wsFirst, type GraphQLBody, type Identity, type WsAnswer } from './support/attack-clients.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Tests that attack: every operation of the schema × every kind of caller, over HTTP
 * and over WebSocket, against the table below. The table is the authorization policy written
 * down; a new operation without a row fails the first test.
 *
 * Refused: UNAUTHENTICATED or FORBIDDEN, an HTTP 401/403, or the socket closed 4401/4403.
 * Allowed: anything else — the call passed authorization even when it then failed on its input
 * (BAD_USER_INPUT, NOT_FOUND, AGENT_BUSY, RATE_LIMITED…); but never a server error.
 */

const ROLES = ['anonymous', 'customer', 'otherCustomer', 'agent', 'otherAgent', 'supervisor', 'admin', 'apiKey'] as const;
type Role = (typeof ROLES)[number];

interface LiveSession {
  id: string;
  code: string;
  customerToken: string;
  /** The chat the session was started from, accepted by the session's agent. */
  chat: { id: string; token: string };
}

/**
 * What the calls need: two live sessions, each started from a chat — A (chat and session) with
 * agent@, B with agent2@ — and things admins may change without touching the callers.
 */
interface Fixture {
  sessionA: LiveSession;
  sessionB: LiveSession;
  /** A user admins may reset and re-role without touching the callers. */
  victimUserId: string;
  /** A key admins may revoke without revoking the caller's key. */
  victimKeyId: string;
  /** A user whose password never changes, for signIn. */
  signInEmail: string;
}

interface Row {
  /** `Type.field`: a root operation, or a field with its own check (Session.auditEvents). */
  field: string;
  query: string;
  /** `chatToken` is the caller's own chat secret (customers only), for the chat operations that take it. */
  variables?: (fx: Fixture, chatToken: string | null) => Record<string, unknown>;
  /**
   * Who passes authorization, in ROLES order:
   * anonymous · this session's customer · another session's customer · the session's agent ·
   * another agent · supervisor · admin · API key. `Y` allowed, `-` refused.
   */
  allow: string;
  /** An allowed call by these roles ends session A: the fixture is rebuilt after it. */
  consumes?: Role[];
  /** The call spends the caller's sign-in (signOut): signed-in callers use a fresh cookie for it. */
  freshSignIn?: boolean;
  /** A subscription that says nothing until something happens: this makes something happen. */
  poke?: () => Promise<void>;
}

const PASSWORD = 'cobrowse-demo';
const BATCH = {
  seq: 1,
  sentAt: 0,
  events: [{ type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [] }, timestamp: 0 }],
};
const A = (fx: Fixture) => ({ id: fx.sessionA.id });
const CHAT_A = (fx: Fixture, chatToken: string | null) => ({ id: fx.sessionA.chat.id, t: chatToken });

/** Set once the server runs: make a session or a chat start, for subscriptions that wait for one. */
let pokeLifecycle: () => Promise<void> = async () => {};
let pokeChats: () => Promise<void> = async () => {};
let pokeHandover: () => Promise<void> = async () => {};

type RowOptions = Omit<Row, 'field' | 'allow' | 'query'>;
const row = (field: string, allow: string, query: string, options: RowOptions = {}): Row => ({ field, allow, query, ...options });
const SESSION_INPUT = () => ({ input: { url: `${baseUrl}/demo`, viewportWidth: 800, viewportHeight: 600 } });
const CHAT_INPUT = () => ({ input: { url: `${baseUrl}/demo` } });
const NEW_USER = () => ({ input: { name: 'Matrix', email: `m-${randomUUID()}@example.com`, role: 'AGENT', password: 'long-enough-1' } });

/**
 * The policy. One line per operation; `Y` allowed, `-` refused. API keys never change anything,
 * so every mutation is refused to them. Subscriptions are served over WebSocket only.
 */
// prettier-ignore
const ROWS: Row[] = [
  //   field                          anon cust othC agnt othA supv admn key    document
  row('Query.health',                 'Y    Y    Y    Y    Y    Y    Y    Y',  '{ health }'),
  row('Query.me',                     'Y    Y    Y    Y    Y    Y    Y    Y',  '{ me { id } }'),
  row('Query.demoAccounts',           'Y    Y    Y    Y    Y    Y    Y    Y',  '{ demoAccounts }'),
  row('Query.session',                '-    Y    -    Y    -    Y    Y    Y',  'query($id: ID!){ session(id: $id){ id status } }', { variables: A }),
  row('Session.auditEvents',          '-    -    -    Y    -    Y    Y    Y',  'query($id: ID!){ session(id: $id){ auditEvents { sequence } } }', { variables: A }),
  row('Session.recording',            '-    -    -    -    -    Y    Y    Y',  'query($id: ID!){ session(id: $id){ recording { available } } }', { variables: A }),
  row('Query.waitingSessionsOfCustomer','-    -    -    Y    Y    -    -    -',  '{ waitingSessionsOfCustomer(email: "nobody@example.com"){ sessionId } }'),
  // Staff-only fields of the agent a customer reaches through their session or their chat: only the name is theirs.
  row('User.email',                   '-    -    -    Y    -    Y    Y    Y',  'query($id: ID!){ session(id: $id){ agent { name email } } }', { variables: A }),
  row('User.role',                    '-    -    -    Y    -    Y    Y    Y',  'query($id: ID!){ session(id: $id){ agent { name role } } }', { variables: A }),
  row('User.id',                      '-    -    -    Y    -    Y    Y    Y',  'query($id: ID!, $t: String){ chat(id: $id, chatToken: $t){ agent { name id } } }', { variables: CHAT_A }),
  row('Query.myActiveSession',        '-    -    -    Y    Y    -    -    -',  '{ myActiveSession { id } }'),
  row('Query.sessions',               '-    -    -    -    -    Y    Y    Y',  '{ sessions(limit: 5) { id } }'),
  row('Query.sessionHistory',         '-    -    -    -    -    Y    Y    Y',  '{ sessionHistory(first: 2) { totalCount } }'),
  row('Query.auditEvents',            '-    -    -    -    -    Y    Y    Y',  'query($id: ID!){ auditEvents(sessionId: $id){ totalCount } }', { variables: A }),
  row('Query.sessionStats',           '-    -    -    -    -    Y    Y    Y',  '{ sessionStats { totalSessions } }'),
  row('Query.agents',                 '-    -    -    -    -    Y    Y    Y',  '{ agents { id } }'),
  row('Query.verifyAudit',            '-    -    -    -    -    Y    Y    Y',  'query($id: ID!){ verifyAudit(sessionId: $id){ intact } }', { variables: A }),
  row('Query.siteSettings',           '-    -    -    -    -    -    Y    -',  '{ siteSettings { writeModeEnabled } }'),
  row('Query.users',                  '-    -    -    -    -    -    Y    -',  '{ users { id } }'),
  row('Query.apiKeys',                '-    -    -    -    -    -    Y    -',  '{ apiKeys { id } }'),
  row('Query.chat',                   '-    Y    -    Y    -    Y    Y    Y',  'query($id: ID!, $t: String){ chat(id: $id, chatToken: $t){ id } }', { variables: CHAT_A }),
  row('Query.chats',                  '-    -    -    -    -    Y    Y    Y',  '{ chats(first: 5) { id } }'),
  row('Query.myChats',                '-    -    -    Y    Y    -    -    -',  '{ myChats { id } }'),
  row('Query.webhookEndpoints',       '-    -    -    -    -    -    Y    -',  '{ webhookEndpoints { id } }'),
  row('Query.handoverEnabled',        '-    -    -    Y    Y    Y    Y    -',  '{ handoverEnabled }'),
  row('Query.handoverCandidates',     '-    -    -    Y    -    -    -    -',  'query($id: ID!){ handoverCandidates(sessionId: $id){ id } }', { variables: A }),
  // Requests to co-browse are off here: a caller let through meets INVITATIONS_DISABLED or NOT_FOUND, not a refusal.
  row('Query.invitationsAllowed',     '-    -    -    Y    Y    Y    Y    -',  '{ invitationsAllowed }'),
  row('Query.reachableCustomer',      '-    -    -    Y    Y    Y    -    -',  '{ reachableCustomer(email: "nobody@example.com"){ online } }'),
  row('Query.invitations',            '-    -    -    -    -    Y    Y    Y',  '{ invitations { id } }'),
  row('Query.myHandoverOffers',       '-    -    -    Y    Y    -    -    -',  '{ myHandoverOffers { id } }'),
  row('Session.agentHistory',         '-    -    -    Y    -    Y    Y    Y',  'query($id: ID!){ session(id: $id){ agentHistory { start } } }', { variables: A }),
  row('Query.webhookDeliveries',      '-    -    -    -    -    -    Y    -',  '{ webhookDeliveries(endpointId: "none") { id } }'),

  row('Mutation._empty',              'Y    Y    Y    Y    Y    Y    Y    -',  'mutation { _empty }'),
  row('Mutation.signIn',              'Y    Y    Y    Y    Y    Y    Y    -',  'mutation($e: String!, $p: String!){ signIn(email: $e, password: $p){ id } }', { variables: (fx) => ({ e: fx.signInEmail, p: PASSWORD }) }),
  row('Mutation.signOut',             'Y    Y    Y    Y    Y    Y    Y    -',  'mutation { signOut }', { freshSignIn: true }),
  row('Mutation.startSession',        'Y    Y    Y    Y    Y    Y    Y    -',  'mutation($input: StartSessionInput!){ startSession(input: $input){ session { id } } }', { variables: SESSION_INPUT }),
  row('Mutation.joinSession',         '-    -    -    Y    Y    -    -    -',  'mutation($code: String!){ joinSession(code: $code){ id } }', { variables: (fx) => ({ code: fx.sessionB.code }) }),
  row('Mutation.joinSessionByCustomer','-    -    -    Y    Y    -    -    -',  'mutation { joinSessionByCustomer(email: "nobody@example.com"){ id } }'),
  row('Mutation.joinChatSession',     '-    -    -    Y    -    -    -    -',  'mutation($id: ID!){ joinChatSession(sessionId: $id){ id } }', { variables: A }),
  row('Mutation.sendEvents',          '-    Y    -    -    -    -    -    -',  'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }', { variables: (fx) => ({ id: fx.sessionA.id, batch: { ...BATCH, sentAt: Date.now() } }) }),
  row('Mutation.sendSignal',          '-    -    -    Y    -    Y    Y    -',  'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }', { variables: (fx) => ({ id: fx.sessionA.id, s: { type: 'request-snapshot' } }) }),
  row('Mutation.requestWriteMode',    '-    -    -    Y    -    -    -    -',  'mutation($id: ID!){ requestWriteMode(sessionId: $id){ id } }', { variables: A }),
  row('Mutation.answerWriteMode',     '-    Y    -    -    -    -    -    -',  'mutation($id: ID!){ answerWriteMode(sessionId: $id, requestId: "none", approve: false){ id } }', { variables: A }),
  row('Mutation.setPointerMode',      '-    Y    -    Y    -    -    -    -',  'mutation($id: ID!){ setPointerMode(sessionId: $id){ id } }', { variables: A }),
  row('Mutation.requestGuidedMode',   '-    -    -    Y    -    -    -    -',  'mutation($id: ID!){ requestGuidedMode(sessionId: $id){ id } }', { variables: A }),
  row('Mutation.answerGuidedMode',    '-    Y    -    -    -    -    -    -',  'mutation($id: ID!){ answerGuidedMode(sessionId: $id, requestId: "none", approve: false){ id } }', { variables: A }),
  row('Mutation.endGuidedMode',       '-    Y    -    Y    -    -    -    -',  'mutation($id: ID!){ endGuidedMode(sessionId: $id){ id } }', { variables: A }),
  row('Mutation.reportActionResult',  '-    Y    -    -    -    -    -    -',  'mutation($id: ID!){ reportActionResult(sessionId: $id, result: { id: 1, ok: true }) }', { variables: A }),
  row('Mutation.updateSiteSettings',  '-    -    -    -    -    -    Y    -',  'mutation { updateSiteSettings(input: {}) { writeModeEnabled } }'),
  row('Mutation.rotateIdentitySecret','-    -    -    -    -    -    Y    -',  'mutation { rotateIdentitySecret { createdAt } }'),
  row('Mutation.removeIdentitySecret','-    -    -    -    -    -    Y    -',  'mutation { removeIdentitySecret { writeModeEnabled } }'),
  row('Mutation.createUser',          '-    -    -    -    -    -    Y    -',  'mutation($input: CreateUserInput!){ createUser(input: $input){ id } }', { variables: NEW_USER }),
  row('Mutation.resetPassword',       '-    -    -    -    -    -    Y    -',  'mutation($u: ID!){ resetPassword(userId: $u, password: "another-password-1"){ id } }', { variables: (fx) => ({ u: fx.victimUserId }) }),
  row('Mutation.setUserRole',         '-    -    -    -    -    -    Y    -',  'mutation($u: ID!){ setUserRole(userId: $u, role: SUPERVISOR){ id } }', { variables: (fx) => ({ u: fx.victimUserId }) }),
  row('Mutation.createApiKey',        '-    -    -    -    -    -    Y    -',  'mutation { createApiKey(name: "matrix") { key } }'),
  row('Mutation.revokeApiKey',        '-    -    -    -    -    -    Y    -',  'mutation($k: ID!){ revokeApiKey(id: $k){ id } }', { variables: (fx) => ({ k: fx.victimKeyId }) }),
  row('Mutation.createWebhookEndpoint','-    -    -    -    -    -    Y    -',  'mutation { createWebhookEndpoint(input: { url: "http://127.0.0.1:9/hook", events: [SESSION_STARTED] }){ secret } }'),
  row('Mutation.updateWebhookEndpoint','-    -    -    -    -    -    Y    -',  'mutation { updateWebhookEndpoint(id: "none", enabled: false){ id } }'),
  row('Mutation.deleteWebhookEndpoint','-    -    -    -    -    -    Y    -',  'mutation { deleteWebhookEndpoint(id: "none"){ id } }'),
  row('Mutation.pingWebhookEndpoint', '-    -    -    -    -    -    Y    -',  'mutation { pingWebhookEndpoint(id: "none"){ id } }'),
  row('Mutation.inviteCustomer',      '-    -    -    Y    Y    Y    -    -',  'mutation { inviteCustomer(input: { email: "nobody@example.com" }){ id } }'),
  // The customer proves who they are with the signed token, not a sign-in: anyone may try, a wrong token gets IDENTITY_UNVERIFIED.
  row('Mutation.declineInvitation',   'Y    Y    Y    Y    Y    Y    Y    -',  'mutation { declineInvitation(invitationId: "none", identityToken: "x.y.z"){ id } }'),
  // Only the agent whose request started the session; session A started without one.
  row('Mutation.joinInvitedSession',  '-    -    -    -    -    -    -    -',  'mutation($id: ID!){ joinInvitedSession(sessionId: $id){ id } }', { variables: A }),
  row('Mutation.offerHandover',       '-    -    -    Y    -    -    -    -',  'mutation($id: ID!){ offerHandover(sessionId: $id, toEmail: "agent2@example.com"){ id } }', { variables: A }),
  row('Mutation.acceptHandover',      '-    -    -    Y    Y    -    -    -',  'mutation { acceptHandover(offerId: "none"){ id } }'),
  row('Mutation.declineHandover',     '-    -    -    Y    Y    -    -    -',  'mutation { declineHandover(offerId: "none") }'),
  row('Mutation.takeOverSession',     '-    -    -    -    -    Y    Y    -',  'mutation($id: ID!){ takeOverSession(sessionId: $id){ id } }', { variables: A }),
  row('Mutation.startChat',           'Y    Y    Y    Y    Y    Y    Y    -',  'mutation($input: StartChatInput!){ startChat(input: $input){ chat { id } } }', { variables: CHAT_INPUT }),
  row('Mutation.sendChatMessage',     '-    Y    -    Y    -    -    -    -',  'mutation($id: ID!, $t: String){ sendChatMessage(chatId: $id, text: "hello", chatToken: $t){ id } }', { variables: CHAT_A }),
  row('Mutation.acceptChat',          '-    -    -    Y    Y    -    -    -',  'mutation($id: ID!){ acceptChat(chatId: $id){ id } }', { variables: (fx) => ({ id: fx.sessionB.chat.id }) }),
  row('Mutation.endChat',             '-    Y    -    Y    -    -    -    -',  'mutation($id: ID!, $t: String){ endChat(chatId: $id, chatToken: $t){ id } }', { variables: CHAT_A, consumes: ['customer', 'agent'] }),
  row('Mutation.exitSession',         '-    Y    -    Y    -    -    -    -',  'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { variables: A, consumes: ['customer', 'agent'] }),

  row('Subscription._empty',          'Y    Y    Y    Y    Y    Y    Y    Y',  'subscription { _empty }'),
  row('Subscription.sessionStream',   '-    Y    -    Y    -    Y    Y    -',  'subscription($id: ID!){ sessionStream(sessionId: $id) }', { variables: A }),
  row('Subscription.sessionLifecycle','-    -    -    -    -    Y    Y    Y',  'subscription { sessionLifecycle }', { poke: () => pokeLifecycle() }),
  row('Subscription.chatStream',      '-    Y    -    Y    -    Y    Y    Y',  'subscription($id: ID!, $t: String){ chatStream(chatId: $id, chatToken: $t) }', { variables: CHAT_A }),
  row('Subscription.chatQueue',       '-    -    -    Y    Y    -    -    -',  'subscription { chatQueue }', { poke: () => pokeChats() }),
  row('Subscription.invitationPrompts','Y    Y    Y    Y    Y    Y    Y    Y',  'subscription { invitationPrompts(identityToken: "x.y.z"){ invitationId } }'),
  row('Subscription.invitationUpdates','-    -    -    Y    Y    Y    -    -',  'subscription { invitationUpdates(invitationId: "none"){ id } }'),
  row('Subscription.handoverOffers',  '-    -    -    Y    Y    -    -    -',  'subscription { handoverOffers { open } }', { poke: () => pokeHandover() }),
  row('Subscription.chatStarted',     '-    -    -    -    -    Y    Y    Y',  'subscription { chatStarted { id } }', { poke: () => pokeChats() }),
];

/** The `allow` column as a set of roles; a malformed line fails loudly rather than allowing by accident. */
function allowedRoles(row: Row): Set<Role> {
  const marks = row.allow.trim().split(/\s+/);
  assert.equal(marks.length, ROLES.length, `${row.field}: the allow column needs ${ROLES.length} marks`);
  return new Set(
    ROLES.filter((_role, i) => (marks[i] === 'Y' ? true : marks[i] === '-' ? false : assert.fail(`${row.field}: mark ${marks[i]}`))),
  );
}

const isSubscription = (row: Row) => row.field.startsWith('Subscription.');
/** Rows that end session A run last, so the others see it live. */
const ORDERED = [...ROWS.filter((row) => !row.consumes), ...ROWS.filter((row) => row.consumes)];

let baseUrl = '';

/** What one call came to, in the words of the table. */
interface Verdict {
  refused: boolean;
  /** A 5xx, an INTERNAL_SERVER_ERROR or a 4500 close: a server fault, never acceptable. */
  fault: string | null;
  summary: string;
}

const REFUSAL_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

function judgeBody(body: GraphQLBody | null, status: number | null): Verdict {
  const codes = (body?.errors ?? []).map((error) => error.extensions?.code ?? 'NO_CODE');
  const refused = codes.some((code) => REFUSAL_CODES.has(code)) || status === 401 || status === 403;
  const fault =
    status !== null && status >= 500
      ? `HTTP ${status}`
      : codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('NO_CODE')
        ? `codes ${codes.join(',')}`
        : null;
  return { refused, fault, summary: `${status ?? 'ws'} ${codes.join(',') || 'ok'}` };
}

function judgeWs(answer: WsAnswer): Verdict {
  switch (answer.kind) {
    case 'next':
    case 'error':
      return judgeBody(answer.body, null);
    case 'complete':
      return { refused: false, fault: null, summary: 'complete' };
    case 'closed':
      return {
        refused: answer.closeCode === 4401 || answer.closeCode === 4403,
        fault: answer.closeCode === 4500 || answer.closeCode < 4000 ? `closed ${answer.closeCode} ${answer.reason}` : null,
        summary: `closed ${answer.closeCode}`,
      };
    case 'timeout':
      return { refused: false, fault: 'no answer within the time limit', summary: 'timeout' };
  }
}

describe('Authorization matrix: every operation × every caller, over HTTP and WebSocket', () => {
  let server: TestServer;
  let fx: Fixture;
  const staffCookies = new Map<Role, string>();
  const staffEmails: Partial<Record<Role, string>> = {
    agent: 'agent@example.com',
    otherAgent: 'agent2@example.com',
    supervisor: 'supervisor@example.com',
    admin: 'admin@example.com',
  };
  let apiKey = '';

  /** Fixture calls go through the API too, each from an address of its own. */
  async function call(query: string, variables: Record<string, unknown>, identity: Identity = {}): Promise<GraphQLBody> {
    const answer = await httpGraphQL(baseUrl, { query, variables }, { identity, address: freshAddress() });
    if (!answer.json?.data || answer.json.errors) throw new Error(`fixture call failed: ${answer.text}`);
    return answer.json;
  }

  async function signInAs(email: string): Promise<string> {
    const answer = await httpGraphQL(
      baseUrl,
      { query: 'mutation($e: String!, $p: String!){ signIn(email: $e, password: $p){ id } }', variables: { e: email, p: PASSWORD } },
      { address: freshAddress() },
    );
    if (answer.json?.errors || !answer.setCookie) throw new Error(`sign-in of ${email} failed: ${answer.text}`);
    return answer.setCookie;
  }

  async function startChat(): Promise<LiveSession['chat']> {
    const body = await call('mutation($input: StartChatInput!){ startChat(input: $input){ customerToken chat { id } } }', {
      input: { url: `${baseUrl}/demo`, customerName: 'Matrix' },
    });
    const started = body.data!.startChat as { customerToken: string; chat: { id: string } };
    return { id: started.chat.id, token: started.customerToken };
  }

  async function startSession(chatToken?: string): Promise<Omit<LiveSession, 'chat'>> {
    const body = await call('mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code } } }', {
      input: { url: `${baseUrl}/demo`, viewportWidth: 1280, viewportHeight: 800, ...(chatToken ? { chatToken } : {}) },
    });
    const started = body.data!.startSession as { customerToken: string; session: { id: string; code: string } };
    return { ...started.session, customerToken: started.customerToken };
  }

  /** A chat accepted by the agent, a co-browse session started from it, joined by the agent. */
  async function liveSession(agent: Role): Promise<LiveSession> {
    const cookie = staffCookies.get(agent)!;
    const chat = await startChat();
    await call('mutation($id: ID!){ acceptChat(chatId: $id){ id } }', { id: chat.id }, { cookie });
    const session = await startSession(chat.token);
    await call('mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie });
    return { ...session, chat };
  }

  const liveSessions = async (): Promise<Pick<Fixture, 'sessionA' | 'sessionB'>> => ({
    sessionA: await liveSession('agent'),
    sessionB: await liveSession('otherAgent'),
  });

  /** Ends both chats and sessions (freeing both agents) and opens two new ones. */
  async function rebuildSessions() {
    for (const session of [fx.sessionA, fx.sessionB]) {
      const address = freshAddress();
      await httpGraphQL(
        baseUrl,
        { query: 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', variables: { id: session.id } },
        { identity: { customerToken: session.customerToken }, address },
      );
      await httpGraphQL(
        baseUrl,
        {
          query: 'mutation($id: ID!, $t: String){ endChat(chatId: $id, chatToken: $t){ id } }',
          variables: { id: session.chat.id, t: session.chat.token },
        },
        { address },
      );
    }
    fx = { ...fx, ...(await liveSessions()) };
  }

  /** The caller's own chat secret: customers hold their chat's. */
  const chatTokenOf = (role: Role): string | null =>
    role === 'customer' ? fx.sessionA.chat.token : role === 'otherCustomer' ? fx.sessionB.chat.token : null;

  function identityOf(role: Role): Identity {
    switch (role) {
      case 'anonymous':
        return {};
      case 'customer':
        return { customerToken: fx.sessionA.customerToken };
      case 'otherCustomer':
        return { customerToken: fx.sessionB.customerToken };
      case 'apiKey':
        return { apiKey };
      default:
        return { cookie: staffCookies.get(role)! };
    }
  }

  before(async () => {
    server = await startTestServer();
    baseUrl = server.url;
    for (const [role, email] of Object.entries(staffEmails) as [Role, string][]) staffCookies.set(role, await signInAs(email));
    const admin = { cookie: staffCookies.get('admin')! };
    const keys = [];
    for (const name of ['matrix caller', 'matrix victim']) {
      const created = await call('mutation($n: String!){ createApiKey(name: $n){ key apiKey { id } } }', { n: name }, admin);
      keys.push(created.data!.createApiKey as { key: string; apiKey: { id: string } });
    }
    apiKey = keys[0]!.key;
    const user = (email: string) =>
      call(
        'mutation($input: CreateUserInput!){ createUser(input: $input){ id } }',
        { input: { name: email, email, role: 'AGENT', password: PASSWORD } },
        admin,
      ).then((body) => (body.data!.createUser as { id: string }).id);
    const victimUserId = await user('matrix-victim@example.com');
    await user('matrix-sign-in@example.com');
    fx = {
      ...(await liveSessions()),
      victimUserId,
      victimKeyId: keys[1]!.apiKey.id,
      signInEmail: 'matrix-sign-in@example.com',
    };
    pokeLifecycle = () => startSession().then(() => undefined);
    pokeChats = () => startChat().then(() => undefined);
    // An offer's news on every agent's topic (hand-over is off here, so none can be made).
    pokeHandover = async () => {
      const agents = await server.deps.db.user.findMany({ where: { role: 'AGENT' }, select: { id: true } });
      await Promise.all(agents.map(({ id }) => server.deps.pubsub.publish(topics.toStaff(id), { open: false, offer: { id: 'matrix' } })));
    };
  });
  after(() => server?.close());

  it('has a row for every Query, Mutation and Subscription field of the schema, and no row for a field that does not exist', () => {
    const schema = buildSchema();
    const operations = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
    );
    const covered = new Set(ROWS.map((row) => row.field));
    assert.deepEqual(
      operations.filter((operation) => !covered.has(operation)),
      [],
      'operations without a row in the authorization matrix: add one (who may call it?)',
    );
    for (const row of ROWS) {
      const [typeName, fieldName] = row.field.split('.') as [string, string];
      const type = schema.getType(typeName) as { getFields?: () => Record<string, unknown> } | undefined;
      assert.ok(type?.getFields?.()[fieldName], `${row.field} is in the matrix but not in the schema`);
      allowedRoles(row);
    }
    assert.equal(new Set(ROWS.map((row) => row.field)).size, ROWS.length, 'one row per field');
  });

  /** Runs one cell: the role's call over one transport, judged. */
  async function runCell(row: Row, role: Role, transport: 'http' | 'ws'): Promise<Verdict> {
    let identity = identityOf(role);
    if (row.freshSignIn && identity.cookie) identity = { cookie: await signInAs(staffEmails[role]!) };
    const variables = row.variables?.(fx, chatTokenOf(role)) ?? {};
    if (transport === 'http') {
      const answer = await httpGraphQL(baseUrl, { query: row.query, variables }, { identity, address: freshAddress() });
      if (answer.json === null)
        return { refused: answer.status === 401 || answer.status === 403, fault: `not JSON: ${answer.text}`, summary: `${answer.status}` };
      return judgeBody(answer.json, answer.status);
    }
    const client = wsConnect(baseUrl, { identity, address: freshAddress() });
    try {
      return judgeWs(await wsFirst(client, row.query, variables, { timeoutMs: 8000, ...(row.poke ? { poke: row.poke } : {}) }));
    } finally {
      await client.dispose();
    }
  }

  for (const transport of ['http', 'ws'] as const) {
    describe(transport === 'http' ? 'over HTTP' : 'over WebSocket', () => {
      for (const row of ORDERED.filter((candidate) => transport === 'ws' || !isSubscription(candidate))) {
        it(`${row.field}: allowed to ${[...allowedRoles(row)].join(', ') || 'nobody'}`, async () => {
          const allowed = allowedRoles(row);
          const wrong: string[] = [];
          for (const role of ROLES) {
            const verdict = await runCell(row, role, transport);
            const expected = allowed.has(role) ? 'allowed' : 'refused';
            const got = verdict.refused ? 'refused' : 'allowed';
            if (expected !== got) wrong.push(`${role}: expected ${expected}, got ${got} (${verdict.summary})`);
            if (verdict.fault) wrong.push(`${role}: server fault ${verdict.fault}`);
            if (allowed.has(role) && row.consumes?.includes(role)) await rebuildSessions();
          }
          assert.deepEqual(wrong, [], `${row.field} over ${transport}`);
        });
      }
    });
  }

  it('does not serve subscriptions over HTTP: every caller gets a client error, none gets data or a server error', async () => {
    const wrong: string[] = [];
    for (const row of ROWS.filter(isSubscription)) {
      for (const role of ROLES) {
        const answer = await httpGraphQL(
          baseUrl,
          { query: row.query, variables: row.variables?.(fx, chatTokenOf(role)) ?? {} },
          { identity: identityOf(role), address: freshAddress() },
        );
        const codes = (answer.json?.errors ?? []).map((error) => error.extensions?.code);
        const dataless = !answer.json?.data || Object.values(answer.json.data).every((value) => value === null);
        if (answer.status < 400 || answer.status >= 500 || !dataless || codes.includes('INTERNAL_SERVER_ERROR') || codes.length === 0)
          wrong.push(`${row.field} as ${role}: ${answer.status} ${answer.text.slice(0, 200)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('hides a session’s chat (Session.chat answers null) from readers of the session who may not read the chat', async () => {
    // Who may read session A, and whether they also see the chat it was started from.
    const seesChat: Partial<Record<Role, boolean>> = { customer: false, agent: true, supervisor: true, admin: true, apiKey: true };
    const seen: Partial<Record<Role, boolean | string>> = {};
    for (const role of Object.keys(seesChat) as Role[]) {
      const answer = await httpGraphQL(
        baseUrl,
        { query: 'query($id: ID!){ session(id: $id){ chat { id } } }', variables: { id: fx.sessionA.id } },
        { identity: identityOf(role), address: freshAddress() },
      );
      const session = answer.json?.data?.session as { chat: { id: string } | null } | undefined;
      seen[role] = session ? session.chat?.id === fx.sessionA.chat.id : `no session: ${answer.text.slice(0, 200)}`;
    }
    assert.deepEqual(seen, seesChat);
  });
});
