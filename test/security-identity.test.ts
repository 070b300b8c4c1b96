import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../server/auth/passwords.ts';
import { signIdentityToken } from '../server/sessions/identity-signature.ts';
import { freshAddress, httpGraphQL, wsConnect, wsFirst, type HttpAnswer, type Identity } from './support/attack-clients.ts';
import { errorCode, gql, signIn } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * Forged identities and one actor against another: a page claiming someone else's e-mail, a
 * customer reading the agent's sign-in e-mail, a chat customer locking the agent out, a burst
 * of parallel code guesses. Real server, real SQLite, real sockets.
 */

const START =
  'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code customer { name email verified } } } }';
const BY_CUSTOMER = `mutation($email: String, $accountId: String, $sessionId: ID, $lastDigits: String){
  joinSessionByCustomer(email: $email, accountId: $accountId, sessionId: $sessionId, lastDigits: $lastDigits){ id status } }`;
const CHOICES = 'query($email: String){ waitingSessionsOfCustomer(email: $email){ sessionId customer { email verified } } }';
const ROTATE = 'mutation { rotateIdentitySecret { secret createdAt } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id status } }';

interface Started {
  customerToken: string;
  session: { id: string; code: string; customer: { name: string | null; email: string | null; verified: boolean } | null };
}

const codeOf = (answer: HttpAnswer) => answer.json?.errors?.[0]?.extensions?.code;
const hour = () => Math.floor(Date.now() / 1000) + 3600;

