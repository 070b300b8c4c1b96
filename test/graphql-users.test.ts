import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorCode, gql, signIn, type GraphQLResponse } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const USERS = '{ users { id name email role } }';
const CREATE = 'mutation($input: CreateUserInput!){ createUser(input: $input){ id name email role } }';
const RESET = 'mutation($id: ID!, $p: String!){ resetPassword(userId: $id, password: $p){ id } }';
const SET_ROLE = 'mutation($id: ID!, $r: Role!){ setUserRole(userId: $id, role: $r){ id role } }';
const SIGN_IN = 'mutation($e: String!, $p: String!){ signIn(email: $e, password: $p){ id role } }';
const ME = '{ me { id role } }';

interface User {
  id: string;
  name: string;
  email: string;
  role: string;
}

const message = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.message ?? '';

describe('user management for admins', () => {
  let server: TestServer;
  let url: string;
  let admin: string;
  let supervisor: string;
  let agent: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    [admin, supervisor, agent] = (await Promise.all(
      ['admin@example.com', 'supervisor@example.com', 'agent@example.com'].map((email) => signIn(url, email)),
    )) as [string, string, string];
  });
  after(() => server.close());

  const create = (input: Record<string, unknown>, cookie = admin) => gql<{ createUser: User }>(url, CREATE, { input }, { cookie });
  const userId = async (email: string) => (await server.deps.db.user.findUniqueOrThrow({ where: { email } })).id;

  it('only admins list and manage users', async () => {
    const listed = await gql<{ users: User[] }>(url, USERS, {}, { cookie: admin });
    assert.deepEqual(
      listed.data?.users.map((user) => [user.name, user.email, user.role]),
      [
        ['Ada Admin', 'admin@example.com', 'ADMIN'],
        ['Alex Agent', 'agent@example.com', 'AGENT'],
        ['Blair Agent', 'agent2@example.com', 'AGENT'],
        ['Sam Supervisor', 'supervisor@example.com', 'SUPERVISOR'],
      ],
    );
    const agentId = await userId('agent@example.com');
    const input = { name: 'Eve', email: 'eve@example.com', role: 'ADMIN', password: 'long-enough-1' };
    for (const cookie of [supervisor, agent]) {
      assert.equal(errorCode(await gql(url, USERS, {}, { cookie })), 'FORBIDDEN');
      assert.equal(errorCode(await create(input, cookie)), 'FORBIDDEN');
      assert.equal(errorCode(await gql(url, RESET, { id: agentId, p: 'long-enough-1' }, { cookie })), 'FORBIDDEN');
      assert.equal(errorCode(await gql(url, SET_ROLE, { id: agentId, r: 'ADMIN' }, { cookie })), 'FORBIDDEN');
    }
    assert.equal(errorCode(await gql(url, USERS)), 'UNAUTHENTICATED');
    assert.equal(await server.deps.db.user.count({ where: { email: 'eve@example.com' } }), 0);
  });

  it('creates a user who can sign in at once; the email is stored trimmed and lower-case', async () => {
    const created = await create({ name: '  Casey Agent ', email: ' Casey@Example.com ', role: 'AGENT', password: 'first-password' });
    assert.deepEqual(
      { ...created.data?.createUser, id: undefined },
      { id: undefined, name: 'Casey Agent', email: 'casey@example.com', role: 'AGENT' },
    );
    const signedIn = await gql<{ signIn: { role: string } }>(url, SIGN_IN, { e: 'casey@example.com', p: 'first-password' });
    assert.equal(signedIn.data?.signIn.role, 'AGENT');
    const stored = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'casey@example.com' } });
    assert.doesNotMatch(stored.passwordHash, /first-password/);
  });

  it('refuses a duplicate email, a short password and a malformed email, clearly', async () => {
    const duplicate = await create({ name: 'Another Alex', email: 'AGENT@example.com', role: 'AGENT', password: 'long-enough-1' });
    assert.equal(errorCode(duplicate), 'BAD_USER_INPUT');
    assert.match(message(duplicate), /agent@example\.com already exists/);
    const short = await create({ name: 'Shorty', email: 'shorty@example.com', role: 'AGENT', password: 'nine-char' });
    assert.equal(errorCode(short), 'BAD_USER_INPUT');
    assert.match(message(short), /at least 10 characters/);
    const malformed = await create({ name: 'Nomail', email: 'not-an-email', role: 'AGENT', password: 'long-enough-1' });
    assert.equal(errorCode(malformed), 'BAD_USER_INPUT');
    const unnamed = await create({ name: '   ', email: 'unnamed@example.com', role: 'AGENT', password: 'long-enough-1' });
    assert.equal(errorCode(unnamed), 'BAD_USER_INPUT');
    assert.equal(
      errorCode(await create({ name: 'X', email: 'x@example.com', role: 'OWNER', password: 'long-enough-1' })),
      'BAD_USER_INPUT',
    );
  });

  it('resets a password: the old one stops working and the user is signed out', async () => {
    await create({ name: 'Dana Agent', email: 'dana@example.com', role: 'AGENT', password: 'old-password' });
    const dana = await signIn(url, 'dana@example.com', 'old-password');
    const id = await userId('dana@example.com');
    assert.equal(errorCode(await gql(url, RESET, { id, p: 'too-short' }, { cookie: admin })), 'BAD_USER_INPUT');
    assert.equal((await gql(url, RESET, { id, p: 'new-password' }, { cookie: admin })).errors, undefined);

    assert.equal(errorCode(await gql(url, SIGN_IN, { e: 'dana@example.com', p: 'old-password' })), 'UNAUTHENTICATED');
    assert.ok((await gql(url, SIGN_IN, { e: 'dana@example.com', p: 'new-password' })).data);
    assert.deepEqual((await gql(url, ME, {}, { cookie: dana })).data, { me: null });
    assert.equal(errorCode(await gql(url, RESET, { id: 'nobody', p: 'new-password' }, { cookie: admin })), 'NOT_FOUND');

    // An admin resetting their own password stays signed in on this browser.
    const adminId = await userId('admin@example.com');
    assert.equal((await gql(url, RESET, { id: adminId, p: 'cobrowse-demo' }, { cookie: admin })).errors, undefined);
    assert.equal((await gql<{ me: User }>(url, ME, {}, { cookie: admin })).data?.me.role, 'ADMIN');
  });

  it('changes roles, with immediate effect, but never leaves the site without an admin', async () => {
    await create({ name: 'Flynn', email: 'flynn@example.com', role: 'AGENT', password: 'flynn-password' });
    const flynn = await signIn(url, 'flynn@example.com', 'flynn-password');
    const flynnId = await userId('flynn@example.com');
    const adminId = await userId('admin@example.com');

    const lastAdmin = await gql(url, SET_ROLE, { id: adminId, r: 'SUPERVISOR' }, { cookie: admin });
    assert.equal(errorCode(lastAdmin), 'BAD_USER_INPUT');
    assert.match(message(lastAdmin), /last admin/);
    assert.equal((await server.deps.db.user.findUniqueOrThrow({ where: { id: adminId } })).role, 'ADMIN');

    const promoted = await gql<{ setUserRole: User }>(url, SET_ROLE, { id: flynnId, r: 'ADMIN' }, { cookie: admin });
    assert.equal(promoted.data?.setUserRole.role, 'ADMIN');
    assert.equal(errorCode(await gql(url, USERS, {}, { cookie: flynn })), undefined);

    // With a second admin, the first may step down; then the second is the last one.
    assert.equal((await gql(url, SET_ROLE, { id: adminId, r: 'SUPERVISOR' }, { cookie: admin })).errors, undefined);
    assert.equal(errorCode(await gql(url, USERS, {}, { cookie: admin })), 'FORBIDDEN');
    assert.equal(errorCode(await gql(url, SET_ROLE, { id: flynnId, r: 'AGENT' }, { cookie: flynn })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await gql(url, SET_ROLE, { id: 'nobody', r: 'AGENT' }, { cookie: flynn })), 'NOT_FOUND');

    // Put the demo admin back.
    assert.equal((await gql(url, SET_ROLE, { id: adminId, r: 'ADMIN' }, { cookie: flynn })).errors, undefined);
  });
});
