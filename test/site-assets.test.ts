import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expireAssets } from '../server/assets/site-assets.ts';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { gql, signIn, startCustomerSession, type StartedSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Bytes standing in for a font file (the server checks names and sizes, not glyphs). */
const fontBytes = (size: number, fill: number) => Buffer.alloc(size, fill);

describe('font and image files sent by customers’ browsers for agents', () => {
  let server: TestServer;
  let url: string;
  let agentCookie: string;
  before(async () => {
    server = await startTestServer({ config: { assetMaxBytes: 4096, assetSiteQuotaBytes: 10_000 } });
    url = server.url;
    agentCookie = await signIn(url, 'agent@example.com');
  });
  after(() => server.close());

  /** A session an agent has joined (files are taken only then). */
  async function joinedSession(): Promise<StartedSession> {
    const session = await startCustomerSession(url);
    const cookie = await signIn(url, 'agent2@example.com');
    const joined = await gql(url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie });
    assert.equal(joined.errors, undefined);
    return session;
  }
  const missing = (token: string | undefined, hashes: unknown) =>
    fetch(`${url}/api/assets/missing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, ...(token && { 'x-cobrowse-customer-token': token }) },
      body: JSON.stringify({ hashes }),
    });
  const put = (token: string | undefined, hash: string, bytes: Buffer, type = 'font/woff2') =>
    fetch(`${url}/api/assets/${hash}`, {
      method: 'PUT',
      headers: { 'content-type': type, origin: url, ...(token && { 'x-cobrowse-customer-token': token }) },
      body: new Uint8Array(bytes),
    });
  const leave = (session: StartedSession) =>
    gql(url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { customerToken: session.customerToken });

  it('takes a file once an agent has joined, checks it, and serves it to signed-in staff only', async () => {
    const font = fontBytes(3000, 7);
    const hash = sha256(font);
    // No token, or a session nobody has joined yet: nothing is taken.
    assert.equal((await put(undefined, hash, font)).status, 401);
    const waiting = await startCustomerSession(url);
    assert.equal((await missing(waiting.customerToken, [hash])).status, 403);
    assert.equal((await put(waiting.customerToken, hash, font)).status, 403);

    const session = await joinedSession();
    assert.deepEqual(await (await missing(session.customerToken, [hash])).json(), { missing: [hash] });
    assert.equal((await missing(session.customerToken, ['not-a-hash'])).status, 400);
    assert.equal((await missing(session.customerToken, Array(51).fill(hash))).status, 400);
    // Bytes that are not what their name says, a file that is not a font, one over the size limit.
    assert.equal((await put(session.customerToken, sha256(fontBytes(3000, 8)), font)).status, 400);
    assert.equal((await put(session.customerToken, hash, font, 'text/html')).status, 400);
    const large = fontBytes(5000, 1);
    const refused = await put(session.customerToken, sha256(large), large);
    assert.equal(refused.status, 413);
    assert.match(((await refused.json()) as { error: string }).error, /at most 4096 bytes/);
    assert.equal(await server.deps.db.siteAsset.count(), 0);

    assert.equal((await put(session.customerToken, hash, font)).status, 204);
    assert.equal((await put(session.customerToken, hash, font)).status, 204, 'sent twice, kept once');
    assert.deepEqual(await (await missing(session.customerToken, [hash])).json(), { missing: [] });
    assert.deepEqual(await server.deps.db.siteAsset.findMany({ select: { siteOrigin: true, hash: true, size: true, contentType: true } }), [
      { siteOrigin: url, hash, size: 3000, contentType: 'font/woff2' },
    ]);

    assert.equal((await fetch(`${url}/api/assets/${hash}`)).status, 401);
    const served = await fetch(`${url}/api/assets/${hash}`, { headers: { cookie: agentCookie } });
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'font/woff2');
    assert.equal(served.headers.get('cross-origin-resource-policy'), 'same-origin');
    assert.ok(Buffer.from(await served.arrayBuffer()).equals(font));
    assert.equal((await fetch(`${url}/api/assets/${'0'.repeat(64)}`, { headers: { cookie: agentCookie } })).status, 404);

    // Once the session has ended its token sends nothing more.
    await leave(session);
    assert.equal((await put(session.customerToken, sha256(fontBytes(100, 3)), fontBytes(100, 3))).status, 403);
  });

  it('answers the widget’s preflight from allowed sites only', async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/api/assets/missing`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-cobrowse-customer-token',
        },
      });
    await updateSiteSettings(server.deps.db, { allowedOrigins: ['https://shop.example'] });
    const allowed = await preflight('https://shop.example');
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /x-cobrowse-customer-token/);
    assert.equal((await preflight('http://evil.test')).headers.get('access-control-allow-origin'), null);
  });

  it('keeps at most the site’s quota, and nothing while the admin has switched it off', async () => {
    const session = await joinedSession();
    const fill = fontBytes(4000, 9);
    const fits = await put(session.customerToken, sha256(fill), fill);
    assert.equal(fits.status, 204);
    // 3,000 + 4,000 kept; 4,000 more would pass the 10,000-byte quota.
    const over = fontBytes(4000, 10);
    const refused = await put(session.customerToken, sha256(over), over);
    assert.equal(refused.status, 413);
    assert.match(((await refused.json()) as { error: string }).error, /keeps at most 10000 bytes/);

    await updateSiteSettings(server.deps.db, { captureAssets: false });
    try {
      const small = fontBytes(10, 11);
      assert.equal((await missing(session.customerToken, [sha256(small)])).status, 403);
      assert.equal((await put(session.customerToken, sha256(small), small)).status, 403);
    } finally {
      await updateSiteSettings(server.deps.db, { captureAssets: true });
    }
    await leave(session);
  });

  it('deletes files no session used within the expiry', async () => {
    const { db } = server.deps;
    const [old, fresh] = await db.siteAsset.findMany({ orderBy: { size: 'asc' } });
    assert.ok(old && fresh);
    await db.siteAsset.update({
      where: { siteOrigin_hash: { siteOrigin: old.siteOrigin, hash: old.hash } },
      data: { usedAt: new Date(Date.now() - 31 * 86_400_000) },
    });
    assert.equal(await expireAssets(db, { assetExpiryDays: 30 }), 1);
    assert.deepEqual(
      (await db.siteAsset.findMany({ select: { hash: true } })).map((row) => row.hash),
      [fresh.hash],
    );
  });

  it('takes the site’s images too, and serves an SVG with a policy that runs nothing', async () => {
    const session = await joinedSession();
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a2d52bbc0000000049454e44ae426082',
      'hex',
    );
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>parent.stolen = document.cookie</script><rect width="4" height="4"/></svg>',
    );
    assert.equal((await put(session.customerToken, sha256(png), png, 'image/png')).status, 204);
    assert.equal((await put(session.customerToken, sha256(svg), svg, 'image/svg+xml')).status, 204);
    const served = await fetch(`${url}/api/assets/${sha256(svg)}`, { headers: { cookie: agentCookie } });
    assert.equal(served.headers.get('content-type'), 'image/svg+xml');
    assert.match(served.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(
      (await fetch(`${url}/api/assets/${sha256(png)}`, { headers: { cookie: agentCookie } })).headers.get('content-type'),
      'image/png',
    );
    // Still only fonts and images: a script or a page under an image's name is refused.
    const script = Buffer.from('alert(1)');
    assert.equal((await put(session.customerToken, sha256(script), script, 'text/javascript')).status, 400);
    await leave(session);
  });
});