describe('signed customer identity', () => {
  let server: TestServer;
  let admin: string;
  let agent: string;
  let secret: string;

  before(async () => {
    server = await startTestServer({ config: { joinFailuresPerAgent: 50, joinFailuresPerAddress: 50 } });
    [admin, agent] = await Promise.all([signIn(server.url, 'admin@example.com'), signIn(server.url, 'agent@example.com')]);
    const rotated = await gql<{ rotateIdentitySecret: { secret: string } }>(server.url, ROTATE, {}, { cookie: admin });
    secret = rotated.data!.rotateIdentitySecret.secret;
  });
  after(() => server?.close());

  const start = async (metadata: unknown): Promise<Started> => {
    const answer = await gql<{ startSession: Started }>(
      server.url,
      START,
      { input: { url: `${server.url}/demo`, viewportWidth: 1280, viewportHeight: 800, metadata } },
      { origin: server.url },
    );
    if (!answer.data) throw new Error(`start failed: ${JSON.stringify(answer.errors)}`);
    return answer.data.startSession;
  };
  const token = (claims: Record<string, unknown>, key = secret) => signIdentityToken({ aud: server.url, exp: hour(), ...claims }, key);
  const exit = (id: string) => gql(server.url, EXIT, { id }, { cookie: agent });

  it('shows the secret once: site settings give only when it was made', async () => {
    assert.match(secret, /^cbid_[\w-]{40,}$/);
    const read = await gql<{ siteSettings: Record<string, unknown> }>(
      server.url,
      '{ siteSettings { identitySecretCreatedAt } }',
      {},
      { cookie: admin },
    );
    assert.ok(read.data?.siteSettings.identitySecretCreatedAt);
    assert.ok(!JSON.stringify(read).includes(secret));
    const noSuchField = await gql(server.url, '{ siteSettings { identitySecret } }', {}, { cookie: admin });
    assert.equal(errorCode(noSuchField), 'GRAPHQL_VALIDATION_FAILED');
  });

  it('marks a signed identity verified and takes its claims over what the page said', async () => {
    const signed = await start({
      name: 'Page says',
      email: 'page@example.com',
      identityToken: token({ name: 'Vic Tim', email: 'Vic@Example.com' }),
    });
    assert.deepEqual(signed.session.customer, { name: 'Vic Tim', email: 'vic@example.com', verified: true });
    const unsigned = await start({ name: 'Vic Tim', email: 'vic@example.com' });
    assert.deepEqual(unsigned.session.customer, { name: 'Vic Tim', email: 'vic@example.com', verified: false });
    await Promise.all([signed, unsigned].map((one) => gql(server.url, EXIT, { id: one.session.id }, { customerToken: one.customerToken })));
  });

  it('keeps as unverified an identity whose token is forged, expired, for another site, unsigned or of an old secret', async () => {
    const claims = { name: 'Mallory', email: 'victim@example.com' };
    const [header, payload] = token(claims).split('.');
    const forged: Record<string, string> = {
      'wrong key': token(claims, 'cbid_not-the-secret'),
      'tampered claims': `${header}.${Buffer.from(JSON.stringify({ ...claims, exp: hour(), aud: server.url, name: 'Mallory', accountId: 'ADMIN-1' })).toString('base64url')}.${token(claims).split('.')[2]}`,
      'alg none': `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`,
      expired: token({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 }),
      'no expiry': signIdentityToken({ ...claims, aud: server.url }, secret),
      'another site': token({ ...claims, aud: 'https://evil.example' }),
      'no audience': signIdentityToken({ ...claims, exp: hour() }, secret),
      garbage: 'not.a.token',
    };
    for (const [what, identityToken] of Object.entries(forged)) {
      const started = await start({ identityToken });
      if (what === 'garbage') assert.equal(started.session.customer, null, 'nothing to keep');
      else {
        assert.equal(started.session.customer?.verified, false, what);
        assert.equal(started.session.customer?.email, 'victim@example.com', `${what}: the claim is kept, unverified`);
      }
      await gql(server.url, EXIT, { id: started.session.id }, { customerToken: started.customerToken });
    }
    // A token longer than any identity needs is refused with a clear error, like other oversized metadata.
    const tooLong = await gql(
      server.url,
      START,
      { input: { url: `${server.url}/demo`, viewportWidth: 800, viewportHeight: 600, metadata: { identityToken: 'x'.repeat(5000) } } },
      { origin: server.url },
    );
    assert.equal(errorCode(tooLong), 'BAD_USER_INPUT');
    assert.match(tooLong.errors![0]!.message, /metadata\.identityToken/);

    // A new secret: tokens of the old one stop verifying at once.
    const old = token(claims);
    assert.equal((await start({ identityToken: old })).session.customer?.verified, true);
    const rotated = await gql<{ rotateIdentitySecret: { secret: string } }>(server.url, ROTATE, {}, { cookie: admin });
    const stale = await start({ identityToken: old });
    assert.equal(stale.session.customer?.verified, false);
    secret = rotated.data!.rotateIdentitySecret.secret;
    assert.equal((await start({ identityToken: token(claims) })).session.customer?.verified, true);
    await server.deps.db.session.updateMany({ where: { status: 'WAITING' }, data: { status: 'ENDED' } });
  });

  it('never joins the newest session of an e-mail by default: several matches are listed, an unverified one needs the digits', async () => {
    const victim = await start({
      name: 'Vera',
      email: 'vera@example.com',
      identityToken: token({ name: 'Vera', email: 'vera@example.com' }),
    });
    // The attacker starts later, claiming the victim's e-mail from the page.
    const attacker = await start({ name: 'Vera', email: 'vera@example.com' });

    const ambiguous = await gql(server.url, BY_CUSTOMER, { email: 'vera@example.com' }, { cookie: agent });
    assert.equal(errorCode(ambiguous), 'SESSION_CHOICE_NEEDED');
    const listed = await gql<{ waitingSessionsOfCustomer: { sessionId: string; customer: { verified: boolean } }[] }>(
      server.url,
      CHOICES,
      { email: 'vera@example.com' },
      { cookie: agent },
    );
    assert.deepEqual(
      listed.data?.waitingSessionsOfCustomer.map((choice) => [choice.sessionId, choice.customer.verified]),
      [
        [attacker.session.id, false],
        [victim.session.id, true],
      ],
    );
    assert.ok(!JSON.stringify(listed).includes(attacker.session.code), 'the list gives no session ID');
    const attackerRow = await server.deps.db.session.findUniqueOrThrow({ where: { id: attacker.session.id } });
    assert.equal(attackerRow.status, 'WAITING', 'nothing was joined');

    // The attacker's session: no digits, wrong digits, then the customer's own.
    const noDigits = await gql(server.url, BY_CUSTOMER, { email: 'vera@example.com', sessionId: attacker.session.id }, { cookie: agent });
    assert.equal(errorCode(noDigits), 'IDENTITY_UNVERIFIED');
    assert.match(noDigits.errors![0]!.message, /last 4 digits/);
    const wrongDigits = String((Number(attacker.session.code.slice(-4)) + 1) % 10_000).padStart(4, '0');
    const wrong = await gql(
      server.url,
      BY_CUSTOMER,
      { email: 'vera@example.com', sessionId: attacker.session.id, lastDigits: wrongDigits },
      { cookie: agent },
    );
    assert.equal(errorCode(wrong), 'SESSION_UNAVAILABLE');
    const refused = await waitFor(
      async () => server.deps.db.auditEvent.findFirst({ where: { sessionId: attacker.session.id, type: 'JOIN_REFUSED' } }),
      'the wrong digits in the attacker session’s trail',
    );
    assert.deepEqual(JSON.parse(refused.data), { agentId: refused.actorId, reason: 'digits' });

    // The verified one is joined once chosen, without digits.
    const chosen = await gql<{ joinSessionByCustomer: { id: string; status: string } }>(
      server.url,
      BY_CUSTOMER,
      { email: 'vera@example.com', sessionId: victim.session.id },
      { cookie: agent },
    );
    assert.deepEqual(chosen.data?.joinSessionByCustomer, { id: victim.session.id, status: 'ACTIVE' });
    await exit(victim.session.id);

    // Alone now, the attacker's session still needs the digits; with them it is joined.
    assert.equal(errorCode(await gql(server.url, BY_CUSTOMER, { email: 'vera@example.com' }, { cookie: agent })), 'IDENTITY_UNVERIFIED');
    const confirmed = await gql<{ joinSessionByCustomer: { id: string } }>(
      server.url,
      BY_CUSTOMER,
      { email: 'vera@example.com', lastDigits: attacker.session.code.slice(-4) },
      { cookie: agent },
    );
    assert.equal(confirmed.data?.joinSessionByCustomer.id, attacker.session.id);
    await exit(attacker.session.id);
  });

  it('joins a single verified session by e-mail at once', async () => {
    const verified = await start({ identityToken: token({ name: 'Walt', accountId: 'ACC-9' }) });
    const joined = await gql<{ joinSessionByCustomer: { id: string } }>(server.url, BY_CUSTOMER, { accountId: 'ACC-9' }, { cookie: agent });
    assert.equal(joined.data?.joinSessionByCustomer.id, verified.session.id);
    await exit(verified.session.id);
  });
});

