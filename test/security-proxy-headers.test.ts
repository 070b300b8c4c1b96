import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import WebSocket from 'ws';
import { ConfigError, readConfig, type Config } from '../server/core/config.ts';
import { clientAddressOf } from '../server/http/request-address.ts';
import { freshAddress, httpGraphQL, wsConnect, wsFirst, type HttpAnswer } from './support/attack-clients.ts';
import { gql, signIn, wsExecute } from './support/graphql-client.ts';
import { waitFor } from './support/wait-for.ts';
import { freePort } from './support/services.ts';
import { nginxBinary, startShippedProxy, type ShippedProxy } from './support/shipped-proxy.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Headers the client writes, through the proxy the project ships: a real nginx running
 * .docker/nginx.conf in front of a real server configured as compose.yaml configures it. Each
 * client connects from a loopback address of its own, which nginx sees as its address.
 */

const NGINX = nginxBinary();
if (!NGINX) {
  console.error(
    '\n!!! nginx is not installed: the tests of the shipped proxy configuration are SKIPPED.\n' +
      '!!! Install it (apt-get install nginx; .ci/run does) to run them.\n',
  );
}
const skip = NGINX ? false : 'nginx is not installed';

const START = 'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code } } }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';
const START_CHAT = 'mutation($input: StartChatInput!){ startChat(input: $input){ chat { id } } }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';

/** The app's proxy settings as compose.yaml sets them. */
function composeProxySettings(): Partial<Config> {
  const compose = parseYaml(readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };
  const environment = compose.services.app1!.environment!;
  const trust = Object.fromEntries(Object.entries(environment).filter(([name]) => name.startsWith('TRUST_PROXY')));
  const config = readConfig(trust);
  return { trustProxyHops: config.trustProxyHops };
}

const codeOf = (answer: HttpAnswer) => answer.json?.errors?.[0]?.extensions?.code;

describe('behind the shipped nginx, X-Forwarded-For written by the client', { skip }, () => {
  let server: TestServer;
  let proxy: ShippedProxy;

  before(async () => {
    const port = await freePort();
    const proxyUrl = `http://127.0.0.1:${port}`;
    server = await startTestServer({
      config: {
        ...composeProxySettings(),
        publicOrigin: proxyUrl,
        startSessionsPerAddressPerMinute: 3,
        maxSocketsPerAddress: 2,
      },
    });
    proxy = await startShippedProxy({ upstream: new URL(server.url).host, port });
  });
  after(async () => {
    await proxy?.stop();
    await server?.close();
  });

  /** A session start through the proxy, from `client`, with a forged X-Forwarded-For when given. */
  const startThroughProxy = (client: string, forwardedFor?: string) =>
    httpGraphQL(
      proxy.url,
      { query: START, variables: { input: { url: `${proxy.url}/demo`, viewportWidth: 800, viewportHeight: 600 } } },
      { address: client, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } },
    );

  it('counts session starts per client, whatever X-Forwarded-For the client writes', async () => {
    const client = freshAddress();
    const forged = ['203.0.113.1', '203.0.113.2, 198.51.100.7', '198.51.100.8,127.0.0.1', '203.0.113.4'];
    for (const value of forged.slice(0, 3)) {
      const started = await startThroughProxy(client, value);
      assert.equal(codeOf(started), undefined, `X-Forwarded-For: ${value} → ${started.text}`);
    }
    const refused = await startThroughProxy(client, forged[3]);
    assert.equal(codeOf(refused), 'RATE_LIMITED', refused.text);
    assert.equal(refused.status, 429);
    // The limit is that client's, not the proxy's: another client through the same nginx still starts.
    const other = await startThroughProxy(freshAddress());
    assert.equal(codeOf(other), undefined, other.text);
  });

  it('counts open sockets per client, whatever X-Forwarded-For the client writes', async () => {
    const wsUrl = `${proxy.url.replace(/^http/, 'ws')}/api/graphql`;
    const open = (client: string, forwardedFor?: string): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = { origin: proxy.url };
        if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
        const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { headers, localAddress: client });
        socket.once('open', () => resolve(socket));
        socket.once('unexpected-response', (_request, response) => reject(new Error(`status ${response.statusCode}`)));
        socket.once('error', reject);
      });
    const client = freshAddress();
    const sockets = [await open(client, '203.0.113.11'), await open(client, '203.0.113.12')];
    await assert.rejects(open(client, '203.0.113.13'), /status 429/);
    await assert.rejects(open(client, '203.0.113.14, 198.51.100.9'), /status 429/);
    const other = await open(freshAddress()); // another client through the same nginx is not affected
    for (const socket of [...sockets, other]) socket.close();
  });
});

