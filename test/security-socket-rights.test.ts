import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { RECHECK_INTERVAL_MS } from '../server/auth/socket-registry.ts';
import { hashToken } from '../server/auth/tokens.ts';
import { errorCode, gql, signIn } from './support/graphql-client.ts';
import { twoInstances } from './support/services.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const LIFECYCLE = 'subscription { sessionLifecycle }';
const ME = '{ me { id role } }';
const CREATE = 'mutation($input: CreateUserInput!){ createUser(input: $input){ id } }';
const RESET = 'mutation($id: ID!, $p: String!){ resetPassword(userId: $id, password: $p){ id } }';
const SET_ROLE = 'mutation($id: ID!, $r: Role!){ setUserRole(userId: $id, role: $r){ id } }';
const SIGN_OUT = 'mutation { signOut }';

interface OpenSocket {
  client: Client;
  /** Resolves with the close code and reason once the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  isClosed: () => boolean;
  /** What the lifecycle subscription ended with: an error, or still running. */
  subscription: { ended: boolean; error: unknown };
  /** One operation over this socket: its data, or its errors. */
  run: <T = Record<string, unknown>>(
    query: string,
  ) => Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>;
  dispose: () => Promise<void>;
}

/** A graphql-ws client as the pages use one (cookie on the upgrade) or an API client (Bearer key), holding `sessionLifecycle`. */
async function openSocket(baseUrl: string, credentials: { cookie?: string; apiKey?: string }): Promise<OpenSocket> {
  const headers: Record<string, string> = { origin: baseUrl };
  if (credentials.cookie) headers.cookie = credentials.cookie;
  class HeaderWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  let closedFlag = false;
  let resolveClosed!: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  let resolveConnected!: () => void;
  const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/api/graphql`,
    webSocketImpl: HeaderWebSocket,
    connectionParams: credentials.apiKey ? { authorization: `Bearer ${credentials.apiKey}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: {
      connected: () => resolveConnected(),
      closed: (event) => {
        closedFlag = true;
        const { code, reason } = event as { code: number; reason: string };
        resolveClosed({ code, reason: String(reason) });
      },
    },
  });
  const subscription = { ended: false, error: undefined as unknown };
  client.subscribe(
    { query: LIFECYCLE },
    {
      next: () => {},
      error: (error) => ((subscription.ended = true), (subscription.error = error)),
      complete: () => (subscription.ended = true),
    },
  );
  await Promise.race([connected, closed.then((event) => Promise.reject(new Error(`closed at connect: ${event.code} ${event.reason}`)))]);
  const run: OpenSocket['run'] = (query) =>
    new Promise((resolve, reject) => {
      let result: Record<string, unknown> | undefined;
      client.subscribe(
        { query },
        {
          next: (value) => (result = value as Record<string, unknown>),
          error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
          complete: () => resolve(result ?? {}),
        },
      );
    });
  // The subscription is live once an operation sent after it has answered (the socket handles them in order).
  assert.equal((await run(ME)).errors, undefined);
  return { client, closed, isClosed: () => closedFlag, subscription, run, dispose: async () => void (await client.dispose()) };
}