describe('staff-only fields are refused to customers', () => {
  let server: TestServer;
  let session: { id: string; customerToken: string };
  let chat: { id: string; token: string };
  let agentCookie: string;

  before(async () => {
    server = await startTestServer();
    agentCookie = await signIn(server.url, 'agent@example.com');
    const opened = await gql<{ startChat: { customerToken: string; chat: { id: string } } }>(
      server.url,
      'mutation($input: StartChatInput!){ startChat(input: $input){ customerToken chat { id } } }',
      { input: { url: `${server.url}/demo`, customerName: 'Cas' } },
      { origin: server.url },
    );
    chat = { id: opened.data!.startChat.chat.id, token: opened.data!.startChat.customerToken };
    await gql(server.url, 'mutation($id: ID!){ acceptChat(chatId: $id){ id } }', { id: chat.id }, { cookie: agentCookie });
    const started = await gql<{ startSession: Started }>(
      server.url,
      START,
      { input: { url: `${server.url}/demo`, viewportWidth: 800, viewportHeight: 600, chatToken: chat.token } },
      { origin: server.url },
    );
    session = { id: started.data!.startSession.session.id, customerToken: started.data!.startSession.customerToken };
    await gql(server.url, JOIN, { code: started.data!.startSession.session.code }, { cookie: agentCookie });
  });
  after(() => server?.close());

  const bySession = (fields: string) => `query($id: ID!){ session(id: $id){ agent { ${fields} } } }`;
  const byChat = (fields: string) => `query($id: ID!, $t: String){ chat(id: $id, chatToken: $t){ agent { ${fields} } } }`;

  async function ask(transport: 'http' | 'ws', query: string, variables: Record<string, unknown>, identity: Identity) {
    if (transport === 'http') {
      const answer = await httpGraphQL(server.url, { query, variables }, { identity, address: freshAddress() });
      return answer.json;
    }
    const client = wsConnect(server.url, { identity, address: freshAddress() });
    try {
      const answer = await wsFirst(client, query, variables, { timeoutMs: 8000 });
      assert.ok(answer.kind === 'next' || answer.kind === 'error', `ws answer ${answer.kind}`);
      return answer.body;
    } finally {
      await client.dispose();
    }
  }

  for (const transport of ['http', 'ws'] as const) {
    it(`over ${transport === 'http' ? 'HTTP' : 'WebSocket'}: the agent's name reaches the customer; e-mail, id and role do not, via the session or the chat`, async () => {
      const customer = { customerToken: session.customerToken };
      const staff = { cookie: agentCookie };
      const cases = [
        { query: bySession, variables: { id: session.id }, customer },
        { query: byChat, variables: { id: chat.id, t: chat.token }, customer: {} },
      ];
      for (const { query, variables, customer: caller } of cases) {
        // The agent sees every field: the capture sees the e-mail when it is there to see.
        const mine = await ask(transport, query('name email id role'), variables, staff);
        assert.match(JSON.stringify(mine?.data), /agent@example\.com/);
        const named = await ask(transport, query('name'), variables, caller);
        assert.equal(named?.errors, undefined, JSON.stringify(named));
        assert.match(JSON.stringify(named?.data), /"name":/);
        for (const field of ['email', 'id', 'role']) {
          const refused = await ask(transport, query(`name ${field}`), variables, caller);
          assert.equal(refused?.errors?.[0]?.extensions?.code, 'FORBIDDEN', `${field}: ${JSON.stringify(refused)}`);
          assert.match(refused!.errors![0]!.message, /staff only/);
          assert.ok(!JSON.stringify(refused).includes('agent@example.com'), `${field} leaked the e-mail`);
        }
      }
    });
  }
});