describe('TRUST_PROXY_HOPS: how many X-Forwarded-For entries, from the right, proxies wrote', () => {
  const request = (forwardedFor: string | string[] | undefined) => ({
    headers: { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: '192.0.2.99' },
  });

  it('reads the number of hops, 0 unless set, and takes TRUST_PROXY=true as one', () => {
    assert.equal(readConfig({}).trustProxyHops, 0);
    assert.equal(readConfig({ TRUST_PROXY_HOPS: '2' }).trustProxyHops, 2);
    assert.equal(readConfig({ TRUST_PROXY: 'true' }).trustProxyHops, 1);
    assert.equal(readConfig({ TRUST_PROXY: 'false' }).trustProxyHops, 0);
    assert.equal(readConfig({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '0' }).trustProxyHops, 0, 'the number wins');
    for (const bad of ['-1', 'yes', '1.5'])
      assert.throws(
        () => readConfig({ TRUST_PROXY_HOPS: bad }),
        (error: unknown) => error instanceof ConfigError && /TRUST_PROXY_HOPS/.test(error.message),
        bad,
      );
  });

  it('takes the entry the nearest trusted proxy was handed, never one the client wrote', () => {
    assert.equal(clientAddressOf(request('203.0.113.1'), 0), '192.0.2.99', 'no proxy trusted: the socket');
    assert.equal(clientAddressOf(request('203.0.113.1, 198.51.100.2'), 1), '198.51.100.2');
    assert.equal(clientAddressOf(request('203.0.113.1, 198.51.100.2, 10.0.0.3'), 2), '198.51.100.2');
    assert.equal(clientAddressOf(request(['203.0.113.1', '198.51.100.2']), 1), '198.51.100.2', 'repeated headers');
    assert.equal(clientAddressOf(request(' 203.0.113.1 ,,198.51.100.2 '), 1), '198.51.100.2');
  });

  it('falls back to the socket when the header has fewer entries than trusted proxies', () => {
    assert.equal(clientAddressOf(request(undefined), 1), '192.0.2.99');
    assert.equal(clientAddressOf(request(''), 1), '192.0.2.99');
    assert.equal(clientAddressOf(request('198.51.100.2'), 2), '192.0.2.99');
  });
});