/** Waits for a close, failing after `ms`. */
const closeWithin = (socket: OpenSocket, ms = 5_000) =>
  Promise.race([
    socket.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the socket was still open after ${ms} ms`)), ms)),
  ]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an open WebSocket loses the rights its credentials lose', () => {
  let server: TestServer;
  let url: string;
  let admin: string;
  const sockets: OpenSocket[] = [];

  before(async () => {
    server = await startTestServer();
    url = server.url;
    admin = await signIn(url, 'admin@example.com');
  });
  after(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await server.close();
  });

  const open = async (credentials: { cookie?: string; apiKey?: string }) => {
    const socket = await openSocket(url, credentials);
    sockets.push(socket);
    return socket;
  };
  const newSupervisor = async (email: string) => {
    const created = await gql<{ createUser: { id: string } }>(
      url,
      CREATE,
      { input: { name: email, email, role: 'SUPERVISOR', password: 'supervisor-pw' } },
      { cookie: admin },
    );
    assert.ok(created.data, JSON.stringify(created.errors));
    return { id: created.data.createUser.id, signIn: () => signIn(url, email, 'supervisor-pw') };
  };

  it('signing out closes that browser’s sockets (4401), not those of the user’s other sign-ins', async () => {
    const user = await newSupervisor('out@example.com');
    const [thisBrowser, otherBrowser, thirdBrowser] = [await user.signIn(), await user.signIn(), await user.signIn()];
    const [mine, other, third] = [
      await open({ cookie: thisBrowser }),
      await open({ cookie: otherBrowser }),
      await open({ cookie: thirdBrowser }),
    ];
    assert.equal((await gql(url, SIGN_OUT, {}, { cookie: thisBrowser })).errors, undefined);
    assert.deepEqual(await closeWithin(mine), { code: 4401, reason: 'Signed out' });
    await waitFor(() => mine.subscription.ended, 'the subscription to end with the socket', 2_000);
    // A later sign-out closes its own browser's socket: the first one's closes were all sent by
    // then, and an answer on the other socket comes after any close sent on it.
    assert.equal((await gql(url, SIGN_OUT, {}, { cookie: thirdBrowser })).errors, undefined);
    assert.deepEqual(await closeWithin(third), { code: 4401, reason: 'Signed out' });
    assert.equal((await other.run(ME)).errors, undefined);
    assert.equal(other.isClosed(), false);
  });

  it('a password reset closes every socket of the user, but not the resetting admin’s own browser', async () => {
    const user = await newSupervisor('reset@example.com');
    const socket = await open({ cookie: await user.signIn() });
    const adminSocket = await open({ cookie: admin });
    assert.equal((await gql(url, RESET, { id: user.id, p: 'a-new-password' }, { cookie: admin })).errors, undefined);
    assert.deepEqual(await closeWithin(socket), { code: 4401, reason: 'Signed out' });

    const adminId = (await server.deps.db.user.findUniqueOrThrow({ where: { email: 'admin@example.com' } })).id;
    assert.equal((await gql(url, RESET, { id: adminId, p: 'cobrowse-demo' }, { cookie: admin })).errors, undefined);
    // A later reset closes that user's socket: the admin's own reset was handled by then, and an
    // answer on the admin's socket comes after any close sent on it.
    const later = await newSupervisor('reset-later@example.com');
    const laterSocket = await open({ cookie: await later.signIn() });
    assert.equal((await gql(url, RESET, { id: later.id, p: 'another-password' }, { cookie: admin })).errors, undefined);
    assert.deepEqual(await closeWithin(laterSocket), { code: 4401, reason: 'Signed out' });
    assert.equal((await adminSocket.run(ME)).errors, undefined);
    assert.equal(adminSocket.isClosed(), false);
  });

  it('a role change closes the user’s sockets (4403) so they come back with the new rights only', async () => {
    const user = await newSupervisor('demoted@example.com');
    const cookie = await user.signIn();
    const socket = await open({ cookie });
    assert.equal((await gql(url, SET_ROLE, { id: user.id, r: 'AGENT' }, { cookie: admin })).errors, undefined);
    assert.deepEqual(await closeWithin(socket), { code: 4403, reason: 'Rights changed' });
    // Reconnected with the same cookie: still signed in, but no longer a supervisor.
    const again = await openSocketExpectingRefusal(url, cookie);
    assert.equal(again, 'FORBIDDEN');
  });

  it('revoking an API key closes the sockets using it, and it cannot connect again', async () => {
    const created = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      url,
      'mutation { createApiKey(name: "socket test"){ key apiKey { id } } }',
      {},
      { cookie: admin },
    );
    const { key, apiKey } = created.data!.createApiKey;
    const socket = await open({ apiKey: key });
    assert.equal(
      (await gql(url, 'mutation($id: ID!){ revokeApiKey(id: $id){ id } }', { id: apiKey.id }, { cookie: admin })).errors,
      undefined,
    );
    assert.deepEqual(await closeWithin(socket), { code: 4401, reason: 'API key revoked' });
    await assert.rejects(openSocket(url, { apiKey: key }), /closed at connect: 4403/);
  });

  it('closes a socket when its sign-in expires', async () => {
    const user = await newSupervisor('expiring@example.com');
    const cookie = await user.signIn();
    const tokenHash = hashToken(cookie.split('=')[1]!);
    await server.deps.db.authSession.update({ where: { tokenHash }, data: { expiresAt: new Date(Date.now() + 1_500) } });
    const socket = await open({ cookie });
    const started = Date.now();
    assert.deepEqual(await closeWithin(socket), { code: 4401, reason: 'Sign-in expired' });
    assert.ok(Date.now() - started > 800, 'not before the sign-in ends');
  });

  it('re-checks per operation, so a change no message announced (expiry moved, row deleted, key revoked in the database) is refused', async () => {
    const user = await newSupervisor('silent@example.com');
    const [expired, deleted] = [await user.signIn(), await user.signIn()];
    const [expiredSocket, deletedSocket] = [await open({ cookie: expired }), await open({ cookie: deleted })];
    const keyCreated = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      url,
      'mutation { createApiKey(name: "silent"){ key apiKey { id } } }',
      {},
      { cookie: admin },
    );
    const keySocket = await open({ apiKey: keyCreated.data!.createApiKey.key });

    // Behind the server's back: no revocation is published for any of these.
    await server.deps.db.authSession.update({
      where: { tokenHash: hashToken(expired.split('=')[1]!) },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await server.deps.db.authSession.delete({ where: { tokenHash: hashToken(deleted.split('=')[1]!) } });
    await server.deps.db.apiKey.update({ where: { id: keyCreated.data!.createApiKey.apiKey.id }, data: { revokedAt: new Date() } });
    await sleep(RECHECK_INTERVAL_MS + 300); // the interval under test: rights are read again once it has passed

    for (const [socket, reason] of [
      [expiredSocket, 'Signed out'],
      [deletedSocket, 'Signed out'],
      [keySocket, 'API key revoked'],
    ] as const) {
      const refused = await socket.run(ME);
      assert.equal(refused.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', JSON.stringify(refused));
      assert.deepEqual(await closeWithin(socket), { code: 4401, reason });
    }
  });
});

/** Connects with a cookie and says how `sessionLifecycle` is answered (its error code, or OK). */
async function openSocketExpectingRefusal(baseUrl: string, cookie: string): Promise<string> {
  class HeaderWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { origin: baseUrl, cookie } });
    }
  }
  const client = createClient({ url: `${baseUrl.replace(/^http/, 'ws')}/api/graphql`, webSocketImpl: HeaderWebSocket, retryAttempts: 0 });
  try {
    return await new Promise<string>((resolve, reject) => {
      client.subscribe(
        { query: LIFECYCLE },
        {
          next: (value) => resolve(String(value.errors?.[0]?.extensions?.code ?? 'OK')),
          error: (error) => (Array.isArray(error) ? resolve(String(error[0]?.extensions?.code)) : reject(error)),
          complete: () => resolve('COMPLETE'),
        },
      );
      setTimeout(() => resolve('OK'), 3_000); // a guard: a refusal is answered at once
    });
  } finally {
    await client.dispose();
  }
}

describe('revocations reach sockets on another instance (PostgreSQL and Redis)', () => {
  const servers = twoInstances('rights');

  it('a sign-out on one instance closes the socket open on the other; a role change too', async () => {
    const supervisor = await signIn(servers.a.url, 'supervisor@example.com');
    const onB = await openSocket(servers.b.url, { cookie: supervisor });
    assert.equal((await gql(servers.a.url, SIGN_OUT, {}, { cookie: supervisor })).errors, undefined);
    assert.deepEqual(await closeWithin(onB), { code: 4401, reason: 'Signed out' });

    const admin = await signIn(servers.a.url, 'admin@example.com');
    const again = await signIn(servers.b.url, 'supervisor@example.com');
    const stillOnB = await openSocket(servers.b.url, { cookie: again });
    const id = (await servers.a.deps.db.user.findUniqueOrThrow({ where: { email: 'supervisor@example.com' } })).id;
    assert.equal(errorCode(await gql(servers.a.url, SET_ROLE, { id, r: 'AGENT' }, { cookie: admin })), undefined);
    assert.deepEqual(await closeWithin(stillOnB), { code: 4403, reason: 'Rights changed' });
    await Promise.all([onB.dispose(), stillOnB.dispose()]);
  });
});