describe('one actor against another: join limits', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ config: { joinFailuresPerAgent: 5, joinFailuresPerAddress: 8, joinLockoutSeconds: 60 } });
  });
  after(() => server?.close());

  it('a chat customer who starts co-browse and leaves again and again does not lock the agent out', async () => {
    const agentCookie = await signIn(server.url, 'agent@example.com');
    const office = freshAddress();
    const opened = await gql<{ startChat: { customerToken: string; chat: { id: string } } }>(
      server.url,
      'mutation($input: StartChatInput!){ startChat(input: $input){ customerToken chat { id } } }',
      { input: { url: `${server.url}/demo` } },
      { origin: server.url },
    );
    const chat = opened.data!.startChat;
    await gql(server.url, 'mutation($id: ID!){ acceptChat(chatId: $id){ id } }', { id: chat.chat.id }, { cookie: agentCookie });
    // Twice the agent's allowance of failures: start from the chat, leave before the agent's page gets there.
    for (let round = 1; round <= 10; round++) {
      const started = await gql<{ startSession: Started }>(
        server.url,
        START,
        { input: { url: `${server.url}/demo`, viewportWidth: 800, viewportHeight: 600, chatToken: chat.customerToken } },
        { origin: server.url },
      );
      const { session, customerToken } = started.data!.startSession;
      await gql(server.url, EXIT, { id: session.id }, { customerToken });
      // What the agent page does when the chat announces the session.
      const auto = await httpGraphQL(
        server.url,
        { query: 'mutation($id: ID!){ joinChatSession(sessionId: $id){ id } }', variables: { id: session.id } },
        { identity: { cookie: agentCookie }, address: office },
      );
      assert.equal(codeOf(auto), 'SESSION_UNAVAILABLE', `round ${round}: ${auto.text}`);
    }
    // Neither the agent nor the office is locked out: a right code still joins from there.
    const fresh = await gql<{ startSession: Started }>(
      server.url,
      START,
      { input: { url: `${server.url}/demo`, viewportWidth: 800, viewportHeight: 600 } },
      { origin: server.url },
    );
    const joined = await httpGraphQL(
      server.url,
      { query: JOIN, variables: { code: fresh.data!.startSession.session.code } },
      { identity: { cookie: agentCookie }, address: office },
    );
    assert.equal(codeOf(joined), undefined, joined.text);
    await gql(server.url, EXIT, { id: fresh.data!.startSession.session.id }, { cookie: agentCookie });

    // The same rounds joined by code, as the agent page did before, lock an agent out: the capture sees a lockout when there is one.
    const byCode = await signIn(server.url, 'agent2@example.com');
    const answers: unknown[] = [];
    for (let round = 1; round <= 6; round++) {
      const started = await gql<{ startSession: Started }>(
        server.url,
        START,
        { input: { url: `${server.url}/demo`, viewportWidth: 800, viewportHeight: 600 } },
        { origin: server.url },
      );
      const { session, customerToken } = started.data!.startSession;
      await gql(server.url, EXIT, { id: session.id }, { customerToken });
      const joinedByCode = await httpGraphQL(
        server.url,
        { query: JOIN, variables: { code: session.code } },
        { identity: { cookie: byCode }, address: freshAddress() },
      );
      answers.push(codeOf(joinedByCode));
    }
    assert.deepEqual(answers.slice(-2), ['SESSION_UNAVAILABLE', 'RATE_LIMITED'], answers.join());

    // The server-issued join is the chat's agent's only: another agent is refused, not counted.
    const other = await signIn(server.url, 'agent2@example.com');
    const again = await gql<{ startSession: Started }>(
      server.url,
      START,
      { input: { url: `${server.url}/demo`, viewportWidth: 800, viewportHeight: 600, chatToken: chat.customerToken } },
      { origin: server.url },
    );
    const stranger = await gql(
      server.url,
      'mutation($id: ID!){ joinChatSession(sessionId: $id){ id } }',
      { id: again.data!.startSession.session.id },
      { cookie: other },
    );
    assert.equal(errorCode(stranger), 'FORBIDDEN');
    const own = await gql<{ joinChatSession: { id: string } }>(
      server.url,
      'mutation($id: ID!){ joinChatSession(sessionId: $id){ id status } }',
      { id: again.data!.startSession.session.id },
      { cookie: agentCookie },
    );
    assert.equal(own.data?.joinChatSession.id, again.data!.startSession.session.id);
  });

  it('charges a burst of parallel guesses before looking: no more codes are tried than one at a time would', async () => {
    const user = await server.deps.db.user.create({
      data: { email: 'burst-agent@example.com', name: 'Burst', role: 'AGENT', passwordHash: await hashPassword('burst-password') },
    });
    const guesser = { id: user.id, cookie: await signIn(server.url, 'burst-agent@example.com', 'burst-password') };
    // An ended session: every guess that is looked up leaves a JOIN_REFUSED row in its trail.
    const target = await gql<{ startSession: Started }>(
      server.url,
      START,
      { input: { url: `${server.url}/demo`, viewportWidth: 800, viewportHeight: 600 } },
      { origin: server.url },
    );
    const { session, customerToken } = target.data!.startSession;
    await gql(server.url, EXIT, { id: session.id }, { customerToken });

    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        httpGraphQL(
          server.url,
          { query: JOIN, variables: { code: session.code } },
          { identity: { cookie: guesser.cookie }, address: freshAddress() },
        ),
      ),
    );
    const codes = answers.map(codeOf);
    assert.equal(codes.filter((code) => code === 'SESSION_UNAVAILABLE').length, 5, codes.join());
    assert.equal(codes.filter((code) => code === 'RATE_LIMITED').length, 25, codes.join());
    await server.deps.audit.drain();
    const looked = await server.deps.db.auditEvent.count({ where: { sessionId: session.id, type: 'JOIN_REFUSED', actorId: guesser.id } });
    assert.equal(looked, 5, 'only the charged guesses were looked up');
  });
});