describe('a forged Host is not the server’s own origin', () => {
  const SHOP = 'https://shop.example';
  const EVIL = 'http://evil.test';
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ config: { allowedOrigins: [SHOP] } });
  });
  after(() => server?.close());

  /** A call as a page at `origin` makes it, with the Host header given (the server's own unless forged). */
  const callAs = (query: string, variables: Record<string, unknown>, origin: string, headers: Record<string, string> = {}) =>
    httpGraphQL(server.url, { query, variables }, { origin, headers, address: freshAddress() });
  const startInput = (origin: string) => ({ input: { url: `${origin}/cart`, viewportWidth: 800, viewportHeight: 600 } });

  it('takes the own origin from PUBLIC_URL, by default where the server listens', () => {
    assert.equal(readConfig({}).publicOrigin, 'http://localhost:3000');
    assert.equal(readConfig({ PORT: '4000', HOST: '127.0.0.1' }).publicOrigin, 'http://127.0.0.1:4000');
    assert.equal(readConfig({ PUBLIC_URL: 'https://cobrowse.example.com/' }).publicOrigin, 'https://cobrowse.example.com');
    for (const bad of ['cobrowse.example.com', 'ftp://cobrowse.example.com'])
      assert.throws(
        () => readConfig({ PUBLIC_URL: bad }),
        (error: unknown) => error instanceof ConfigError && /PUBLIC_URL/.test(error.message),
        bad,
      );
    assert.equal(server.deps.config.publicOrigin, server.url, 'on port 0, the port it got');
  });

  it('starts sessions and chats from the server’s own origin, and from no other whatever Host it forges', async () => {
    const session = await callAs(START, startInput(server.url), server.url);
    assert.equal(codeOf(session), undefined, session.text);
    const chat = await callAs(START_CHAT, { input: { url: `${server.url}/cart` } }, server.url);
    assert.equal(codeOf(chat), undefined, chat.text);
    assert.equal(await server.deps.db.session.count({ where: { origin: server.url } }), 1, 'the control is stored');

    const forgeries: [string, Record<string, string>][] = [
      [EVIL, { host: 'evil.test' }],
      ['https://evil.test', { host: 'evil.test', 'x-forwarded-proto': 'https' }],
      ['http://127.0.0.1', { host: '127.0.0.1' }], // the server's own address on another port
    ];
    for (const [origin, headers] of forgeries) {
      const refused = await callAs(START, startInput(origin), origin, headers);
      assert.equal(codeOf(refused), 'ORIGIN_NOT_ALLOWED', `startSession, Host: ${headers.host}, Origin: ${origin} → ${refused.text}`);
      const refusedChat = await callAs(START_CHAT, { input: { url: `${origin}/cart` } }, origin, headers);
      assert.equal(codeOf(refusedChat), 'ORIGIN_NOT_ALLOWED', `startChat, Host: ${headers.host}, Origin: ${origin}`);
    }
    const origins = forgeries.map(([origin]) => origin);
    assert.equal(await server.deps.db.session.count({ where: { origin: { in: origins } } }), 0);
    assert.equal(await server.deps.db.chat.count({ where: { origin: { in: origins } } }), 0);
  });

  it('audits a page visit on the server’s own site, and none for the site a socket’s forged Host names', async () => {
    const meta = (href: string) => ({ type: 4, data: { href, width: 800, height: 600 }, timestamp: Date.now() });
    const visits = async (sessionId: string) =>
      (await server.deps.db.auditEvent.findMany({ where: { sessionId, type: 'PAGE_VISITED' }, orderBy: { sequence: 'asc' } })).map(
        (row) => (JSON.parse(row.data) as { url: string }).url,
      );
    const agentCookie = await signIn(server.url, 'agent@example.com');
    /**
     * The customer's socket of a new session, upgraded with these headers, sends one batch per page
     * once an agent has joined (before that nothing of the page is kept).
     */
    const showPages = async (headers: Record<string, string>, origin: string, pages: string[]) => {
      const started = await callAs(START, startInput(server.url), server.url);
      const { customerToken, session } = started.json!.data!.startSession as {
        customerToken: string;
        session: { id: string; code: string };
      };
      const joined = await gql(server.url, JOIN, { code: session.code }, { cookie: agentCookie });
      assert.equal(joined.errors, undefined, JSON.stringify(joined.errors));
      const customer = wsConnect(server.url, { identity: { customerToken }, origin, headers, address: freshAddress() });
      for (const [index, page] of pages.entries()) {
        const batch = { seq: index + 1, sentAt: Date.now(), events: [meta(page)] };
        assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch }), { data: { sendEvents: true } });
      }
      await customer.dispose();
      await gql(server.url, EXIT, { id: session.id }, { cookie: agentCookie }); // one session at a time per agent
      return session.id;
    };

    // The control: the server's own page, on a socket with the server's own Host and Origin, is audited.
    const own = await showPages({}, server.url, [`${server.url}/own-page`]);
    assert.deepEqual(await waitFor(async () => (await visits(own)).length > 0 && visits(own), 'the own page’s visit'), [
      `${server.url}/own-page`,
    ]);

    // Forged Host and matching Origin, on a page of that site; then a page of an allowed site. Visits
    // are checked and written one after the other, so once the second is written the first was decided.
    const forged = await showPages({ host: 'evil.test' }, EVIL, [`${EVIL}/login`, `${SHOP}/after`]);
    await waitFor(async () => (await visits(forged)).includes(`${SHOP}/after`), 'the allowed site’s visit');
    assert.deepEqual(await visits(forged), [`${SHOP}/after`]);
  });

  it('does not read the sign-in cookie on a socket whose forged Host matches its Origin', async () => {
    const cookie = await signIn(server.url, 'agent@example.com');
    const me = async (origin: string, headers: Record<string, string>) => {
      const client = wsConnect(server.url, { identity: { cookie }, origin, headers, address: freshAddress() });
      const answer = await wsFirst(client, '{ me { email } }');
      await client.dispose();
      return answer.kind === 'next' ? answer.body.data?.me : answer;
    };
    assert.deepEqual(await me(server.url, {}), { email: 'agent@example.com' }, 'the control: the own origin signs in');
    assert.equal(await me(EVIL, { host: 'evil.test' }), null);
  });
});

describe('the shipped nginx answers only for the configured host name', { skip }, () => {
  let server: TestServer;
  let proxy: ShippedProxy;

  before(async () => {
    server = await startTestServer();
    proxy = await startShippedProxy({ upstream: new URL(server.url).host });
  });
  after(async () => {
    await proxy?.stop();
    await server?.close();
  });

  /**
   * A GET through the proxy, written byte by byte with this Host header (none: an HTTP/1.0 request
   * without one): the status line that came back, or "no answer" when the connection closed without a byte.
   */
  const getWithHost = (host: string | null, path = '/healthz') =>
    new Promise<string>((resolve, reject) => {
      const head = host === null ? `GET ${path} HTTP/1.0\r\n` : `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n`;
      const socket = connect(proxy.port, '127.0.0.1', () => socket.write(`${head}\r\n`));
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.once('error', reject);
      socket.once('close', () => resolve(received === '' ? 'no answer' : received.split('\r\n')[0]!));
    });

  it('closes the connection without an answer for any other Host, or none', async () => {
    assert.equal(await getWithHost(`127.0.0.1:${proxy.port}`), 'HTTP/1.1 200 OK', 'the control: the configured host name');
    for (const host of ['evil.test', `evil.test:${proxy.port}`, 'localhost', '127.0.0.2', null]) {
      assert.equal(await getWithHost(host), 'no answer', `Host: ${host}`);
      assert.equal(await getWithHost(host, '/api/graphql'), 'no answer', `Host: ${host}`);
    }
  });
});
