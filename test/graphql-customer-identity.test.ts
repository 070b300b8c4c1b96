import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { errorCode, gql, signIn, wsClient, wsCollect } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const START = 'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code } } }';
const BY_CUSTOMER =
  'mutation($email: String, $accountId: String, $lastDigits: String){ joinSessionByCustomer(email: $email, accountId: $accountId, lastDigits: $lastDigits){ id code status } }';
const CUSTOMER = 'query($id: ID!){ session(id: $id){ customer { name email accountId fields verified } } }';
const HISTORY = 'query($customer: String){ sessionHistory(filter: { customer: $customer }){ totalCount nodes { id } } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';

const alice = { name: 'Alice Martin', email: 'Alice.Martin@Example.com', accountId: 'ACC-1001', fields: { plan: 'gold' } };

describe('who the customer is: metadata, identity-based join, search', () => {
  let server: TestServer;
  let agent: string;
  let supervisor: string;

  before(async () => {
    server = await startTestServer();
    [agent, supervisor] = await Promise.all([signIn(server.url, 'agent@example.com'), signIn(server.url, 'supervisor@example.com')]);
  });
  after(() => server?.close());

  const start = (metadata?: unknown) =>
    gql<{ startSession: { customerToken: string; session: { id: string; code: string } } }>(
      server.url,
      START,
      { input: { url: `${server.url}/demo`, viewportWidth: 1280, viewportHeight: 800, ...(metadata === undefined ? {} : { metadata }) } },
      { origin: server.url },
    );

  it('keeps what the site said, e-mail lower-cased; the session reads it back', async () => {
    const started = await start(alice);
    const { id } = started.data!.startSession.session;
    const read = await gql<{ session: { customer: unknown } }>(server.url, CUSTOMER, { id }, { cookie: supervisor });
    assert.deepEqual(read.data?.session.customer, { ...alice, email: 'alice.martin@example.com', verified: false });
    const none = await start();
    const nothing = await gql<{ session: { customer: unknown } }>(
      server.url,
      CUSTOMER,
      { id: none.data!.startSession.session.id },
      { cookie: supervisor },
    );
    assert.equal(nothing.data?.session.customer, null);
  });

  it('refuses bad or oversized metadata by name, and starts nothing', async () => {
    const before = await server.deps.db.session.count();
    const cases: [unknown, RegExp][] = [
      [{ email: 'not-an-email' }, /metadata\.email/],
      [{ name: 'x'.repeat(201) }, /metadata\.name/],
      [{ fields: { note: 'y'.repeat(201) } }, /metadata\.fields\.note/],
      [{ fields: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, /metadata\.fields/],
      [{ fields: { nested: { deep: 1 } } }, /metadata\.fields/],
      [{ fields: ['a'] }, /metadata\.fields/],
    ];
    for (const [metadata, problem] of cases) {
      const refused = await start(metadata);
      assert.equal(errorCode(refused), 'BAD_USER_INPUT', JSON.stringify(metadata));
      assert.match(refused.errors![0]!.message, problem);
    }
    assert.equal(await server.deps.db.session.count(), before);
  });

  it('lets an agent join a customer’s waiting session by e-mail or account ID, with the last digits of an unverified one, and shows who it is', async () => {
    const older = (await start(alice)).data!.startSession; // an older one of the same customer
    const newest = (await start(alice)).data!.startSession;
    assert.equal(
      errorCode(await gql(server.url, BY_CUSTOMER, { email: 'alice.martin@example.com' }, { cookie: agent })),
      'SESSION_CHOICE_NEEDED',
    );
    // The customer leaves the older ones (this one and the first test's): one is left.
    await gql(server.url, EXIT, { id: older.session.id }, { customerToken: older.customerToken });
    await server.deps.db.session.updateMany({
      where: { customerEmail: 'alice.martin@example.com', status: 'WAITING', id: { not: newest.session.id } },
      data: { status: 'ENDED' },
    });

    const stream = wsClient(server.url, { cookie: agent });
    assert.equal(
      errorCode(await gql(server.url, BY_CUSTOMER, { email: 'ALICE.martin@example.com' }, { cookie: agent })),
      'IDENTITY_UNVERIFIED',
    );
    const joined = await gql<{ joinSessionByCustomer: { id: string; status: string } }>(
      server.url,
      BY_CUSTOMER,
      { email: 'ALICE.martin@example.com', lastDigits: newest.session.code.slice(-4) },
      { cookie: agent },
    );
    assert.equal(joined.data?.joinSessionByCustomer.id, newest.session.id);
    assert.equal(joined.data?.joinSessionByCustomer.status, 'ACTIVE');
    const messages = wsCollect<StreamMessage>(stream, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id: newest.session.id });
    const state = await messages.next((message) => message.type === 'session');
    assert.equal(state.type === 'session' && state.session.customer?.name, 'Alice Martin');
    assert.equal(state.type === 'session' && state.session.customer?.verified, false);
    await stream.dispose();
    await gql(server.url, EXIT, { id: newest.session.id }, { cookie: agent });

    const bob = (await start({ name: 'Bob', accountId: 'ACC-2002' })).data!.startSession;
    const byAccount = await gql<{ joinSessionByCustomer: { id: string } }>(
      server.url,
      BY_CUSTOMER,
      { accountId: 'ACC-2002', lastDigits: bob.session.code.slice(-4) },
      { cookie: agent },
    );
    assert.equal(byAccount.data?.joinSessionByCustomer.id, bob.session.id);
    await gql(server.url, EXIT, { id: bob.session.id }, { cookie: agent });
  });

  it('answers an unknown customer like a wrong code, under the same lockout', async () => {
    const agent2 = await signIn(server.url, 'agent2@example.com');
    const codes: unknown[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      codes.push(errorCode(await gql(server.url, BY_CUSTOMER, { email: `nobody${attempt}@example.com` }, { cookie: agent2 })));
    }
    assert.equal(codes[0], 'SESSION_UNAVAILABLE');
    assert.equal(codes.at(-1), 'RATE_LIMITED', codes.join());
    assert.equal(errorCode(await gql(server.url, BY_CUSTOMER, {}, { cookie: agent })), 'BAD_USER_INPUT');
  });

  it('lets supervisors search past sessions by e-mail, account ID or name', async () => {
    for (const customer of ['alice.martin@example.com', 'ACC-1001', 'Alice Martin']) {
      const found = await gql<{ sessionHistory: { totalCount: number } }>(server.url, HISTORY, { customer }, { cookie: supervisor });
      assert.ok((found.data?.sessionHistory.totalCount ?? 0) >= 3, `${customer}: ${JSON.stringify(found)}`);
    }
    const miss = await gql<{ sessionHistory: { totalCount: number } }>(
      server.url,
      HISTORY,
      { customer: 'carol@example.com' },
      { cookie: supervisor },
    );
    assert.equal(miss.data?.sessionHistory.totalCount, 0);
    const tooLong = await gql(server.url, HISTORY, { customer: 'z'.repeat(201) }, { cookie: supervisor });
    assert.equal(errorCode(tooLong), 'BAD_USER_INPUT');
  });
});
