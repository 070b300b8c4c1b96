import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_RULES_PER_LIST } from '../protocol/index.ts';
import { errorCode, gql, signIn, wsClient } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const EMBEDDED_SIGN_IN = `mutation($email: String!, $password: String!) {
  signIn(email: $email, password: $password, embedded: true) { role }
}`;
const ME = '{ me { email } }';
const EMBED_ORIGINS = 'mutation($origins: [String!]!) { updateSiteSettings(input: { embedOrigins: $origins }) { embedOrigins } }';

describe('signing in inside the embedded agent view, and the embedding sites', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.close());

  const embeddedSignIn = (origin: string) =>
    gql<{ signIn: { role: string } }>(server.url, EMBEDDED_SIGN_IN, { email: 'agent@example.com', password: 'cobrowse-demo' }, { origin });
  const me = (cookie: string, headers: Record<string, string>) =>
    fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: JSON.stringify({ query: ME }),
    }).then(async (response) => ((await response.json()) as { data: { me: { email: string } | null } }).data.me);

  it('sets a partitioned SameSite=None cookie, honoured only on requests from the server’s own pages', async () => {
    const signedIn = await embeddedSignIn(server.url);
    assert.equal(signedIn.data?.signIn.role, 'AGENT');
    const setCookie = signedIn.setCookie ?? '';
    assert.match(setCookie, /^cobrowse_embed=[\w-]+; Path=\/; HttpOnly; Secure; SameSite=None; Partitioned; Max-Age=43200$/);
    const cookie = setCookie.split(';')[0]!;

    // The frame's own requests: its fetches (Origin) and its same-origin loads (fetch metadata).
    assert.deepEqual(await me(cookie, { origin: server.url }), { email: 'agent@example.com' });
    assert.deepEqual(await me(cookie, { 'sec-fetch-site': 'same-origin' }), { email: 'agent@example.com' });
    // Any page of the CRM's site sends it too: those requests are nobody's.
    assert.equal(await me(cookie, { origin: 'https://crm.example' }), null);
    assert.equal(await me(cookie, { 'sec-fetch-site': 'cross-site' }), null);
    assert.equal(await me(cookie, {}), null);

    // The stream's socket from the server's own page is the agent's; from another site it is nobody's.
    const query = (origin: string) => {
      const client = wsClient(server.url, { cookie, origin });
      return new Promise<unknown>((resolve, reject) => {
        let result: unknown;
        client.subscribe({ query: ME }, { next: (value) => (result = value.data), error: reject, complete: () => resolve(result) });
      }).finally(() => client.dispose());
    };
    assert.deepEqual(await query(server.url), { me: { email: 'agent@example.com' } });
    assert.deepEqual(await query('https://crm.example'), { me: null });

    // Signing out clears both cookies, the partitioned one with its attribute (else the browser keeps it).
    const out = await fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: server.url },
      body: JSON.stringify({ query: 'mutation { signOut }' }),
    });
    assert.match(out.headers.get('set-cookie') ?? '', /cobrowse_embed=; Path=\/; HttpOnly; Secure; SameSite=None; Partitioned; Max-Age=0/);
    assert.equal(await me(cookie, { origin: server.url }), null);
  });

  it('refuses the embedded sign-in to any page but the server’s own', async () => {
    const refused = await embeddedSignIn('https://crm.example');
    assert.equal(errorCode(refused), 'FORBIDDEN');
    assert.equal(refused.setCookie, null);
  });

  it('keeps the embedding sites admins set: origins only, at most the list limit, a bad one named', async () => {
    const admin = await signIn(server.url, 'admin@example.com');
    const saved = await gql<{ updateSiteSettings: { embedOrigins: string[] } }>(
      server.url,
      EMBED_ORIGINS,
      { origins: ['https://crm.example/', 'https://crm.example'] },
      { cookie: admin },
    );
    assert.deepEqual(saved.data?.updateSiteSettings.embedOrigins, ['https://crm.example']);
    const bad = await gql(server.url, EMBED_ORIGINS, { origins: ['https://crm.example/tickets'] }, { cookie: admin });
    assert.equal(errorCode(bad), 'BAD_USER_INPUT');
    assert.match(bad.errors![0]!.message, /^Embedding sites: "https:\/\/crm.example\/tickets" is not a site origin/);
    const many = Array.from({ length: MAX_RULES_PER_LIST + 1 }, (_, index) => `https://crm${index}.example`);
    const tooMany = await gql(server.url, EMBED_ORIGINS, { origins: many }, { cookie: admin });
    assert.match(tooMany.errors![0]!.message, new RegExp(`^Embedding sites: at most ${MAX_RULES_PER_LIST} entries`));
    const agent = await signIn(server.url, 'agent@example.com');
    assert.equal(errorCode(await gql(server.url, EMBED_ORIGINS, { origins: [] }, { cookie: agent })), 'FORBIDDEN');
  });
});
