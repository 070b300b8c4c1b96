import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import WebSocket from 'ws';
import { ConfigError, readConfig, type Config } from '../server/core/config.ts';
import { clientAddressOf } from '../server/http/request-address.ts';
import { freshAddress, httpGraphQL, type HttpAnswer } from './support/attack-clients.ts';
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
      '!!! Install it (apt-get install nginx-light; .ci/run does) to run them.\n',
  );
}
const skip = NGINX ? false : 'nginx is not installed';

const START = 'mutation($input: StartSessionInput!){ startSession(input: $input){ session { id } } }';

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
        allowedOrigins: [proxyUrl],
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
